/**
 * The evaluation pad at a counter: shows who serves here; when the stream says a ticket was finished at this
 * counter, asks for a rating on the national five-level scale (5 非常满意 … 1 非常不满意), sends it, says thank you.
 */
import { Api, ApiFailure, deviceToken } from '../lib/api.js';
import { $, fill, h, pathParam, setText, svg } from '../lib/dom.js';
import { setTimeZone } from '../lib/format.js';
import { HallModel } from '../lib/hall-model.js';
import { isLiveEvent } from '../lib/stream.js';
import { addStrings, counterName, errorText, serviceName, t } from '../lib/i18n.js';
import { brand, clock, connectionBanner, setupNeeded, toast } from '../lib/ui.js';

addStrings(
  {
    'pad.device': '评价器',
    'pad.title': '服务评价',
    'pad.servingYou': '为您服务',
    'pad.idleHint': '办理结束后，请对本次服务作出评价',
    'pad.noStaff': '本窗口暂无工作人员',
    'pad.ask': '请对本次服务进行评价',
    'pad.ticket': '号码 {number} · {service}',
    'pad.closingPre': '',
    'pad.closingPost': ' 秒后自动关闭',
    'pad.thanks': '感谢您的评价！',
    'pad.yourRating': '您的评价：{label}',
    'pad.improve': '我们将持续改进，努力为您提供更好的服务。',
    'pad.sorry': '很抱歉未能让您满意，我们会尽快与您联系并改进。',
    'pad.level.5': '非常满意',
    'pad.level.4': '满意',
    'pad.level.3': '基本满意',
    'pad.level.2': '不满意',
    'pad.level.1': '非常不满意',
    'pad.rateAs': '评价为“{label}”',
    'pad.sending': '正在提交…',
    'pad.wrongCounter': '此评价器登记在 {n} 号窗口，这里是 {here} 号窗口。请打开 /pad/{n}，或请管理员重新登记。',
  },
  {
    'pad.device': 'rating pad',
    'pad.title': 'Rate our service',
    'pad.servingYou': 'is serving you',
    'pad.idleHint': 'Please rate the service when you are done',
    'pad.noStaff': 'Nobody is at this counter',
    'pad.ask': 'How was our service?',
    'pad.ticket': 'Ticket {number} · {service}',
    'pad.closingPre': 'Closes in ',
    'pad.closingPost': ' s',
    'pad.thanks': 'Thank you!',
    'pad.yourRating': 'Your rating: {label}',
    'pad.improve': 'We keep working to serve you better.',
    'pad.sorry': 'We are sorry. Someone will follow up with you soon.',
    'pad.level.5': 'Very satisfied',
    'pad.level.4': 'Satisfied',
    'pad.level.3': 'Fairly satisfied',
    'pad.level.2': 'Dissatisfied',
    'pad.level.1': 'Very dissatisfied',
    'pad.rateAs': 'Rate as "{label}"',
    'pad.sending': 'Sending…',
    'pad.wrongCounter':
      'This pad is registered to counter {n}, and this is counter {here}. Open /pad/{n}, or have a manager register it again.',
  },
);

const ASK_SECONDS = 60;
const THANKS_MS = 6000;
const LEVELS = [5, 4, 3, 2, 1] as const;

const app = $('#app');
const counterId = pathParam('/pad/');
const token = deviceToken(`pad-${counterId}`);

if (!token) setupNeeded(app, t('pad.device'));
else start(token);

function start(token: string): void {
  const api = new Api({ token, onUnauthorized: () => setupNeeded(app, t('pad.device')) });
  // A pad at another counter's address would show that counter's visitors and ask them for a rating it cannot give.
  void api
    .get<{ counterId?: string | null }>('/auth/me')
    .then((me) => {
      if (me.counterId && me.counterId !== counterId)
        app.replaceChildren(
          h(
            'main',
            { class: 'setup-needed' },
            h('p', null, t('pad.wrongCounter', { n: me.counterId, here: counterId })),
          ),
        );
    })
    .catch(() => undefined);
  const model = new HallModel(api, token).start();
  const conn = connectionBanner();
  model.onStatus((s) => conn.set(s));
  const brandSlot = h('div', { class: 'pad-brand' });
  const main = h('main', { class: 'pad-main', 'aria-live': 'polite' });
  app.replaceChildren(
    conn.el,
    h('header', { class: 'pad-head' }, brandSlot, h('div', { class: 'pad-title' }, t('pad.title')), clock(false)),
    main,
  );

  let mode: 'idle' | 'ask' | 'thanks' = 'idle';
  let pending: { id: string; number: string; serviceId: string } | null = null;
  let timer: number | undefined;
  let sending = false;

  function idle(): void {
    mode = 'idle';
    pending = null;
    clearInterval(timer);
    clearTimeout(timer);
    paint();
  }

  function paint(): void {
    const v = model.view;
    if (!v) return;
    setTimeZone(v.timezone);
    if (!brandSlot.firstChild) brandSlot.append(brand(v.name, v.nameEn));
    const c = v.counters.find((x) => x.id === counterId);
    document.body.dataset.mode = mode;
    if (mode === 'idle') {
      fill(
        main,
        h(
          'div',
          { class: 'pad-idle' },
          h('div', { class: 'pad-avatar', 'aria-hidden': 'true' }, (c?.staffName ?? '·').slice(0, 1)),
          h(
            'div',
            { class: 'pad-staff' },
            c?.staffName
              ? h('span', { class: 'pad-staff-name', id: 'pad-staff' }, c.staffName)
              : h('span', null, t('pad.noStaff')),
          ),
          h(
            'div',
            { class: 'pad-counter' },
            counterName(c, counterId),
            (c?.tags ?? []).map((tag) => h('span', { class: 'pad-tag' }, tag)),
            c?.staffName ? h('span', null, t('pad.servingYou')) : null,
          ),
          h('p', { class: 'pad-hint' }, t('pad.idleHint')),
        ),
      );
    }
  }

  function ask(ticket: { id: string; number: string; serviceId: string }): void {
    mode = 'ask';
    pending = ticket;
    clearInterval(timer);
    const v = model.view;
    const c = v?.counters.find((x) => x.id === counterId);
    const countdown = h('span', { class: 'num' }, ASK_SECONDS);
    let left = ASK_SECONDS;
    timer = setInterval(() => {
      left--;
      setText(countdown, left);
      if (left <= 0) idle();
    }, 1000) as unknown as number;
    document.body.dataset.mode = mode;
    fill(
      main,
      h(
        'div',
        { class: 'pad-ask' },
        h('h1', null, t('pad.ask')),
        h(
          'p',
          { class: 'pad-ticket' },
          t('pad.ticket', {
            number: ticket.number,
            service: serviceName(
              v?.services.find((s) => s.id === ticket.serviceId),
              '',
            ),
          }),
          c?.staffName ? ` · ${counterName(c)} ${c.staffName}` : '',
        ),
        h(
          'div',
          { class: 'faces', role: 'group', 'aria-label': t('pad.ask') },
          LEVELS.map((score) =>
            h(
              'button',
              {
                type: 'button',
                class: `face face-${score}`,
                dataset: { score: String(score) },
                'aria-label': t('pad.rateAs', { label: t(`pad.level.${score}`) }),
                onclick: () => void rate(score),
              },
              faceSvg(score),
              h('span', { class: 'face-label' }, t(`pad.level.${score}`)),
            ),
          ),
        ),
        h('p', { class: 'pad-closing' }, t('pad.closingPre'), countdown, t('pad.closingPost')),
      ),
    );
  }

  async function rate(score: number): Promise<void> {
    if (!pending || sending) return;
    sending = true;
    main.querySelectorAll('button').forEach((b) => ((b as HTMLButtonElement).disabled = true));
    try {
      await api.post('/evaluations', { ticketId: pending.id, score });
      thanks(score);
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'ALREADY_RATED') thanks(score);
      else if (err instanceof ApiFailure && err.code === 'RATING_CLOSED')
        idle(); // the next citizen is served
      else {
        toast(errorText(err), 'error');
        main.querySelectorAll('button').forEach((b) => ((b as HTMLButtonElement).disabled = false));
      }
    } finally {
      sending = false;
    }
  }

  function thanks(score: number): void {
    mode = 'thanks';
    pending = null;
    clearInterval(timer);
    document.body.dataset.mode = mode;
    fill(
      main,
      h(
        'div',
        { class: 'pad-thanks', id: 'pad-thanks' },
        h('div', { class: 'pad-check', 'aria-hidden': 'true' }, '✓'),
        h('h1', null, t('pad.thanks')),
        h('p', { class: 'pad-your' }, t('pad.yourRating', { label: t(`pad.level.${score}`) })),
        h('p', { class: 'pad-hint' }, score <= 2 ? t('pad.sorry') : t('pad.improve')),
      ),
    );
    timer = setTimeout(idle, THANKS_MS) as unknown as number;
  }

  model.onChange((c) => {
    // Only a ticket finished just now: one replayed after a reconnect belongs to a visitor who has left.
    if (
      c.kind === 'event' &&
      c.event.type === 'ticket.finished' &&
      c.event.counterId === counterId &&
      c.event.ticket?.id &&
      isLiveEvent(c.event)
    ) {
      ask({ id: c.event.ticket.id, number: c.event.ticket.number, serviceId: c.event.ticket.serviceId });
      return;
    }
    // The next citizen sits at the window: the one before can no longer be rated here.
    if (mode === 'ask' && c.kind === 'event' && c.event.type === 'ticket.started' && c.event.counterId === counterId) {
      idle();
      return;
    }
    if (mode === 'idle') paint();
  });
}

/** A face for a level: green and smiling at 5, red and frowning at 1. */
function faceSvg(score: number): SVGElement {
  const curve = { 5: 16, 4: 9, 3: 0, 2: -9, 1: -15 }[score] ?? 0;
  const mouthY = 64 - curve / 3;
  return svg(
    'svg',
    { viewBox: '0 0 100 100', class: 'face-svg', 'aria-hidden': 'true' },
    svg('circle', { cx: 50, cy: 50, r: 46, class: 'face-bg' }),
    svg('circle', { cx: 35, cy: 40, r: 6, class: 'face-eye' }),
    svg('circle', { cx: 65, cy: 40, r: 6, class: 'face-eye' }),
    svg('path', { d: `M30 ${mouthY} Q50 ${mouthY + curve * 1.4} 70 ${mouthY}`, class: 'face-mouth' }),
  );
}
