/**
 * The hall board (big screen, read from ten metres): the newest call large and highlighted, the latest calls, every
 * counter's number and state, waiting per service, out-of-turn calls marked with their category, playbook banners.
 * Calls are spoken by the browser when no speaker device announces them.
 */
import { Api, deviceToken } from '../lib/api.js';
import { $, fill, h, setText, toggleClass } from '../lib/dom.js';
import { setTimeZone, time } from '../lib/format.js';
import { HallModel, type CallView, type CounterView, type HallView } from '../lib/hall-model.js';
import { addStrings, t } from '../lib/i18n.js';
import { Announcer, callText, speechLanguages } from '../lib/speech.js';
import { isLiveEvent } from '../lib/stream.js';
import { brand, clock, connectionBanner } from '../lib/ui.js';
import { bannerTexts, paintBanners } from '../lib/banners.js';

addStrings(
  {
    'd.nowCalling': '正在呼叫',
    'd.recent': '最近呼叫',
    'd.counters': '窗口状态',
    'd.waiting': '各业务等候人数',
    'd.pleaseGo': '请到',
    'd.serving': '办理中',
    'd.called': '请到窗口',
    'd.idle': '等候叫号',
    'd.paused': '暂停服务',
    'd.closed': '暂未开放',
    'd.none': '暂无呼叫',
    'd.people': '人',
    'd.eta': '约{n}分钟',
    'd.noWait': '无需等候',
    'd.unserved': '暂无窗口，请咨询导办台',
    'd.extended': '延时服务中：已取号码继续办理（最迟至 {until}），今日已停止取号 · Extended service until {until}',
    'd.footer': '标注“越号”的呼叫均已登记原因并留痕备查，接受群众监督 · 过号 30 分钟内可恢复排队 · 号票当日有效',
    'd.soundOff': '点击开启语音播报',
    'd.recall': '再次呼叫',
    'd.green': '绿色通道',
  },
  {
    'd.nowCalling': 'Now calling',
    'd.recent': 'Recent calls',
    'd.counters': 'Counters',
    'd.waiting': 'Waiting by service',
    'd.pleaseGo': 'please go to',
    'd.serving': 'Serving',
    'd.called': 'Called',
    'd.idle': 'Ready',
    'd.paused': 'Paused',
    'd.closed': 'Closed',
    'd.none': 'No calls yet',
    'd.people': '',
    'd.eta': '~{n} min',
    'd.noWait': 'No wait',
    'd.unserved': 'No counter open: please ask at the help desk',
    'd.extended': 'Extended service: numbers already taken are still served (until {until}); no new numbers today',
    'd.footer':
      'Every out-of-turn call is recorded with its reason and open to review · Missed your call? Rejoin within 30 minutes',
    'd.soundOff': 'Tap to turn on spoken calls',
    'd.recall': 'Call again',
    'd.green': 'Green lane',
  },
);

const HIGHLIGHT_MS = 10_000;
const RECENT_ROWS = 6;

const app = $('#app');
const token = deviceToken('display');
const params = new URLSearchParams(location.search);
const speechMode = (params.get('speech') ?? 'auto') as 'auto' | 'on' | 'off';

const api = new Api({ token });
const model = new HallModel(api, token).start();
const announcer = new Announcer();
announcer.enabled = speechMode !== 'off' && announcer.supported;

/** Speakers registered in the hall: when one is online for a counter (or hall-wide), the board stays silent for it. */
let speakers: { id: string; counterId: string | null; online: boolean }[] = [];
async function loadSpeakers(): Promise<void> {
  try {
    const r = await fetch('/ui/announcers.json', { cache: 'no-store' });
    if (r.ok) speakers = (await r.json()).speakers;
  } catch {
    /* keep what we had */
  }
}
void loadSpeakers();
setInterval(() => void loadSpeakers(), 5 * 60_000);

function speakerCovers(counterId: string): boolean {
  if (speechMode === 'on') return false;
  return speakers.some((s) => s.online && (s.counterId === null || s.counterId === counterId));
}

// ---- layout ------------------------------------------------------------------------------------------------------

const conn = connectionBanner();
model.onStatus((s) => conn.set(s));
const brandSlot = h('div', { class: 'd-brand' });
const header = h(
  'header',
  { class: 'd-header' },
  brandSlot,
  h('div', { class: 'd-title' }, '叫号信息', h('span', { lang: 'en' }, 'Queue board')),
  clock(true),
);
const banner = h('div', { class: 'emergency-banner d-banner', role: 'alert', hidden: true });
/** After closing (延时服务, R6): numbers already taken are still served. */
const extendedBanner = h('div', { class: 'd-extended', role: 'status', hidden: true });

const nowBox = h('section', { class: 'd-now', 'aria-live': 'assertive', 'aria-atomic': 'true' });
const recentList = h('ol', { class: 'd-recent-list' });
const counterGrid = h('div', { class: 'd-counters' });
const waitStrip = h('div', { class: 'd-waiting-list' });
const soundBtn = h(
  'button',
  { type: 'button', class: 'd-sound', hidden: true, onclick: () => announcer.unlock() },
  t('d.soundOff'),
);
announcer.onBlocked = (b) => (soundBtn.hidden = !b);

app.replaceChildren(
  conn.el,
  header,
  banner,
  extendedBanner,
  h(
    'main',
    { class: 'd-main' },
    h(
      'div',
      { class: 'd-left' },
      label('d.nowCalling', 'Now calling'),
      nowBox,
      label('d.recent', 'Recent calls'),
      recentList,
    ),
    h('div', { class: 'd-right' }, label('d.counters', 'Counters'), counterGrid),
  ),
  h('section', { class: 'd-waiting', 'aria-label': '各业务等候人数' }, label('d.waiting', 'Waiting'), waitStrip),
  h('footer', { class: 'd-footer' }, h('span', { class: 'badge-oot-demo' }, '越号'), h('span', null, t('d.footer'))),
  soundBtn,
);

function label(key: string, en: string): HTMLElement {
  return h('h2', { class: 'd-label' }, t(key), h('span', { lang: 'en' }, en));
}

// ---- painting ----------------------------------------------------------------------------------------------------

let highlightTimer: number | undefined;
let lastCallKey = '';

function paint(view: HallView): void {
  setTimeZone(view.timezone);
  if (!brandSlot.firstChild) brandSlot.append(brand(view.name, view.nameEn));
  toggleClass(document.body, 'has-emergency', paintBanners(banner, bannerTexts(view.emergency)));
  extendedBanner.hidden = !view.extendedService;
  if (view.extendedService) setText(extendedBanner, t('d.extended', { until: time(view.extendedService.until) }));
  paintNow(view);
  paintRecent(view);
  paintCounters(view);
  paintWaiting(view);
}

function paintNow(view: HallView): void {
  const c = view.recentCalls[0];
  const key = c ? `${c.number}|${c.counterId}|${c.at}` : '';
  if (key === nowBox.dataset.key) return;
  nowBox.dataset.key = key;
  if (!c) {
    fill(nowBox, h('div', { class: 'd-now-empty' }, t('d.none')));
    return;
  }
  const svc = view.services.find((s) => s.id === c.serviceId);
  fill(
    nowBox,
    h(
      'div',
      { class: 'd-now-row' },
      h('span', { class: 'd-now-number num' }, c.number),
      h('span', { class: 'd-now-arrow', 'aria-hidden': 'true' }, '→'),
      h('span', { class: 'd-now-counter' }, counterShort(c.counterName, c.counterId), h('small', null, '号窗口')),
    ),
    h(
      'div',
      { class: 'd-now-meta' },
      h('span', null, `${t('d.pleaseGo')} ${c.counterName} · ${svc?.name ?? ''}`),
      c.recall ? h('span', { class: 'tag tag-recall' }, t('d.recall')) : null,
      ootTag(c.outOfTurn),
      greenTag(c.green),
    ),
  );
}

function paintRecent(view: HallView): void {
  const rows = view.recentCalls.slice(1, RECENT_ROWS + 1);
  fill(
    recentList,
    rows.length
      ? rows.map((c) =>
          h(
            'li',
            { class: 'd-recent-row' },
            h('span', { class: 'd-recent-number num' }, c.number),
            h(
              'span',
              { class: 'd-recent-counter' },
              c.counterName,
              h('small', null, shortName(view.services.find((s) => s.id === c.serviceId)?.name ?? '')),
            ),
            h(
              'span',
              { class: 'd-recent-tags' },
              c.recall ? h('span', { class: 'tag tag-recall' }, t('d.recall')) : null,
              ootTag(c.outOfTurn),
              greenTag(c.green),
            ),
            h('span', { class: 'd-recent-time num' }, time(c.at)),
          ),
        )
      : h('li', { class: 'd-recent-empty' }, '—'),
  );
}

function ootTag(o: { category: string } | null | undefined): HTMLElement | null {
  if (!o) return null;
  return h('span', { class: 'tag tag-oot', dataset: { category: o.category } }, `越号 · ${t(`oot.${o.category}`)}`);
}

/** A green-lane call goes ahead of everyone by the rule: the board says so, as it marks an out-of-turn call. */
function greenTag(green: boolean | undefined): HTMLElement | null {
  return green ? h('span', { class: 'tag tag-green' }, t('d.green')) : null;
}

/** '一窗受理（综合登记）' → '一窗受理': short enough for the board. */
function shortName(name: string): string {
  return name.replace(/（[^）]*）|\([^)]*\)/g, '').trim();
}

function counterShort(name: string, id: string): string {
  return /^(\d+)\s*号窗口$/.exec(name)?.[1] ?? id;
}

function paintCounters(view: HallView): void {
  const have = counterGrid.children.length === view.counters.length;
  if (!have)
    fill(
      counterGrid,
      view.counters.map((c) => counterTile(c)),
    );
  view.counters.forEach((c, i) => updateTile(counterGrid.children[i] as HTMLElement, c));
}

function counterTile(c: CounterView): HTMLElement {
  return h(
    'article',
    { class: 'd-counter', dataset: { counter: c.id } },
    h(
      'header',
      null,
      h('span', { class: 'd-counter-name' }, c.name),
      (c.tags ?? []).slice(0, 1).map((tag) => h('span', { class: `d-counter-tag ${c.greenLane ? 'green' : ''}` }, tag)),
    ),
    h('div', { class: 'd-counter-number num' }),
    h('div', { class: 'd-counter-state' }),
  );
}

function updateTile(el: HTMLElement, c: CounterView): void {
  const state =
    c.status !== 'open' ? c.status : c.current ? (c.currentStatus === 'serving' ? 'serving' : 'called') : 'idle';
  el.dataset.state = state;
  setText(
    el.querySelector('.d-counter-number')!,
    c.status === 'open' && c.current ? c.current : c.status === 'paused' ? t('d.paused') : '—',
  );
  const stateText = state === 'paused' ? (c.pauseReason ?? '') : state === 'closed' ? t('d.closed') : t(`d.${state}`);
  setText(el.querySelector('.d-counter-state')!, stateText);
}

function paintWaiting(view: HallView): void {
  if (waitStrip.children.length !== view.services.length)
    fill(
      waitStrip,
      view.services.map((s) =>
        h(
          'div',
          { class: 'd-wait', dataset: { service: s.id } },
          h('span', { class: 'd-wait-prefix num' }, s.prefix),
          h('span', { class: 'd-wait-name' }, shortName(s.name)),
          h('span', { class: 'd-wait-count' }, h('b', { class: 'num' }), h('small', null, t('d.people'))),
          h('span', { class: 'd-wait-eta' }),
        ),
      ),
    );
  view.services.forEach((s, i) => {
    const el = waitStrip.children[i] as HTMLElement;
    setText(el.querySelector('.d-wait-count b')!, s.waiting);
    // No open counter serves it (a manager forced the last one closed): an estimate would be a promise nobody keeps.
    toggleClass(el, 'unserved', !!s.needsCounter);
    setText(
      el.querySelector('.d-wait-eta')!,
      s.needsCounter ? t('d.unserved') : s.waiting === 0 ? t('d.noWait') : t('d.eta', { n: s.etaMinutes }),
    );
  });
}

function highlight(): void {
  nowBox.classList.remove('flash');
  void nowBox.offsetWidth; // restart the animation
  nowBox.classList.add('flash');
  clearTimeout(highlightTimer);
  highlightTimer = setTimeout(() => nowBox.classList.remove('flash'), HIGHLIGHT_MS) as unknown as number;
}

function announce(call: CallView, languages: string[]): void {
  if (!announcer.enabled || speakerCovers(call.counterId)) return;
  announcer.say(
    speechLanguages(languages).map((lang) => ({
      lang,
      text: callText(call.number, call.counterId, call.counterName, lang, call.recall),
    })),
  );
}

model.onChange((change) => {
  const view = model.view;
  if (!view) return;
  paint(view);
  if (change.kind === 'snapshot') {
    lastCallKey = view.recentCalls[0] ? `${view.recentCalls[0].number}|${view.recentCalls[0].at}` : '';
    return;
  }
  if (change.kind === 'event') {
    const ev = change.event;
    if (ev.type === 'ticket.called' || ev.type === 'ticket.recalled') {
      const call = view.recentCalls[0];
      const key = call ? `${call.number}|${call.at}` : '';
      if (call && key !== lastCallKey) {
        lastCallKey = key;
        // A call replayed after a reconnect is shown, but not flashed or spoken: those people have long been called.
        if (isLiveEvent(ev)) {
          highlight();
          announce(call, view.languages);
        }
      }
    } else if (ev.type === 'device.status' && ev.kind === 'speaker') {
      const s = speakers.find((x) => x.id === ev.deviceId);
      if (s) s.online = !!ev.online;
      else void loadSpeakers();
    }
  }
});

// Keep the screen awake where the browser allows it.
(navigator as Navigator & { wakeLock?: { request(t: string): Promise<unknown> } }).wakeLock
  ?.request('screen')
  .catch(() => undefined);
