/**
 * The phone page behind the ticket's QR code (/t/<ticketId>): number, status, people ahead, estimated wait, live —
 * the public stream says when something moves, then GET /tickets/:id says where this ticket stands.
 */
import { Api, ApiFailure } from '../lib/api.js';
import { $, debounce, fill, h, pathParam, setText } from '../lib/dom.js';
import { aboutMinutes, dateTime, now, setTimeZone, time } from '../lib/format.js';
import type { HallView } from '../lib/hall-model.js';
import { addStrings, counterName, errorText, onLangChange, serviceName, t } from '../lib/i18n.js';
import { LiveStream, type StreamStatus } from '../lib/stream.js';
import { langButton } from '../lib/ui.js';
import { paintBanners } from '../lib/banners.js';
import { NearbyPanel } from '../lib/nearby.js';

addStrings(
  {
    'ph.title': '排队进度',
    'ph.yourNumber': '您的号码',
    'ph.waiting': '排队等候中',
    'ph.called': '请到 {counter} 办理',
    'ph.calledSub': '已叫到您的号码，请尽快前往窗口',
    'ph.serving': '正在 {counter} 办理',
    'ph.done': '已办结，感谢您的耐心',
    'ph.doneSub': '欢迎在窗口评价器上对本次服务作出评价',
    'ph.no_show': '已过号',
    'ph.noShowSub': '请在 30 分钟内到取号机或窗口申请恢复排队',
    'ph.cancelled': '已取消',
    'ph.ahead': '前面还有',
    'ph.eta': '预计等候',
    'ph.frozen': '暂停叫号，号码保留',
    'ph.next': '下一位就是您',
    'ph.issued': '取号时间',
    'ph.service': '办理业务',
    'ph.live': '实时更新中',
    'ph.updated': '更新于 {time}',
    'ph.materials': '一次性告知 · 请备齐以下材料',
    'ph.tips': '温馨提示',
    'ph.tip1': '请留意大厅显示屏和语音叫号，叫号时本页面会同步提示。',
    'ph.tip2': '本页面仅显示排队进度，不含任何个人信息。',
    'ph.tip3': '号票当日有效，请妥善保管纸质号票（窗口核验）。',
    'ph.notFound': '未找到该号码',
    'ph.notFoundSub': '号码仅当日有效。如有疑问，请咨询大厅导办人员。',
    'ph.priority': '优先',
    'ph.offeredSlot': '今日延时服务已结束，已为您预约 {slot} 办理，请凭预约码 {code} 在取号机“预约报到”。',
    'ph.pastSlot': '号码 {number} 已过当日有效期。已为您预约 {slot} 办理，请凭预约码 {code} 在取号机“预约报到”。',
  },
  {
    'ph.title': 'Your place in the queue',
    'ph.yourNumber': 'Your number',
    'ph.waiting': 'Waiting',
    'ph.called': 'Please go to {counter}',
    'ph.calledSub': 'Your number has been called',
    'ph.serving': 'Being served at {counter}',
    'ph.done': 'Done — thank you for waiting',
    'ph.doneSub': 'Please rate the service on the pad at the counter',
    'ph.no_show': 'Missed',
    'ph.noShowSub': 'Ask at the kiosk or a counter within 30 minutes to rejoin the queue',
    'ph.cancelled': 'Cancelled',
    'ph.ahead': 'Ahead of you',
    'ph.eta': 'Estimated wait',
    'ph.frozen': 'On hold: your place is kept',
    'ph.next': 'You are next',
    'ph.issued': 'Issued',
    'ph.service': 'Service',
    'ph.live': 'Live',
    'ph.updated': 'Updated {time}',
    'ph.materials': 'Please bring all of these',
    'ph.tips': 'Good to know',
    'ph.tip1': 'Watch the hall screens and listen for your number; this page shows the call too.',
    'ph.tip2': 'This page shows your place only, no personal data.',
    'ph.tip3': 'Tickets are valid today; keep the paper ticket for the counter.',
    'ph.notFound': 'Ticket not found',
    'ph.notFoundSub': 'Tickets are valid for one day. Please ask the hall staff.',
    'ph.priority': 'Priority',
    'ph.offeredSlot':
      'Extended service has ended for today. You are booked for {slot}: check in at a kiosk with code {code}.',
    'ph.pastSlot':
      'Number {number} was valid on its own day. You are booked for {slot}: check in at a kiosk with code {code}.',
  },
);

interface PhoneTicket {
  id: string;
  offeredSlot?: { slotStart: string; slotEnd: string; code: string };
  number: string;
  serviceId: string;
  serviceName: string;
  status: 'waiting' | 'called' | 'serving' | 'done' | 'no_show' | 'cancelled';
  priority: string;
  issuedAt: string;
  position: number | null;
  ahead: number | null;
  etaMinutes: number | null;
  counterId?: string;
  counterName?: string;
  calledAt?: string;
}

const app = $('#app');
const ticketId = pathParam('/t/');
const api = new Api();
/** The city's other sites and their waits: somewhere quieter, when the hall has a city link. */
const nearby = new NearbyPanel(api, { className: 'ph-card' }).start();
let ticket: PhoneTicket | null = null;
let banners: string[] = [];
/** A playbook froze the queue (evacuation): nobody is called, the wait estimate is on hold. */
let frozen = false;
let hall: HallView | null = null;
let status: StreamStatus = 'connecting';
let updatedAt = 0;
let lastStatus = '';

const top = h(
  'header',
  { class: 'ph-top' },
  h(
    'div',
    { class: 'ph-brand' },
    h('img', { src: '/ui/icon.svg', alt: '', width: 32, height: 32 }),
    h('span', { class: 'ph-hall' }, '云浮市不动产登记中心'),
  ),
  langButton('btn-sm'),
);
const bannerEl = h('div', { class: 'emergency-banner', role: 'alert', hidden: true });
const main = h('main', { class: 'ph-main' });
app.replaceChildren(top, bannerEl, main);

async function load(): Promise<void> {
  try {
    const r = await api.get<{
      ticket: PhoneTicket;
      hall: { name: string; emergency: string | null; banners?: string[]; frozen?: boolean };
    }>(`/tickets/${encodeURIComponent(ticketId)}`);
    ticket = r.ticket;
    banners = r.hall.banners ?? (r.hall.emergency ? [r.hall.emergency] : []);
    frozen = r.hall.frozen ?? false;
    setText(top.querySelector('.ph-hall')!, r.hall.name);
    updatedAt = now();
    paint();
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 404) {
      ticket = null;
      // A ticket of an earlier day that was booked a slot when extended service ended: the slot and its code.
      const past = err.details as {
        number?: string;
        offeredSlot?: { slotStart: string; slotEnd: string; code: string };
      };
      const slot = past.offeredSlot;
      fill(
        main,
        h(
          'section',
          { class: 'ph-card ph-missing' },
          h('h1', null, t('ph.notFound')),
          slot
            ? h(
                'p',
                { class: 'ph-offered', id: 'ph-past-slot' },
                t('ph.pastSlot', {
                  number: past.number ?? '',
                  slot: `${dateTime(slot.slotStart)}–${time(slot.slotEnd)}`,
                  code: slot.code,
                }),
              )
            : h('p', null, t('ph.notFoundSub')),
        ),
      );
    } else if (!ticket) fill(main, h('p', { class: 'empty' }, errorText(err)));
  }
}
const loadSoon = debounce(() => void load(), 300);

function paint(): void {
  const tk = ticket;
  paintBanners(bannerEl, banners);
  if (!tk) return;
  const svc = hall?.services.find((s) => s.id === tk.serviceId);
  const where = counterName(tk.counterId ? { id: tk.counterId, name: tk.counterName } : undefined, tk.counterId ?? '');
  document.body.dataset.status = tk.status;
  document.title =
    tk.status === 'called' ? `${t('ph.called', { counter: where })} · ${tk.number}` : `${tk.number} · ${t('ph.title')}`;
  if (tk.status === 'called' && lastStatus && lastStatus !== 'called') navigator.vibrate?.([300, 150, 300, 150, 300]);
  lastStatus = tk.status;

  const headline =
    tk.status === 'waiting'
      ? t('ph.waiting')
      : tk.status === 'called'
        ? t('ph.called', { counter: where })
        : tk.status === 'serving'
          ? t('ph.serving', { counter: where })
          : tk.status === 'done'
            ? t('ph.done')
            : t(`ph.${tk.status}`);
  const sub =
    tk.status === 'called'
      ? t('ph.calledSub')
      : tk.status === 'done'
        ? t('ph.doneSub')
        : tk.status === 'no_show'
          ? t('ph.noShowSub')
          : '';
  nearby.paint();
  fill(
    main,
    h(
      'section',
      { class: 'ph-card ph-ticket' },
      h('p', { class: 'ph-label' }, t('ph.yourNumber')),
      h('p', { class: 'ph-number num', id: 'ph-number' }, tk.number),
      h(
        'p',
        { class: 'ph-service' },
        serviceName(svc, tk.serviceName),
        tk.priority !== 'normal' ? h('span', { class: 'badge badge-priority' }, t(`priority.${tk.priority}`)) : null,
      ),
      h(
        'div',
        { class: `ph-status ph-status-${tk.status}`, id: 'ph-status', role: 'status' },
        h('b', null, headline),
        sub ? h('span', null, sub) : null,
      ),
      // Still waiting when extended service ended: the slot booked for the holder, and the code to check in with.
      tk.offeredSlot
        ? h(
            'p',
            { class: 'ph-offered', id: 'ph-offered', role: 'note' },
            t('ph.offeredSlot', {
              slot: `${dateTime(tk.offeredSlot.slotStart)}–${time(tk.offeredSlot.slotEnd)}`,
              code: tk.offeredSlot.code,
            }),
          )
        : null,
      tk.status === 'waiting'
        ? h(
            'div',
            { class: 'ph-stats' },
            h(
              'div',
              { class: 'ph-stat' },
              h('span', null, t('ph.ahead')),
              h(
                'b',
                { class: 'num', id: 'ph-ahead' },
                tk.ahead === 0 ? t('ph.next') : t('people', { n: tk.ahead ?? 0 }),
              ),
            ),
            h(
              'div',
              { class: 'ph-stat' },
              h('span', null, t('ph.eta')),
              h('b', { class: 'num', id: 'ph-eta' }, frozen ? t('ph.frozen') : aboutMinutes(tk.etaMinutes)),
            ),
          )
        : null,
      h(
        'dl',
        { class: 'ph-facts' },
        h('div', null, h('dt', null, t('ph.issued')), h('dd', null, dateTime(tk.issuedAt))),
        tk.calledAt ? h('div', null, h('dt', null, t('status.called')), h('dd', null, time(tk.calledAt))) : null,
      ),
      h(
        'p',
        { class: `ph-live ${status}` },
        h('span', { class: 'dot' }),
        status === 'live' ? t('ph.live') : t(status === 'offline' ? 'offline' : 'connecting'),
        ' · ',
        t('ph.updated', { time: time(updatedAt) }),
      ),
    ),
    svc && svc.materials.length && (tk.status === 'waiting' || tk.status === 'called')
      ? h(
          'section',
          { class: 'ph-card' },
          h('h2', null, t('ph.materials')),
          h(
            'ol',
            { class: 'ph-materials' },
            svc.materials.map((m) => h('li', null, m)),
          ),
        )
      : null,
    tk.status === 'waiting' ? nearby.el : null,
    h(
      'section',
      { class: 'ph-card ph-tips' },
      h('h2', null, t('ph.tips')),
      h('ul', null, h('li', null, t('ph.tip1')), h('li', null, t('ph.tip2')), h('li', null, t('ph.tip3'))),
    ),
  );
}

new LiveStream({
  onSnapshot: (state) => {
    hall = state;
    setTimeZone(hall.timezone);
    void load();
  },
  onEvent: (e) => {
    const other = 'ticket' in e ? e.ticket : undefined;
    const mine = ticket && other?.number === ticket.number && other?.serviceId === ticket.serviceId;
    if (mine)
      void load(); // our own call: show it at once
    else if (e.type.startsWith('ticket.') || e.type === 'counter.status' || e.type === 'emergency.changed') loadSoon();
  },
  onStatus: (s) => {
    status = s;
    paint();
  },
}).start();
onLangChange(paint);
// Waits shrink as time passes; refresh now and then even when the hall is quiet.
setInterval(() => void load(), 60_000);
