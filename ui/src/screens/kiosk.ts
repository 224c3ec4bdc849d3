/**
 * The ticket kiosk (touch screen, portrait or landscape): choose a service, read its materials (一次性告知), optionally
 * give an ID number and ask for priority, take the number and see the ticket; or check in an appointment. This file
 * holds the state and its actions; the views are in kiosk/.
 */
import { Api, ApiFailure, deviceToken } from '../lib/api.js';
import { $, fill, h, setText, toggleClass } from '../lib/dom.js';
import { HallModel } from '../lib/hall-model.js';
import { NearbyPanel } from '../lib/nearby.js';
import { addStrings, getLang, onLangChange, setLang, t, translateDom } from '../lib/i18n.js';
import { ageFromIdNumber, idNumberOk } from '../lib/id-number.js';
import { connectionBanner, idleTimer, setupNeeded, type DialogHandle } from '../lib/ui.js';
import { openBookedDialog, openCapacityDialog, type AvailabilityView } from './kiosk/capacity.js';
import { checkinView, paintCheckin } from './kiosk/checkin.js';
import { kioskChrome } from './kiosk/chrome.js';
import { doneView, fetchTicketImage } from './kiosk/done.js';
import { DONE_SECONDS, footerView } from './kiosk/footer.js';
import { homeView } from './kiosk/home.js';
import { listenForIdReader, openIdDialog } from './kiosk/input.js';
import { paintLive } from './kiosk/live.js';
import { openRefusal, refusalText } from './kiosk/refusal.js';
import { serviceView } from './kiosk/service.js';
import { initialState, type IssuedTicket, type KioskActions, type Screen } from './kiosk/state.js';
import { KIOSK_EN, KIOSK_ZH } from './kiosk/strings.js';

addStrings(KIOSK_ZH, KIOSK_EN);

const IDLE_MS = 45_000;
/** A number asked with no answer is asked once more after this (same key). */
const RETRY_AFTER_MS = 2_000;

/** 128 random bits as 32 hex digits (crypto.getRandomValues works on a plain-HTTP hall LAN; randomUUID does not). */
function randomKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const app = $('#app');
const token = deviceToken('kiosk');
if (!token) setupNeeded(app, t('kiosk.device'));
else start(token);

function start(token: string): void {
  const api = new Api({ token, onUnauthorized: () => setupNeeded(app, t('kiosk.device')) });
  const model = new HallModel(api, token).start();
  const state = initialState();
  let dialog: DialogHandle | null = null;
  let doneTimer: number | undefined;
  /**
   * Which visitor's turn it is: bumped whenever the kiosk goes back to the start. A request begun for one visitor (take
   * a number, check in) is dropped if its answer comes after that, so the next visitor never sees someone else's ticket.
   */
  let visit = 0;
  /**
   * The Idempotency-Key of this visitor's number: the same while the visit and what is asked stay the same, so asking
   * again after "network error" gets the number the first request may have issued, never a second one.
   */
  let issueKey: { visit: number; body: string; key: string } | undefined;
  /** The hall day (YYYY-MM-DD): ages and ID numbers are judged on it, as the server does. */
  const today = () => model.view?.day ?? new Date().toISOString().slice(0, 10);
  const closeDialog = () => (dialog = null);

  const conn = connectionBanner();
  model.onStatus((s) => conn.set(s));
  const chrome = kioskChrome(state, () => {
    state.large = !state.large;
    render();
  });
  const main = h('main', { class: 'k-main', id: 'main', tabindex: '-1' });
  const footer = h('footer', { class: 'k-footer' });
  // The city's other sites and their waits (R16: a point's visitor may find the central hall quieter, or the reverse).
  const nearby = new NearbyPanel(api, { className: 'k-nearby' }).start();
  app.replaceChildren(conn.el, chrome.header, chrome.banner, chrome.notice, main, footer);

  const idle = idleTimer(IDLE_MS, () => {
    if (state.screen !== 'home' || dialog || state.large || getLang() !== 'zh') actions.goHome(true);
  });

  function render(): void {
    const v = model.view;
    if (!v) return;
    chrome.paint(v);
    document.body.dataset.screen = state.screen;
    toggleClass(document.documentElement, 'large', state.large);
    if (state.screen === 'home') {
      nearby.paint();
      fill(main, homeView(state, v.services, actions), nearby.el);
    } else if (state.screen === 'service' && state.service) {
      const age = state.idNumber ? ageFromIdNumber(state.idNumber, today()) : null;
      fill(main, serviceView(state, state.service, age, v.policy.elderlyAge, actions));
    } else if (state.screen === 'checkin') fill(main, checkinView(state, actions));
    else if (state.screen === 'done' && state.ticket)
      fill(main, doneView(state.ticket, model.service(state.ticket.serviceId), state.ticketImage));
    fill(footer, footerView(state, actions));
    translateDom(app);
    main.focus({ preventScroll: true });
    main.scrollTop = 0;
  }

  function go(screen: Screen): void {
    state.screen = screen;
    clearInterval(doneTimer);
    render();
    idle.reset();
  }

  function setBusy(on: boolean): void {
    state.busy = on;
    const b = footer.querySelector<HTMLButtonElement>('.btn-primary');
    if (b) {
      b.disabled = on;
      b.setAttribute('aria-busy', String(on));
    }
  }

  /** The refusal on screen, if it is a "no numbers now" one: it goes when issuing opens again (the all-clear). */
  let closedRefusal: DialogHandle | null = null;

  function showRefusal(title: string, body: string, code = ''): void {
    dialog?.close();
    dialog = openRefusal(title, body, code, closeDialog);
    closedRefusal = code === 'HALL_CLOSED' ? dialog : null;
  }

  /**
   * Takes a number for the visitor now at the kiosk: one request at a time, and an answer that comes after the kiosk
   * went back to its start screen (a new visitor) is dropped.
   */
  async function takeTicket(request: () => Promise<IssuedTicket>): Promise<void> {
    if (state.busy) return;
    const mine = visit;
    setBusy(true);
    try {
      await showTicket(await request(), mine);
    } catch (err) {
      if (mine === visit) {
        const r = refusalText(err, model.view);
        showRefusal(r.title, r.body, r.code);
      }
    } finally {
      if (mine === visit) setBusy(false);
    }
  }

  /** Shows the visitor's number, unless the kiosk has gone back to the start (a new visit) since `forVisit` began. */
  async function showTicket(ticket: IssuedTicket, forVisit: number): Promise<void> {
    if (forVisit !== visit) return;
    const blob = await fetchTicketImage(ticket.id, token);
    if (forVisit !== visit) return; // too late: another visitor is at the kiosk now
    state.ticket = ticket;
    if (state.ticketImage) URL.revokeObjectURL(state.ticketImage);
    state.ticketImage = blob ? URL.createObjectURL(blob) : null;
    go('done');
    let left = DONE_SECONDS;
    doneTimer = setInterval(() => {
      left--;
      const c = footer.querySelector('.countdown-n');
      if (c) setText(c, left);
      if (left <= 0) actions.goHome();
    }, 1000) as unknown as number;
  }

  /**
   * Before issuing, asks whether the service can still serve today (R4). When it cannot, the visitor chooses: today's
   * number anyway, or the offered slot. Any doubt (closed hall, no answer) issues as usual: never a refusal.
   */
  async function issueOrOffer(serviceId: string, issueNow: () => void): Promise<void> {
    if (state.busy || dialog) return;
    const mine = visit;
    let a: AvailabilityView | null = null;
    if (model.view?.issuing.open) {
      setBusy(true);
      a = await api.get<AvailabilityView>(`/services/${encodeURIComponent(serviceId)}/availability`).catch(() => null);
      if (mine !== visit) return;
      setBusy(false);
    }
    if (!a || a.servesToday) return issueNow();
    const slot = a.nextSlot;
    // Each dialog clears `dialog` only if it is still the one shown: the next may open before this one's close event.
    const offer: DialogHandle = openCapacityDialog(a, {
      takeToday: () => queueMicrotask(issueNow),
      book: async (phone) => {
        if (!slot || mine !== visit) return true;
        try {
          const r = await api.post<{ appointment: { code: string; slotStart: string; slotEnd: string } }>(
            '/appointments',
            { serviceId, ...slot, idNumber: state.idNumber || undefined, phone },
          );
          if (mine !== visit) return true;
          const booked: DialogHandle = openBookedDialog({ ...r.appointment, phone }, () => {
            if (dialog === booked) actions.goHome();
          });
          dialog = booked;
        } catch (err) {
          const r = refusalText(err, model.view);
          showRefusal(r.title, r.body, r.code);
        }
        return true;
      },
      onClose: () => {
        if (dialog === offer) dialog = null;
      },
    });
    dialog = offer;
  }

  const actions: KioskActions & { goHome(resetPrefs?: boolean): void } = {
    render,
    goHome(resetPrefs = false) {
      visit++;
      state.busy = false; // whatever was in flight belongs to the last visitor: the next one can take a number at once
      dialog?.close();
      dialog = null;
      state.service = null;
      state.idNumber = '';
      state.reason = null;
      state.ticket = null;
      if (state.ticketImage) URL.revokeObjectURL(state.ticketImage);
      state.ticketImage = null;
      if (resetPrefs) {
        state.large = false;
        if (getLang() !== 'zh') setLang('zh', false);
      }
      go('home');
    },
    openService(id) {
      const s = model.service(id);
      if (!s) return;
      state.service = s;
      state.idNumber = '';
      state.reason = null;
      go('service');
    },
    openCheckin() {
      state.checkin = { mode: 'code', value: '' };
      go('checkin');
    },
    setCheckinMode(mode) {
      state.checkin = { mode, value: '' };
      render();
    },
    typeCheckin(value) {
      state.checkin.value = value.slice(0, state.checkin.mode === 'code' ? 10 : 18);
      paintCheckin(state);
    },
    openKeypad() {
      dialog = openIdDialog(state.idNumber, today(), (id) => actions.setId(id), closeDialog);
    },
    setId(id) {
      state.idNumber = id;
      const age = id ? ageFromIdNumber(id, today()) : null;
      const elderlyAge = model.view?.policy.elderlyAge;
      if (age !== null && elderlyAge !== undefined && age >= elderlyAge && !state.reason) state.reason = 'elderly';
      render();
    },
    toggleReason(reason) {
      state.reason = state.reason === reason ? null : reason;
      render();
    },
    issue() {
      const s = state.service;
      if (!s) return;
      // Codes, not labels: the server writes `elderly` itself, and staff screens show each code in their language.
      const body = {
        serviceId: s.id,
        idNumber: state.idNumber || undefined,
        ...(state.reason ? { priority: 'priority', priorityReason: state.reason } : {}),
      };
      const text = JSON.stringify(body);
      if (issueKey?.visit !== visit || issueKey.body !== text) issueKey = { visit, body: text, key: randomKey() };
      const headers = { 'idempotency-key': issueKey.key };
      const post = () => api.post<{ ticket: IssuedTicket }>('/tickets', body, headers);
      void issueOrOffer(s.id, () =>
        takeTicket(async () => {
          try {
            return (await post()).ticket;
          } catch (err) {
            // No answer: once more, a moment later, with the same key (it cannot issue twice).
            if (!(err instanceof ApiFailure) || err.status !== 0) throw err;
            await new Promise((r) => setTimeout(r, RETRY_AFTER_MS));
            return (await post()).ticket;
          }
        }),
      );
    },
    checkin(body) {
      void takeTicket(async () => {
        const r = await api.post<{ ticket: IssuedTicket; late: boolean }>('/appointments/check-in', body);
        return { ...r.ticket, late: r.late };
      });
    },
  };

  listenForIdReader(
    state,
    actions,
    () => dialog !== null,
    (id) => {
      if (idNumberOk(id, today())) actions.setId(id);
      else showRefusal(t('kiosk.refuse.INVALID_ID_NUMBER.title'), t('kiosk.refuse.INVALID_ID_NUMBER.body'));
    },
  );

  model.onChange((c) => {
    if (closedRefusal && dialog === closedRefusal && model.view?.issuing.open) dialog.close();
    if (c.kind === 'snapshot' && (!main.firstChild || state.screen === 'home')) render();
    else if (model.view) {
      chrome.paint(model.view);
      paintLive(main, state, model.view);
    }
  });
  onLangChange(render);
}
