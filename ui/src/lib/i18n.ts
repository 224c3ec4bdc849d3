/** Chinese first, English on request: string tables per screen, `t(key, vars)`, and `data-i18n` markup. */

export type Lang = 'zh' | 'en';
type Table = Record<string, string>;

const tables: Record<Lang, Table> = { zh: {}, en: {} };
const listeners = new Set<(l: Lang) => void>();
const STORE_KEY = 'hallq.lang';

function initialLang(): Lang {
  const q = new URLSearchParams(location.search).get('lang');
  if (q === 'en' || q === 'zh') return q;
  try {
    const s = localStorage.getItem(STORE_KEY);
    if (s === 'en' || s === 'zh') return s;
  } catch {
    /* no storage */
  }
  return 'zh';
}

let lang: Lang = initialLang();
document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';

export function getLang(): Lang {
  return lang;
}

export function setLang(l: Lang, remember = true): void {
  if (l === lang) return;
  lang = l;
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  if (remember)
    try {
      localStorage.setItem(STORE_KEY, l);
    } catch {
      /* no storage */
    }
  translateDom();
  for (const fn of listeners) fn(l);
}

export function onLangChange(fn: (l: Lang) => void): void {
  listeners.add(fn);
}

/** Adds a screen's strings. Keys missing in English fall back to Chinese. */
export function addStrings(zh: Table, en: Table): void {
  Object.assign(tables.zh, zh);
  Object.assign(tables.en, en);
}

/** t('waitingPeople', {n: 3}) → '等候 3 人' */
export function t(key: string, vars?: Record<string, string | number | null | undefined>): string {
  const s = tables[lang][key] ?? tables.zh[key] ?? key;
  return vars
    ? s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] === undefined || vars[k] === null ? '' : String(vars[k])))
    : s;
}

/** Fills elements marked `data-i18n="key"` (text) and `data-i18n-attr="aria-label:key;placeholder:key"`. */
export function translateDom(root: ParentNode = document): void {
  root.querySelectorAll<HTMLElement>('[data-i18n]').forEach((el) => {
    const s = t(el.dataset.i18n!);
    if (el.textContent !== s) el.textContent = s;
  });
  root.querySelectorAll<HTMLElement>('[data-i18n-attr]').forEach((el) => {
    for (const pair of el.dataset.i18nAttr!.split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  });
}

/** A service's name in the current language. */
export function serviceName(s: { name: string; nameEn?: string | null } | undefined, fallback = ''): string {
  if (!s) return fallback;
  return lang === 'en' && s.nameEn ? s.nameEn : s.name;
}

/** A ticket's priority reason: a code's label (`elderly` → 老年人), or staff's own words as they wrote them. */
export function reasonText(reason: string): string {
  const key = `reason.${reason}`;
  return key in tables.zh ? t(key) : reason;
}

/** A counter's name: '3号窗口' in Chinese, 'Counter 3' in English. */
export function counterName(c: { id: string; name?: string | null } | undefined, fallbackId = ''): string {
  const name = c?.name ?? '';
  const id = c?.id ?? fallbackId;
  if (lang === 'zh') return name || `${id}号窗口`;
  const m = /^(\d+)\s*号窗口$/.exec(name);
  return `Counter ${m ? m[1] : id}`;
}

addStrings(
  {
    langSwitch: 'English',
    langSwitchLabel: 'Switch to English',
    'status.waiting': '等候中',
    'status.called': '已呼叫',
    'status.serving': '办理中',
    'status.done': '已办结',
    'status.no_show': '已过号',
    'status.cancelled': '已取消',
    'counter.open': '服务中',
    'counter.paused': '暂停服务',
    'counter.closed': '未开放',
    'priority.normal': '普通',
    'priority.priority': '优先',
    'priority.appointment': '预约',
    'priority.green': '绿色通道',
    'oot.urgent': '紧急',
    'oot.special-group': '特殊群体',
    'oot.system-redo': '系统重办',
    'oot.manager': '负责人指定',
    'oot.other': '其他',
    'reason.elderly': '老年人',
    'reason.disabled': '残疾人',
    'reason.pregnant': '孕妇',
    'reason.infant': '携带婴幼儿',
    'reason.military': '军人 / 消防救援人员',
    'reason.other': '其他特殊困难',
    outOfTurn: '越号',
    recall: '再次呼叫',
    minutes: '{n} 分钟',
    aboutMinutes: '约 {n} 分钟',
    people: '{n} 人',
    live: '实时',
    offline: '连接中断，正在重连…',
    connecting: '正在连接…',
    close: '关闭',
    cancel: '取消',
    confirm: '确定',
    back: '返回',
    'err.NETWORK': '网络连接异常，请稍后再试。',
    'err.INTERNAL': '系统繁忙，请稍后再试。',
    'err.UNAUTHORIZED': '登录已失效，请重新登录。',
    'err.FORBIDDEN': '没有执行此操作的权限。',
    'err.INVALID_CREDENTIALS': '用户名或密码错误。',
    'err.TOO_MANY_ATTEMPTS': '登录失败次数过多，请一分钟后再试。',
    'err.QUEUE_EMPTY': '当前没有等候的群众。',
    'err.NO_CURRENT_TICKET': '当前没有正在办理的号码。',
    'err.TICKET_IN_PROGRESS': '请先办结或处理当前号码。',
    'err.COUNTER_PAUSED': '窗口已暂停服务，请先恢复服务。',
    'err.COUNTER_CLOSED': '窗口未开放。',
    'err.NOT_SIGNED_IN': '请先在本窗口签到。',
    'err.RECALL_LIMIT': '已达到重呼次数上限，可标记过号。',
    'err.TOO_EARLY_FOR_NO_SHOW': '叫号后请给群众一分钟时间前来（可先重呼），再标记过号。',
    'err.TICKET_NOT_CALLED': '该号码尚未呼叫。',
    'err.TOO_EARLY_FOR_TRANSFER': '群众尚未到窗口：请在群众到达后点“开始办理”再转办，或叫号一分钟后再转办。',
    'err.TRANSFER_TARGET_UNSERVED':
      '目前没有开放的窗口办理该业务，转办后群众将无人接待。请在本窗口办理，或联系值班负责人开放窗口。',
    'err.QUEUE_NOT_EMPTY':
      '仍有群众等候本窗口办理的业务，且没有其他开放窗口：请先办理完毕、开放其他窗口，或联系值班负责人。',
    'err.RATING_CLOSED': '本次评价已结束。',
    'err.TICKET_NOT_WAITING': '该号码已不在等候中。',
    'err.SERVICE_NOT_SERVED': '本窗口不办理该业务。',
    'err.SAME_SERVICE': '该号码已在此业务队列中。',
    'err.REASON_REQUIRED': '请填写原因。',
    'err.ALREADY_RATED': '本次服务已评价，感谢您！',
    'err.TICKET_NOT_FINISHED': '服务尚未办结，暂不能评价。',
    'err.WRONG_COUNTER': '该号码不是在本窗口办理的。',
    'err.UNKNOWN_TICKET': '未找到该号码（号码仅当日有效）。',
    'err.ALREADY_ACTIVE': '已有应急预案在执行中，请先解除。',
    'err.NO_EMERGENCY': '当前没有执行中的应急预案。',
    'err.USERNAME_TAKEN': '该用户名已被使用。',
    'err.DEVICE_EXISTS': '该设备编号已注册。',
    'err.UNKNOWN_COUNTER': '没有该窗口。',
    'err.UNKNOWN_KIOSK': '没有该取号机。',
    'err.VALIDATION_FAILED': '填写的内容有误：{message}',
    'err.ALREADY_ANSWERED': '该回访已处理。',
    'err.COUNTER_NOT_PAUSED': '窗口未暂停。',
    'err.COUNTER_ALREADY_OPEN': '窗口已开放。',
    'err.default': '操作未成功：{message}',
  },
  {
    langSwitch: '中文',
    langSwitchLabel: '切换到中文',
    'status.waiting': 'Waiting',
    'status.called': 'Called',
    'status.serving': 'Being served',
    'status.done': 'Done',
    'status.no_show': 'Missed',
    'status.cancelled': 'Cancelled',
    'counter.open': 'Open',
    'counter.paused': 'Paused',
    'counter.closed': 'Closed',
    'priority.normal': 'Normal',
    'priority.priority': 'Priority',
    'priority.appointment': 'Appointment',
    'priority.green': 'Green lane',
    'oot.urgent': 'Urgent',
    'oot.special-group': 'Special group',
    'oot.system-redo': 'System redo',
    'oot.manager': 'Manager',
    'oot.other': 'Other',
    'reason.elderly': 'Elderly',
    'reason.disabled': 'Disabled',
    'reason.pregnant': 'Pregnant',
    'reason.infant': 'With a baby',
    'reason.military': 'Military / fire & rescue',
    'reason.other': 'Other hardship',
    outOfTurn: 'Out of turn',
    recall: 'Call again',
    minutes: '{n} min',
    aboutMinutes: 'about {n} min',
    people: '{n}',
    live: 'Live',
    offline: 'Connection lost, reconnecting…',
    connecting: 'Connecting…',
    close: 'Close',
    cancel: 'Cancel',
    confirm: 'OK',
    back: 'Back',
    'err.NETWORK': 'The server cannot be reached. Please try again shortly.',
    'err.INTERNAL': 'The system is busy. Please try again shortly.',
    'err.UNAUTHORIZED': 'Your session has expired. Please sign in again.',
    'err.FORBIDDEN': 'You are not allowed to do this.',
    'err.INVALID_CREDENTIALS': 'Wrong username or password.',
    'err.TOO_MANY_ATTEMPTS': 'Too many failed sign-ins. Wait a minute and try again.',
    'err.QUEUE_EMPTY': 'Nobody is waiting.',
    'err.NO_CURRENT_TICKET': 'There is no current ticket.',
    'err.TICKET_IN_PROGRESS': 'Finish or close the current ticket first.',
    'err.COUNTER_PAUSED': 'The counter is paused. Resume first.',
    'err.COUNTER_CLOSED': 'The counter is closed.',
    'err.NOT_SIGNED_IN': 'Sign in to this counter first.',
    'err.RECALL_LIMIT': 'Recall limit reached; mark as missed.',
    'err.TOO_EARLY_FOR_NO_SHOW':
      'Give the holder a minute after the call to come (recall meanwhile) before marking missed.',
    'err.TICKET_NOT_CALLED': 'That ticket has not been called.',
    'err.TOO_EARLY_FOR_TRANSFER':
      'The holder is not at the window yet: start the ticket when they arrive, or wait a minute after the call.',
    'err.TRANSFER_TARGET_UNSERVED':
      'No open counter serves that service: the holder would wait for nobody. Serve them here or ask the duty manager.',
    'err.QUEUE_NOT_EMPTY':
      'People still wait for services only this counter serves: serve them, open another counter, or ask the duty manager.',
    'err.RATING_CLOSED': 'This rating has closed.',
    'err.TICKET_NOT_WAITING': 'That ticket is no longer waiting.',
    'err.SERVICE_NOT_SERVED': 'This counter does not serve that service.',
    'err.SAME_SERVICE': 'The ticket is already in that queue.',
    'err.REASON_REQUIRED': 'Please give a reason.',
    'err.ALREADY_RATED': 'This service has been rated already. Thank you!',
    'err.TICKET_NOT_FINISHED': 'The service is not finished yet.',
    'err.WRONG_COUNTER': 'That ticket was not served at this counter.',
    'err.UNKNOWN_TICKET': 'Ticket not found (tickets are valid for one day).',
    'err.ALREADY_ACTIVE': 'A playbook is already active. Deactivate it first.',
    'err.NO_EMERGENCY': 'No playbook is active.',
    'err.USERNAME_TAKEN': 'That username is taken.',
    'err.DEVICE_EXISTS': 'A device with that id is registered already.',
    'err.UNKNOWN_COUNTER': 'No such counter.',
    'err.UNKNOWN_KIOSK': 'No such kiosk.',
    'err.VALIDATION_FAILED': 'Please check the input: {message}',
    'err.ALREADY_ANSWERED': 'This follow-up has been answered.',
    'err.COUNTER_NOT_PAUSED': 'The counter is not paused.',
    'err.COUNTER_ALREADY_OPEN': 'The counter is already open.',
    'err.default': 'That did not work: {message}',
  },
);

/** The message for an API failure, in the current language. */
export function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const key = `err.${e?.code ?? 'default'}`;
  const known = tables.zh[key] !== undefined;
  return t(known ? key : 'err.default', { message: e?.message ?? String(err) });
}
