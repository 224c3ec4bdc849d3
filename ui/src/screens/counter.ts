/**
 * The counter console (staff PC): sign in, pick the counter, then work the queue — call next, recall, start, finish,
 * no-show, transfer, out-of-turn call (reason and category), pause and resume — all on the keyboard too; the waiting
 * list this counter would serve, in order; today's own figures. This file holds the state and the commands; the
 * views are in counter/.
 */
import type { HallView } from '../protocol/hall.js';
import type { TicketView } from '../protocol/tickets.js';
import { Api, ApiFailure, type StaffSession } from '../lib/api.js';
import { $, debounce, fill, h, setText, toggleClass } from '../lib/dom.js';
import { elapsed, setTimeZone } from '../lib/format.js';
import { addStrings, counterName, errorText, onLangChange, t } from '../lib/i18n.js';
import { sessionEnded, staffLogin, staffLogout } from '../lib/login.js';
import { changePasswordDialog } from '../lib/password.js';
import { isLiveEvent, LiveStream } from '../lib/stream.js';
import { clock, connectionBanner, langButton, openDialog, toast } from '../lib/ui.js';
import { currentView } from './counter/current.js';
import { outOfTurnFor } from './counter/dialogs.js';
import { figuresView } from './counter/figures.js';
import { hallNotes } from './counter/hall-notes.js';
import { homeVisitPanel } from './counter/home-visits/panel.js';
import { prereviewPanel } from './counter/prereviews/panel.js';
import { pickCounter } from './counter/pick.js';
import { playbookStrip } from './counter/playbooks.js';
import { queueView } from './counter/queue.js';
import { status, type Console, type ConsoleState, type Figures, type QueueView } from './counter/state.js';
import { CONSOLE_EN, CONSOLE_ZH } from './counter/strings.js';
import { offerTakeover } from './counter/takeover.js';
import { toolbar } from './counter/toolbar.js';
import { workTabs } from './counter/work-tabs.js';

addStrings(CONSOLE_ZH, CONSOLE_EN);

const app = $('#app');
void main();

async function main(): Promise<void> {
  const session = await staffLogin(app, { title: t('c.title'), roles: ['counter', 'manager'] });
  const api = new Api({ token: session.token, onUnauthorized: () => sessionEnded() });
  let hall: HallView;
  try {
    hall = await api.get<HallView>('/hall');
  } catch (err) {
    fill(app, h('p', { class: 'empty' }, errorText(err)));
    return;
  }
  setTimeZone(hall.timezone);
  const me = await api.get<{ counterId: string | null }>('/auth/me').catch(() => ({ counterId: null }));
  const counterId =
    me.counterId && hall.counters.some((c) => c.id === me.counterId)
      ? me.counterId
      : await pickCounter(app, api, hall, session);
  run(api, session, hall, counterId);
}

function run(api: Api, session: StaffSession, hall: HallView, counterId: string): void {
  const cid = encodeURIComponent(counterId);
  const state: ConsoleState = { queue: null, busy: false, dialogOpen: false, figures: null, recentDone: [] };

  const c: Console = {
    hall,
    session,
    state,
    service: (id) => hall.services.find((s) => s.id === id),
    async post(path, body, okKey) {
      if (state.busy) return false;
      state.busy = true;
      tools.paint();
      try {
        const r = await api.post<{ ticket: TicketView | null }>(`/counters/${cid}/${path}`, body);
        if (okKey) toast(t(okKey, { number: r.ticket?.number ?? '' }), 'ok', 2200);
        await refresh();
        return true;
      } catch (err) {
        toast(errorText(err), 'error');
        await refresh();
        return false;
      } finally {
        state.busy = false;
        tools.paint();
      }
    },
    dialog(opts) {
      state.dialogOpen = true;
      openDialog({ ...opts, onClose: () => (state.dialogOpen = false) });
    },
    outOfTurnFor: (ticketId) => outOfTurnFor(c, ticketId),
    async completeCase(caseId) {
      try {
        await api.post(`/cases/${encodeURIComponent(caseId)}/complete`);
        toast(t('c.ok.caseCompleted'), 'ok', 2200);
      } catch (err) {
        toast(errorText(err), 'error');
      }
      await refresh();
    },
  };

  // ---- layout --------------------------------------------------------------------------------------------------
  const conn = connectionBanner();
  const notes = hallNotes(api, hall, counterId);
  const statusPill = h('span', { class: 'badge' });
  const counterTitle = h('div', { class: 'c-counter' });
  const top = h(
    'header',
    { class: 'c-top' },
    h(
      'div',
      { class: 'c-app' },
      h('img', { src: '/ui/icon.svg', alt: '', width: 36, height: 36 }),
      h('span', null, t('c.title')),
    ),
    counterTitle,
    statusPill,
    h(
      'div',
      { class: 'c-top-tools' },
      clock(false),
      langButton('btn-sm'),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-sm btn-ghost',
          id: 'change-password',
          onclick: () => changePasswordDialog(api, (o) => c.dialog(o)),
        },
        t('pw.change'),
      ),
      h(
        'button',
        { type: 'button', class: 'btn btn-sm btn-ghost c-signout', onclick: () => void signOutCounter() },
        t('c.signOut'),
      ),
    ),
  );
  const current = h('section', { class: 'card c-current', 'aria-labelledby': 'cur-h' });
  const tools = toolbar(c);
  const figures = h('section', { class: 'card c-figures', 'aria-labelledby': 'fig-h' });
  const queueBox = h('section', { class: 'card c-queue', 'aria-labelledby': 'q-h' });
  const work = workTabs(queueBox, [
    prereviewPanel(api, hall, (open) => (state.dialogOpen = open)),
    homeVisitPanel(api, hall),
  ]);
  const playbooks = playbookStrip({
    api,
    session,
    myCounterId: counterId,
    onFrozen: (frozen) => {
      if (!!state.queueFrozen === frozen) return;
      state.queueFrozen = frozen;
      if (state.queue) paint(); // the calling buttons off (or on again), and the list's 叫号 buttons
    },
  });
  app.replaceChildren(
    conn.el,
    top,
    playbooks.el,
    notes.el,
    h('main', { class: 'c-main' }, h('div', { class: 'c-left' }, current, tools.el, figures), work.el),
    h('footer', { class: 'c-keys' }, t('c.keysHint')),
  );

  async function signOutCounter(): Promise<void> {
    if (state.queue?.current) {
      toast(t('err.TICKET_IN_PROGRESS'), 'error');
      return;
    }
    if (session.role === 'counter')
      try {
        await api.post(`/counters/${cid}/sign-out`);
      } catch (err) {
        toast(errorText(err), 'error');
        return;
      }
    await staffLogout(session);
    location.reload();
  }

  function paintTop(): void {
    const q = state.queue;
    if (!q) return;
    const k = q.counter;
    fill(counterTitle, h('b', null, counterName(k)), h('span', null, k.staffName ?? session.user.name));
    statusPill.className = `badge badge-${k.status} c-status`;
    setText(
      statusPill,
      k.status === 'paused' && k.pauseReason ? `${t('counter.paused')} · ${k.pauseReason}` : t(`counter.${k.status}`),
    );
    document.title = `${counterName(k)} · ${t('c.title')}`;
  }

  function paint(): void {
    paintTop();
    fill(current, currentView(c));
    tools.paint();
    fill(queueBox, queueView(c));
    toggleClass(document.body, 'is-paused', status(state) === 'paused');
  }
  const paintFigures = () => fill(figures, figuresView(c));

  // ---- data ------------------------------------------------------------------------------------------------------

  async function refresh(): Promise<void> {
    try {
      state.queue = await api.get<QueueView>(`/counters/${cid}/queue`);
      paint();
    } catch (err) {
      if (err instanceof ApiFailure && err.status !== 401) toast(errorText(err), 'error');
    }
  }
  const refreshSoon = debounce(() => void refresh(), 120);
  const figuresSoon = debounce(async () => {
    try {
      state.figures = await api.get<Figures>('/stats/today');
      const list = await api.get<{ tickets: TicketView[] }>('/tickets');
      state.recentDone = list.tickets
        .filter((x) => x.counterId === counterId && (x.status === 'done' || x.status === 'no_show'))
        .sort((a, b) => Date.parse(b.finishedAt ?? b.calledAt ?? '') - Date.parse(a.finishedAt ?? a.calledAt ?? ''))
        .slice(0, 5);
      paintFigures();
    } catch {
      /* figures are a nicety */
    }
  }, 800);

  const stream = new LiveStream(
    {
      onSnapshot: (view) => {
        notes.snapshot(view);
        void playbooks.refresh();
        refreshSoon();
        figuresSoon();
      },
      onEvent: (e) => {
        notes.event(e);
        work.event(e);
        playbooks.onEvent(e);
        if (e.type.startsWith('ticket.') || e.type === 'counter.status' || e.type === 'appointment.checked_in')
          refreshSoon();
        const here = !('counterId' in e) || !e.counterId || e.counterId === counterId;
        if ((e.type === 'ticket.finished' || e.type === 'ticket.no_show' || e.type === 'evaluation.recorded') && here)
          figuresSoon();
        if (e.type === 'evaluation.recorded' && e.counterId === counterId && isLiveEvent(e))
          toast(t('c.rated', { score: e.score }), 'ok');
        if (e.type === 'counter.takeover_requested' && isLiveEvent(e))
          offerTakeover(e, { api, session, hall, myCounterId: counterId });
      },
      onStatus: (s) => conn.set(s),
      onRevoked: () => sessionEnded(),
      onProposalsChanged: () => void playbooks.refresh(),
    },
    session.token,
  );
  stream.start();
  setInterval(() => {
    const timer = current.querySelector('.c-timer');
    const cur = state.queue?.current;
    if (timer && cur) setText(timer, elapsed(cur.startedAt ?? cur.calledAt));
  }, 1000);
  setInterval(() => fill(queueBox, queueView(c)), 60_000);
  onLangChange(() => {
    paint();
    notes.paint();
    paintFigures();
  });
  paintFigures();
  void refresh();
}
