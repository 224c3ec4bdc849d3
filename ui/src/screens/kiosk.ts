/**
 * The ticket kiosk (touch screen, portrait or landscape): choose a service, read its materials (一次性告知), optionally
 * give an ID number and ask for priority, take the number and see the ticket; or check in an appointment.
 */
import { Api, ApiFailure, deviceToken } from '../lib/api.js';
import { $, fill, h, setText, toggleClass } from '../lib/dom.js';
import { aboutMinutes, dateTime, setTimeZone, time } from '../lib/format.js';
import { HallModel, type ServiceView } from '../lib/hall-model.js';
import { addStrings, errorText, getLang, onLangChange, serviceName, setLang, t, translateDom } from '../lib/i18n.js';
import { ageFromIdNumber, groupIdNumber, idNumberOk, maskIdNumber } from '../lib/id-number.js';
import { brand, clock, connectionBanner, idleTimer, langButton, openDialog, setupNeeded, type DialogHandle } from '../lib/ui.js';
import { KIOSK_EN, KIOSK_ZH } from './kiosk-strings.js';

addStrings(KIOSK_ZH, KIOSK_EN);

const IDLE_MS = 45_000;
/** The ticket preview is a nicety: without it in this time, the number is shown on its own. */
const PREVIEW_TIMEOUT_MS = 5000;
const DONE_SECONDS = 20;
const ELDERLY_AGE = 70;
const PRIORITY_REASONS = ['elderly', 'disabled', 'pregnant', 'infant', 'military', 'other'] as const;
const LARGE_REASONS = ['elderly', 'disabled', 'pregnant'] as const;
type Reason = (typeof PRIORITY_REASONS)[number];

type Screen = 'home' | 'service' | 'checkin' | 'done';

interface IssuedTicket {
  id: string;
  number: string;
  serviceId: string;
  serviceName: string;
  priority: string;
  ahead: number | null;
  etaMinutes: number | null;
  verifyCode?: string;
  late?: boolean;
}

const app = $('#app');
const token = deviceToken('kiosk');

const state = {
  screen: 'home' as Screen,
  large: false,
  service: null as ServiceView | null,
  idNumber: '',
  reason: null as Reason | null,
  ticket: null as IssuedTicket | null,
  busy: false,
};

let dialog: DialogHandle | null = null;
let doneTimer: number | undefined;
let ticketBlobUrl: string | null = null;
/**
 * Which visitor's turn it is: bumped whenever the kiosk goes back to the start. A request begun for one visitor (take a
 * number, check in) is dropped if its answer comes after that, so the next visitor never sees someone else's ticket.
 */
let visit = 0;

if (!token) setupNeeded(app, t('kiosk.device'));
else start(token);

function start(token: string): void {
  const api = new Api({ token, onUnauthorized: () => setupNeeded(app, t('kiosk.device')) });
  const model = new HallModel(api, token).start();
  const conn = connectionBanner();
  model.onStatus((s) => conn.set(s));

  const header = h(
    'header',
    { class: 'k-header' },
    h('div', { class: 'k-brand-slot' }),
    h('div', { class: 'k-header-tools' }, largeButton(), langButton('btn-lg')),
    clock(true),
  );
  const banner = h('div', { class: 'emergency-banner', role: 'alert', hidden: true });
  const notice = h('div', { class: 'k-notice', role: 'status', hidden: true });
  const main = h('main', { class: 'k-main', id: 'main', tabindex: '-1' });
  const footer = h('footer', { class: 'k-footer' });
  app.replaceChildren(conn.el, header, banner, notice, main, footer);

  const idle = idleTimer(IDLE_MS, () => {
    if (state.screen !== 'home' || dialog || state.large || getLang() !== 'zh') goHome(true);
  });

  const paintChrome = () => {
    const v = model.view;
    if (!v) return;
    setTimeZone(v.timezone);
    const slot = header.querySelector('.k-brand-slot')!;
    if (!slot.firstChild || slot.getAttribute('data-lang') !== getLang()) {
      slot.replaceChildren(brand(v.name, v.nameEn, getLang() === 'zh' ? v.nameEn : t('kiosk.subtitle')));
      if (getLang() === 'en') slot.querySelector('.brand-name')!.textContent = v.nameEn ?? v.name;
      slot.setAttribute('data-lang', getLang());
    }
    const e = v.emergency;
    banner.hidden = !e?.banner;
    if (e?.banner) setText(banner, e.banner);
    const closed = !v.issuing.open || v.issuing.mode === 'appointments-only';
    notice.hidden = !closed;
    if (closed) {
      const text =
        v.issuing.mode === 'paused'
          ? t('kiosk.notice.paused')
          : v.issuing.mode === 'appointments-only'
            ? t('kiosk.notice.appointmentsOnly')
            : v.issuing.nextOpenAt
              ? t('kiosk.notice.closedUntil', { time: dateTime(v.issuing.nextOpenAt) })
              : t('kiosk.notice.closed');
      setText(notice, text);
    }
  };

  // Live numbers on the visible screen, without rebuilding it under the visitor's finger.
  const paintLive = () => {
    const v = model.view;
    if (!v) return;
    paintChrome();
    for (const card of main.querySelectorAll<HTMLElement>('[data-service]')) {
      const s = v.services.find((x) => x.id === card.dataset.service);
      if (!s) continue;
      const w = card.querySelector('.svc-wait-n');
      const eta = card.querySelector('.svc-eta');
      if (w) setText(w, s.waiting);
      if (eta) setText(eta, etaText(s));
    }
    if (state.screen === 'service' && state.service) {
      const s = v.services.find((x) => x.id === state.service!.id);
      if (s) {
        state.service = s;
        const w = main.querySelector('.stat-waiting');
        const eta = main.querySelector('.stat-eta');
        if (w) setText(w, s.waiting);
        if (eta) setText(eta, etaText(s));
      }
    }
  };

  const render = () => {
    const v = model.view;
    if (!v) return;
    paintChrome();
    document.body.dataset.screen = state.screen;
    toggleClass(document.documentElement, 'large', state.large);
    if (state.screen === 'home') fill(main, homeView(v.services));
    else if (state.screen === 'service' && state.service) fill(main, serviceView(state.service));
    else if (state.screen === 'checkin') fill(main, checkinView());
    else if (state.screen === 'done' && state.ticket) fill(main, doneView(state.ticket));
    fill(footer, footerView());
    translateDom(app);
    main.focus({ preventScroll: true });
    main.scrollTop = 0;
  };

  model.onChange((c) => {
    if (c.kind === 'snapshot' && (!main.firstChild || state.screen === 'home')) render();
    else paintLive();
  });
  onLangChange(render);

  function go(screen: Screen): void {
    state.screen = screen;
    clearInterval(doneTimer);
    render();
    idle.reset();
  }

  function goHome(resetPrefs = false): void {
    visit++;
    state.busy = false; // whatever was in flight belongs to the last visitor: the next one can take a number at once
    dialog?.close();
    dialog = null;
    state.service = null;
    state.idNumber = '';
    state.reason = null;
    state.ticket = null;
    if (ticketBlobUrl) URL.revokeObjectURL(ticketBlobUrl);
    ticketBlobUrl = null;
    if (resetPrefs) {
      state.large = false;
      if (getLang() !== 'zh') setLang('zh', false);
    }
    go('home');
  }

  function largeButton(): HTMLButtonElement {
    const b = h('button', { type: 'button', class: 'btn btn-lg btn-large-mode', 'aria-pressed': 'false' });
    const paint = () => {
      b.textContent = state.large ? t('kiosk.standardMode') : t('kiosk.largeMode');
      b.setAttribute('aria-pressed', String(state.large));
    };
    b.addEventListener('click', () => {
      state.large = !state.large;
      paint();
      render();
    });
    paint();
    onLangChange(paint);
    return b;
  }

  // ---- home ----------------------------------------------------------------------------------------------------

  function homeView(services: ServiceView[]) {
    const cards = services.map((s) =>
      h(
        'button',
        { type: 'button', class: 'svc-card', dataset: { service: s.id }, onclick: () => openService(s.id) },
        h('span', { class: 'svc-prefix', 'aria-hidden': 'true' }, s.prefix),
        h(
          'span',
          { class: 'svc-body' },
          h('span', { class: 'svc-name' }, state.large ? serviceName(s).replace(/（[^）]*）/g, '') : serviceName(s)),
          state.large
            ? null
            : h('span', { class: 'svc-materials' }, s.materials.length ? t('kiosk.materialsCount', { n: s.materials.length }) : t('kiosk.noMaterials')),
          state.large || !s.materials.length ? null : h('span', { class: 'svc-preview' }, s.materials.join('、')),
        ),
        h(
          'span',
          { class: 'svc-meta' },
          h('span', { class: 'svc-wait' }, h('b', { class: 'svc-wait-n' }, s.waiting), h('span', null, t('kiosk.waitingSuffix'))),
          h('span', { class: 'svc-eta' }, etaText(s)),
        ),
      ),
    );
    return [
      h('div', { class: 'k-hero' }, h('h1', null, t('kiosk.chooseService')), h('p', { class: 'lead' }, t('kiosk.chooseHint'))),
      h('div', { class: 'k-services' }, cards),
      h(
        'div',
        { class: 'k-actions' },
        h(
          'button',
          { type: 'button', class: 'action-card', onclick: () => openCheckin() },
          h('span', { class: 'action-icon', 'aria-hidden': 'true' }, calendarIcon()),
          h('span', { class: 'action-text' }, h('b', null, t('kiosk.checkin')), h('span', null, t('kiosk.checkinHint'))),
        ),
      ),
    ];
  }

  function openService(id: string): void {
    const s = model.service(id);
    if (!s) return;
    state.service = s;
    state.idNumber = '';
    state.reason = null;
    go('service');
  }

  // ---- service: materials, ID, priority ------------------------------------------------------------------------

  function serviceView(s: ServiceView) {
    const materials = s.materials.length
      ? h('ol', { class: 'k-material-list' }, s.materials.map((m) => h('li', null, h('span', { class: 'tick', 'aria-hidden': 'true' }, '✓'), h('span', null, m))))
      : h('p', { class: 'k-empty' }, t('kiosk.noMaterialsLong'));
    const reasons = state.large ? LARGE_REASONS : PRIORITY_REASONS;
    const age = state.idNumber ? ageFromIdNumber(state.idNumber) : null;
    return [
      h(
        'div',
        { class: 'k-service-top' },
      h(
        'div',
        { class: 'k-service-head' },
        h('span', { class: 'svc-prefix big', 'aria-hidden': 'true' }, s.prefix),
        h('div', null, h('h1', null, serviceName(s)), getLang() === 'zh' && s.nameEn ? h('p', { class: 'en-sub', lang: 'en' }, s.nameEn) : null),
      ),
      h(
        'div',
        { class: 'k-stats' },
        stat(t('kiosk.statWaiting'), h('span', null, h('b', { class: 'stat-waiting' }, s.waiting), ' ', t('kiosk.peopleUnit'))),
        stat(t('kiosk.statEta'), h('b', { class: 'stat-eta' }, etaText(s))),
        s.deadlineWorkdays ? stat(t('kiosk.statDeadline'), h('b', null, t('kiosk.workdays', { n: s.deadlineWorkdays }))) : null,
      ),
      ),
      h(
        'div',
        { class: 'k-service-body' },
        h('section', { class: 'k-panel k-materials', 'aria-labelledby': 'mat-h' }, h('h2', { id: 'mat-h' }, t('kiosk.materialsTitle')), materials),
        h(
          'div',
          { class: 'k-options' },
          state.large
            ? null
            : h(
                'section',
                { class: 'k-panel k-id', 'aria-labelledby': 'id-h' },
                h('h2', { id: 'id-h' }, t('kiosk.idTitle'), ' ', h('span', { class: 'optional' }, t('kiosk.optional'))),
                h(
                  'button',
                  { type: 'button', class: `id-field ${state.idNumber ? 'filled' : ''}`, onclick: () => openKeypad() },
                  state.idNumber ? maskIdNumber(state.idNumber) : t('kiosk.idPlaceholder'),
                ),
                h('p', { class: 'hint' }, t('kiosk.idHint')),
                state.idNumber ? h('button', { type: 'button', class: 'btn btn-ghost btn-lg', onclick: () => setId('') }, t('kiosk.idClear')) : null,
              ),
          h(
            'section',
            { class: 'k-panel k-priority', 'aria-labelledby': 'pr-h' },
            h('h2', { id: 'pr-h' }, t('kiosk.priorityTitle')),
            h('p', { class: 'hint' }, age !== null && age >= ELDERLY_AGE ? t('kiosk.priorityElderlyHint', { age }) : t('kiosk.priorityHint')),
            h(
              'div',
              { class: 'chips', role: 'group', 'aria-labelledby': 'pr-h' },
              reasons.map((r) =>
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'chip',
                    'aria-pressed': String(state.reason === r),
                    onclick: () => {
                      state.reason = state.reason === r ? null : r;
                      render();
                    },
                  },
                  t(`reason.${r}`),
                ),
              ),
            ),
          ),
        ),
      ),
    ];
  }

  function stat(label: string, value: Node) {
    return h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), value);
  }

  function setId(id: string): void {
    state.idNumber = id;
    const age = id ? ageFromIdNumber(id) : null;
    if (age !== null && age >= ELDERLY_AGE && !state.reason) state.reason = 'elderly';
    render();
  }

  /**
   * Takes a number for the visitor now at the kiosk: one request at a time, and an answer that comes after the kiosk
   * went back to its start screen (a new visitor) is dropped.
   */
  async function takeTicket(request: () => Promise<IssuedTicket>): Promise<void> {
    if (state.busy) return;
    const mine = visit;
    state.busy = true;
    setBusy(true);
    try {
      await showTicket(await request(), mine);
    } catch (err) {
      if (mine === visit) refusal(err);
    } finally {
      if (mine === visit) {
        state.busy = false;
        setBusy(false);
      }
    }
  }

  async function issue(): Promise<void> {
    const s = state.service;
    if (!s) return;
    const body: Record<string, string> = { serviceId: s.id };
    if (state.idNumber) body.idNumber = state.idNumber;
    if (state.reason) {
      body.priority = 'priority';
      body.priorityReason = KIOSK_ZH[`reason.${state.reason}`];
    }
    await takeTicket(async () => (await api.post<{ ticket: IssuedTicket }>('/tickets', body)).ticket);
  }


  function setBusy(on: boolean): void {
    const b = footer.querySelector<HTMLButtonElement>('.btn-primary');
    if (b) {
      b.disabled = on;
      b.setAttribute('aria-busy', String(on));
    }
  }

  // ---- keypad (ID number, appointment code) --------------------------------------------------------------------

  function keypad(opts: { max: number; allowX: boolean; value(): string; onChange(v: string): void }) {
    const set = (v: string) => opts.onChange(v.slice(0, opts.max));
    const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', opts.allowX ? 'X' : '', '0', '⌫'];
    return h(
      'div',
      { class: 'keypad', role: 'group', 'aria-label': t('kiosk.keypad') },
      keys.map((k) =>
        k === ''
          ? h('span', { class: 'key key-empty' })
          : h(
              'button',
              {
                type: 'button',
                class: `key ${k === '⌫' ? 'key-back' : ''}`,
                'aria-label': k === '⌫' ? t('kiosk.backspace') : k,
                onclick: () => (k === '⌫' ? set(opts.value().slice(0, -1)) : set(opts.value() + k)),
              },
              k,
            ),
      ),
    );
  }

  function openKeypad(): void {
    let value = state.idNumber;
    const display = h('output', { class: 'key-display', 'aria-live': 'polite' });
    const msg = h('p', { class: 'key-msg', role: 'alert' });
    const paint = (v: string) => {
      value = v;
      setText(display, v ? groupIdNumber(v) : t('kiosk.idPlaceholderShort'));
      toggleClass(display, 'empty', !v);
      setText(msg, v.length === 18 && !idNumberOk(v) ? t('kiosk.idInvalid') : '');
    };
    const pad = keypad({ max: 18, allowX: true, value: () => value, onChange: paint });
    paint(value);
    dialog = openDialog({
      title: t('kiosk.idTitle'),
      className: 'keypad-dialog',
      body: [display, msg, pad, h('p', { class: 'hint' }, t('kiosk.idReaderHint'))],
      actions: [
        { label: t('cancel'), kind: 'ghost' },
        {
          label: t('confirm'),
          kind: 'primary',
          id: 'keypad-ok',
          onClick: () => {
            if (value && !idNumberOk(value)) {
              setText(msg, t('kiosk.idInvalid'));
              return false;
            }
            setId(value);
          },
        },
      ],
      onClose: () => (dialog = null),
    });
    // A card reader types the number and Enter, like a keyboard.
    dialog.el.addEventListener('keydown', (ev) => {
      if (/^[0-9xX]$/.test(ev.key)) {
        paint((value + ev.key.toUpperCase()).slice(0, 18));
        ev.preventDefault();
      } else if (ev.key === 'Backspace') {
        paint(value.slice(0, -1));
        ev.preventDefault();
      } else if (ev.key === 'Enter') {
        (dialog?.el.querySelector('#keypad-ok') as HTMLButtonElement | null)?.click();
        ev.preventDefault();
      }
    });
  }

  // An ID reader on the service or check-in screen: keystrokes arrive without any dialog open.
  let typed = '';
  let typedAt = 0;
  addEventListener('keydown', (ev) => {
    if (dialog || (state.screen !== 'service' && state.screen !== 'checkin')) return;
    if ((ev.target as HTMLElement)?.tagName === 'INPUT') return;
    if (state.screen === 'checkin' && checkinPaint) {
      // Typed digits fill the field as the on-screen keys do; an ID reader's 18 characters switch to ID mode.
      if (/^[0-9xX]$/.test(ev.key)) {
        const max = checkinMode === 'code' ? 6 : 18;
        if (checkinValue.length < max) checkinPaint(checkinValue + ev.key.toUpperCase().replace(checkinMode === 'code' ? /X/ : /$^/, ''));
      } else if (ev.key === 'Backspace') checkinPaint(checkinValue.slice(0, -1));
      else if (ev.key === 'Enter' && (checkinMode === 'code' ? /^\d{6}$/.test(checkinValue) : checkinValue.length === 18) && typed.length !== 18)
        void checkin(checkinMode === 'code' ? { code: checkinValue } : { idNumber: checkinValue });
    }
    const now = Date.now();
    if (now - typedAt > 1500) typed = '';
    typedAt = now;
    if (/^[0-9xX]$/.test(ev.key)) typed = (typed + ev.key.toUpperCase()).slice(-18);
    else if (ev.key === 'Enter' && typed.length === 18) {
      if (state.screen === 'service') {
        if (idNumberOk(typed)) setId(typed);
        else showRefusal(t('kiosk.refuse.INVALID_ID_NUMBER.title'), t('kiosk.refuse.INVALID_ID_NUMBER.body'));
      } else void checkin({ idNumber: typed });
      typed = '';
    }
  });

  // ---- appointment check-in ------------------------------------------------------------------------------------

  let checkinMode: 'code' | 'id' = 'code';
  let checkinValue = '';
  let checkinPaint: ((v: string) => void) | null = null;

  function openCheckin(): void {
    checkinMode = 'code';
    checkinValue = '';
    go('checkin');
  }

  function checkinView() {
    const max = checkinMode === 'code' ? 6 : 18;
    const display = h('output', { class: 'key-display big', 'aria-live': 'polite' });
    const paint = (v: string) => {
      checkinValue = v;
      setText(display, v ? (checkinMode === 'code' ? v.split('').join(' ') : groupIdNumber(v)) : t(checkinMode === 'code' ? 'kiosk.codePlaceholder' : 'kiosk.idPlaceholderShort'));
      toggleClass(display, 'empty', !v);
      const ok = footer.querySelector<HTMLButtonElement>('.btn-primary');
      if (ok) ok.disabled = !(checkinMode === 'code' ? /^\d{6}$/.test(v) : v.length === 18);
    };
    const tab = (mode: 'code' | 'id', label: string) =>
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          class: 'tab',
          'aria-selected': String(checkinMode === mode),
          onclick: () => {
            checkinMode = mode;
            checkinValue = '';
            render();
          },
        },
        label,
      );
    checkinPaint = paint;
    queueMicrotask(() => paint(checkinValue));
    return [
      h('div', { class: 'k-hero' }, h('h1', null, t('kiosk.checkin')), h('p', { class: 'lead' }, t('kiosk.checkinLead'))),
      h(
        'div',
        { class: 'k-checkin' },
        h('div', { class: 'tabs', role: 'tablist' }, tab('code', t('kiosk.byCode')), tab('id', t('kiosk.byId'))),
        display,
        keypad({ max, allowX: checkinMode === 'id', value: () => checkinValue, onChange: paint }),
        h('p', { class: 'hint' }, t(checkinMode === 'code' ? 'kiosk.codeHint' : 'kiosk.idReaderHint')),
      ),
    ];
  }

  async function checkin(body: { code?: string; idNumber?: string }): Promise<void> {
    await takeTicket(async () => {
      const r = await api.post<{ ticket: IssuedTicket; late: boolean }>('/appointments/check-in', body);
      return { ...r.ticket, late: r.late };
    });
  }


  // ---- done: the number and the ticket preview -----------------------------------------------------------------

  /** Shows the visitor's number, unless the kiosk has gone back to the start (a new visit) since `forVisit` began. */
  async function showTicket(ticket: IssuedTicket, forVisit: number): Promise<void> {
    if (forVisit !== visit) return;
    // The same SVG as the paper ticket, fetched with the kiosk's token so it carries the verify code as printed.
    let blob: Blob | null = null;
    try {
      const res = await fetch(`/api/v1/tickets/${encodeURIComponent(ticket.id)}/ticket.svg`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(PREVIEW_TIMEOUT_MS),
        cache: 'no-store',
      });
      if (res.ok) blob = await res.blob();
    } catch {
      blob = null; // slow or unreachable: show the number without the preview
    }
    if (forVisit !== visit) return; // too late: another visitor is at the kiosk now
    state.ticket = ticket;
    if (ticketBlobUrl) URL.revokeObjectURL(ticketBlobUrl);
    ticketBlobUrl = blob ? URL.createObjectURL(blob) : null;
    go('done');
    let left = DONE_SECONDS;
    doneTimer = setInterval(() => {
      left--;
      const c = footer.querySelector('.countdown-n');
      if (c) setText(c, left);
      if (left <= 0) goHome();
    }, 1000) as unknown as number;
  }

  function doneView(tk: IssuedTicket) {
    const s = model.service(tk.serviceId);
    return [
      h(
        'section',
        { class: 'k-done-main', 'aria-live': 'polite' },
        h('div', { class: 'ok-badge', 'aria-hidden': 'true' }, '✓'),
        h('h1', null, t('kiosk.doneTitle')),
        h('p', { class: 'k-number', 'aria-label': t('kiosk.yourNumber', { number: tk.number }) }, tk.number),
        h('p', { class: 'k-done-service' }, serviceName(s, tk.serviceName)),
        tk.priority !== 'normal' ? h('p', { class: 'badge badge-priority' }, t(`priority.${tk.priority}`)) : null,
        tk.late ? h('p', { class: 'k-late' }, t('kiosk.late')) : null,
        h(
          'div',
          { class: 'k-done-stats' },
          h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, t('kiosk.ahead')), h('b', null, t('people', { n: tk.ahead ?? 0 }))),
          h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, t('kiosk.statEta')), h('b', null, tk.ahead ? aboutMinutes(tk.etaMinutes) : t('kiosk.soon'))),
        ),
        h('p', { class: 'k-done-tip' }, t('kiosk.doneTip')),
        h('p', { class: 'k-done-qr' }, t('kiosk.doneQr')),
      ),
      h(
        'figure',
        { class: 'k-ticket' },
        ticketBlobUrl
          ? h('img', { src: ticketBlobUrl, alt: t('kiosk.ticketAlt', { number: tk.number }), class: 'ticket-img', decoding: 'async' })
          : h('div', { class: 'ticket-missing' }, tk.number),
        h('figcaption', null, t('kiosk.ticketCaption')),
      ),
    ];
  }

  // ---- footer bar ----------------------------------------------------------------------------------------------

  function footerView() {
    if (state.screen === 'home') return h('p', { class: 'k-tips' }, t('kiosk.tips'));
    const back = h('button', { type: 'button', class: 'btn btn-ghost btn-xl', onclick: () => goHome() }, '‹ ', t('back'));
    if (state.screen === 'service')
      return [back, h('button', { type: 'button', class: 'btn btn-primary btn-xl', id: 'take-number', onclick: () => void issue() }, t('kiosk.takeNumber'))];
    if (state.screen === 'checkin')
      return [
        back,
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-primary btn-xl',
            id: 'checkin-submit',
            disabled: true,
            onclick: () => void checkin(checkinMode === 'code' ? { code: checkinValue } : { idNumber: checkinValue }),
          },
          t('kiosk.checkinSubmit'),
        ),
      ];
    return [
      h('p', { class: 'countdown' }, h('b', { class: 'countdown-n' }, DONE_SECONDS), ' ', t('kiosk.countdown')),
      h('button', { type: 'button', class: 'btn btn-primary btn-xl', id: 'done', onclick: () => goHome() }, t('kiosk.finish')),
    ];
  }

  // ---- refusals: a clear message for each -----------------------------------------------------------------------

  function refusal(err: unknown): void {
    const e = err instanceof ApiFailure ? err : new ApiFailure(0, 'NETWORK', String(err));
    const d = e.details as Record<string, string | boolean | undefined>;
    const v = model.view;
    let body: string;
    const key = `kiosk.refuse.${e.code}`;
    switch (e.code) {
      case 'ACTIVE_TICKET_EXISTS':
        body = t(`${key}.body`, { number: (d.number as string) ?? '' });
        break;
      case 'DAILY_LIMIT':
        body = t(`${key}.body`, { n: /(\d+)/.exec(e.message)?.[1] ?? '' });
        break;
      case 'HALL_CLOSED':
        if (d.suggestedTime) body = t('kiosk.refuse.HALL_CLOSED.until', { time: dateTime(d.suggestedTime as string) });
        else if (d.appointmentsOnly) body = t('kiosk.refuse.HALL_CLOSED.appointments', { reason: v?.emergency?.banner ?? v?.emergency?.name ?? '' });
        else if (d.playbookId) body = t('kiosk.refuse.HALL_CLOSED.paused', { reason: v?.emergency?.banner ?? v?.emergency?.name ?? '' });
        else body = t('kiosk.refuse.HALL_CLOSED.body');
        break;
      case 'TOO_EARLY':
        body = t(`${key}.body`, { time: d.checkInFrom ? time(d.checkInFrom as string) : '' });
        break;
      default:
        body = KIOSK_ZH[`${key}.body`] !== undefined ? t(`${key}.body`) : errorText(e);
    }
    const title = KIOSK_ZH[`${key}.title`] !== undefined ? t(`${key}.title`) : t('kiosk.refuse.default.title');
    showRefusal(title, body, e.code);
  }

  function showRefusal(title: string, body: string, code = ''): void {
    dialog?.close();
    dialog = openDialog({
      title,
      tone: 'warn',
      className: 'refusal',
      body: h('p', { class: 'refusal-text', dataset: { code } }, body),
      actions: [{ label: t('kiosk.understood'), kind: 'primary' }],
      onClose: () => (dialog = null),
    });
  }

}

/** '约 12 分钟', or '无需等候' when nobody is waiting. */
function etaText(s: { waiting: number; etaMinutes: number }): string {
  return s.waiting === 0 || s.etaMinutes <= 0 ? t('kiosk.noWait') : aboutMinutes(s.etaMinutes);
}

function calendarIcon(): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const s = document.createElementNS(ns, 'svg');
  s.setAttribute('viewBox', '0 0 48 48');
  s.setAttribute('width', '56');
  s.setAttribute('height', '56');
  s.innerHTML =
    '<rect x="6" y="10" width="36" height="32" rx="5" fill="none" stroke="currentColor" stroke-width="3.5"/>' +
    '<path d="M6 19h36M16 6v8M32 6v8" stroke="currentColor" stroke-width="3.5" stroke-linecap="round"/>' +
    '<path d="M17 30l5 5 9-10" fill="none" stroke="currentColor" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/>';
  return s as unknown as SVGElement;
}
