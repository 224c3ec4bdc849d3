/**
 * The counter console (staff PC): sign in, pick the counter, then work the queue — call next, recall, start, finish,
 * no-show, transfer, out-of-turn call (reason and category), pause and resume — all on the keyboard too; the waiting
 * list this counter would serve, in order; today's own figures.
 */
import { Api, ApiFailure, type StaffSession } from '../lib/api.js';
import { $, debounce, fill, h, setText, toggleClass } from '../lib/dom.js';
import { elapsed, minutesSince, num, setTimeZone, time } from '../lib/format.js';
import type { HallView, ServiceView } from '../lib/hall-model.js';
import { addStrings, counterName, errorText, onLangChange, reasonText, serviceName, t } from '../lib/i18n.js';
import { staffLogin, staffLogout } from '../lib/login.js';
import { isLiveEvent, LiveStream } from '../lib/stream.js';
import { clock, connectionBanner, langButton, openDialog, toast } from '../lib/ui.js';
import { CONSOLE_EN, CONSOLE_ZH } from './counter-strings.js';

addStrings(CONSOLE_ZH, CONSOLE_EN);

interface TicketView {
  id: string;
  number: string;
  serviceId: string;
  serviceName: string;
  status: string;
  priority: string;
  priorityReason?: string;
  channel: string;
  issuedAt: string;
  verifyCode?: string;
  calledAt?: string;
  startedAt?: string;
  recalls: number;
  outOfTurn?: { category: string } | null;
  late?: boolean;
}
interface CounterInfo {
  id: string;
  name: string;
  status: 'open' | 'paused' | 'closed';
  pauseReason: string | null;
  staffName: string | null;
  services: string[][];
  tags?: string[];
}
interface QueueView {
  counter: CounterInfo;
  current: TicketView | null;
  groups: Array<{ services: string[]; waiting: TicketView[] }>;
}

const CATEGORIES = ['urgent', 'special-group', 'system-redo', 'manager', 'other'] as const;
const PAUSE_REASONS = ['pause.away', 'pause.meeting', 'pause.meal', 'pause.system', 'pause.handover'];
const RECALL_LIMIT = 2;

const app = $('#app');
void main();

async function main(): Promise<void> {
  const session = await staffLogin(app, { title: t('c.title'), roles: ['counter', 'manager'] });
  const api = new Api({ token: session.token, onUnauthorized: () => void signOut(true) });
  let hall: HallView;
  try {
    hall = await api.get<HallView>('/hall');
  } catch (err) {
    fill(app, h('p', { class: 'empty' }, errorText(err)));
    return;
  }
  setTimeZone(hall.timezone);
  const me = await api.get<{ counterId: string | null }>('/auth/me').catch(() => ({ counterId: null }));
  const counterId = me.counterId && hall.counters.some((c) => c.id === me.counterId) ? me.counterId : await pickCounter(api, hall, session);
  run(api, session, hall, counterId);

  async function signOut(expired = false): Promise<void> {
    await staffLogout(expired ? null : session);
    if (expired) toast(t('err.UNAUTHORIZED'), 'error');
    location.reload();
  }
}

/** Lists the counters; signing in binds this staff member to the chosen one. */
function pickCounter(api: Api, hall: HallView, session: StaffSession): Promise<string> {
  return new Promise((resolve) => {
    const grid = h(
      'div',
      { class: 'pick-grid' },
      hall.counters.map((c) =>
        h(
          'button',
          {
            type: 'button',
            class: 'pick-card',
            dataset: { counter: c.id },
            onclick: async () => {
              try {
                await api.post(`/counters/${encodeURIComponent(c.id)}/sign-in`);
                resolve(c.id);
              } catch (err) {
                toast(errorText(err), 'error');
              }
            },
          },
          h('span', { class: 'pick-name' }, counterName(c)),
          h('span', { class: `badge badge-${c.status}` }, t(`counter.${c.status}`)),
          h('span', { class: 'pick-services' }, c.services.map((g) => g.map((id) => serviceName(hall.services.find((s) => s.id === id), id)).join('、')).join(' › ')),
          h('span', { class: 'pick-staff' }, c.staffName ? t('c.heldBy', { name: c.staffName }) : t('c.free')),
        ),
      ),
    );
    app.replaceChildren(
      h(
        'main',
        { class: 'pick-page' },
        h('div', { class: 'pick-head' }, h('h1', null, t('c.pickTitle')), h('p', null, t('c.pickHint', { name: session.user.name }))),
        grid,
      ),
    );
  });
}

function run(api: Api, session: StaffSession, hall: HallView, counterId: string): void {
  const cid = encodeURIComponent(counterId);
  let q: QueueView | null = null;
  let busy = false;
  let dialogOpen = false;
  const service = (id: string | undefined): ServiceView | undefined => hall.services.find((s) => s.id === id);

  // ---- layout --------------------------------------------------------------------------------------------------
  const conn = connectionBanner();
  const statusPill = h('span', { class: 'badge' });
  const counterTitle = h('div', { class: 'c-counter' });
  const top = h(
    'header',
    { class: 'c-top' },
    h('div', { class: 'c-app' }, h('img', { src: '/ui/icon.svg', alt: '', width: 36, height: 36 }), h('span', null, t('c.title'))),
    counterTitle,
    statusPill,
    h('div', { class: 'c-top-tools' }, clock(false), langButton('btn-sm'), h('button', { type: 'button', class: 'btn btn-sm btn-ghost c-signout', onclick: () => void signOutCounter() }, t('c.signOut'))),
  );
  const current = h('section', { class: 'card c-current', 'aria-labelledby': 'cur-h' });
  const actions = h('div', { class: 'c-actions', role: 'toolbar', 'aria-label': t('c.actions') });
  const figures = h('section', { class: 'card c-figures', 'aria-labelledby': 'fig-h' });
  const queueBox = h('section', { class: 'card c-queue', 'aria-labelledby': 'q-h' });
  app.replaceChildren(
    conn.el,
    top,
    h('main', { class: 'c-main' }, h('div', { class: 'c-left' }, current, actions, figures), queueBox),
    h('footer', { class: 'c-keys' }, t('c.keysHint')),
  );

  // ---- actions ---------------------------------------------------------------------------------------------------
  type Act = { key: string; label: string; kind: string; run: () => void | Promise<void>; enabled: () => boolean; id: string };
  const has = () => !!q?.current;
  const status = () => q?.counter.status ?? 'closed';
  const acts: Act[] = [
    { id: 'call-next', key: 'N', label: 'c.callNext', kind: 'primary', enabled: () => !has() && status() === 'open', run: () => post('call-next', {}, 'c.ok.called') },
    { id: 'recall', key: 'R', label: 'c.recall', kind: 'ghost', enabled: () => q?.current?.status === 'called', run: () => post('recall', {}, 'c.ok.recalled') },
    { id: 'start', key: 'S', label: 'c.start', kind: 'teal', enabled: () => q?.current?.status === 'called', run: () => post('start', {}) },
    { id: 'finish', key: 'F', label: 'c.finish', kind: 'teal', enabled: () => has(), run: () => post('finish', {}, 'c.ok.finished') },
    { id: 'no-show', key: 'X', label: 'c.noShow', kind: 'warn', enabled: () => q?.current?.status === 'called', run: () => confirmNoShow() },
    { id: 'transfer', key: 'T', label: 'c.transfer', kind: 'ghost', enabled: () => has(), run: () => transferDialog() },
    { id: 'call-oot', key: 'O', label: 'c.outOfTurn', kind: 'ghost', enabled: () => !has() && status() === 'open', run: () => outOfTurnDialog() },
    {
      id: 'pause',
      key: 'P',
      label: 'c.pause',
      kind: 'ghost',
      enabled: () => (status() === 'open' && !has()) || status() === 'paused',
      run: () => (status() === 'paused' ? post('resume', {}, 'c.ok.resumed') : pauseDialog()),
    },
  ];
  const buttons = new Map<string, HTMLButtonElement>();
  for (const a of acts) {
    const b = h('button', { type: 'button', id: `act-${a.id}`, class: `btn btn-${a.kind} c-act`, 'aria-keyshortcuts': a.key, onclick: () => void a.run() });
    buttons.set(a.id, b);
    actions.append(b);
  }
  const openBtn = h('button', { type: 'button', class: 'btn btn-primary c-act', id: 'act-open', onclick: () => void post('open', {}) });
  actions.append(openBtn);

  function paintActions(): void {
    for (const a of acts) {
      const b = buttons.get(a.id)!;
      const label = a.id === 'pause' && status() === 'paused' ? t('c.resume') : t(a.label);
      fill(b, h('span', null, label), h('kbd', null, a.key));
      b.disabled = busy || !a.enabled();
      b.hidden = status() === 'closed';
    }
    openBtn.hidden = status() !== 'closed';
    setText(openBtn, t('c.openCounter'));
  }

  addEventListener('keydown', (ev) => {
    if (dialogOpen || ev.ctrlKey || ev.altKey || ev.metaKey) return;
    const tag = (ev.target as HTMLElement)?.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
    const a = acts.find((x) => x.key === ev.key.toUpperCase());
    if (a && a.enabled() && !busy && status() !== 'closed') {
      ev.preventDefault();
      void a.run();
    }
  });

  async function post(path: string, body: unknown, okKey?: string): Promise<boolean> {
    if (busy) return false;
    busy = true;
    paintActions();
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
      busy = false;
      paintActions();
    }
  }

  function dialog(opts: Parameters<typeof openDialog>[0]) {
    dialogOpen = true;
    return openDialog({ ...opts, onClose: () => (dialogOpen = false) });
  }

  function confirmNoShow(): void {
    const n = q?.current?.number ?? '';
    dialog({
      title: t('c.noShowTitle', { number: n }),
      tone: 'warn',
      body: h('p', null, t('c.noShowBody')),
      actions: [{ label: t('cancel') }, { label: t('c.noShow'), kind: 'danger', id: 'confirm-no-show', onClick: () => void post('no-show', {}, 'c.ok.noShow') }],
    });
  }

  function transferDialog(): void {
    const cur = q?.current;
    if (!cur) return;
    let chosen = '';
    const list = h(
      'div',
      { class: 'choice-list', role: 'radiogroup', 'aria-label': t('c.transferTo') },
      hall.services
        .filter((s) => s.id !== cur.serviceId)
        .map((s) =>
          h(
            'label',
            { class: 'choice' },
            h('input', { type: 'radio', name: 'transfer', value: s.id, onchange: () => (chosen = s.id) }),
            h('span', { class: 'choice-prefix' }, s.prefix),
            h('span', null, serviceName(s)),
          ),
        ),
    );
    const msg = h('p', { class: 'form-error', role: 'alert' });
    dialog({
      title: t('c.transferTitle', { number: cur.number }),
      body: [h('p', { class: 'hint' }, t('c.transferHint')), list, msg],
      actions: [
        { label: t('cancel') },
        {
          label: t('c.transfer'),
          kind: 'primary',
          id: 'confirm-transfer',
          onClick: async () => {
            if (!chosen) {
              setText(msg, t('c.chooseService'));
              return false;
            }
            return post('transfer', { serviceId: chosen }, 'c.ok.transferred');
          },
        },
      ],
    });
  }

  function outOfTurnDialog(): void {
    const waiting = (q?.groups ?? []).flatMap((g) => g.waiting);
    if (waiting.length === 0) {
      toast(t('err.QUEUE_EMPTY'));
      return;
    }
    outOfTurnFor(waiting[0].id);
  }

  function outOfTurnFor(ticketId: string): void {
    const waiting = (q?.groups ?? []).flatMap((g) => g.waiting);
    const select = h(
      'select',
      { class: 'input', id: 'oot-ticket' },
      waiting.map((w, i) => h('option', { value: w.id, selected: w.id === ticketId }, `${w.number} · ${serviceName(service(w.serviceId), w.serviceName)} · ${t('c.position', { n: i + 1 })}`)),
    );
    let category: string = 'other';
    const cats = h(
      'div',
      { class: 'chips', role: 'radiogroup', 'aria-label': t('c.category') },
      CATEGORIES.map((c) =>
        h(
          'label',
          { class: 'chip-radio' },
          h('input', { type: 'radio', name: 'oot-cat', value: c, checked: c === category, onchange: () => (category = c) }),
          h('span', null, t(`oot.${c}`)),
        ),
      ),
    );
    const reason = h('textarea', { class: 'input', id: 'oot-reason', maxlength: 200, placeholder: t('c.reasonPlaceholder') });
    const msg = h('p', { class: 'form-error', role: 'alert' });
    dialog({
      title: t('c.outOfTurnTitle'),
      tone: 'warn',
      body: [
        h('p', { class: 'notice' }, t('c.outOfTurnNotice')),
        h('label', { class: 'field', for: 'oot-ticket' }, h('span', null, t('c.ticket')), select),
        h('div', { class: 'field' }, h('span', null, t('c.category')), cats),
        h('label', { class: 'field', for: 'oot-reason' }, h('span', null, t('c.reason')), reason),
        msg,
      ],
      actions: [
        { label: t('cancel') },
        {
          label: t('c.outOfTurnCall'),
          kind: 'primary',
          id: 'confirm-oot',
          onClick: async () => {
            if (!reason.value.trim()) {
              setText(msg, t('err.REASON_REQUIRED'));
              reason.focus();
              return false;
            }
            return post('call', { ticketId: select.value, reason: reason.value.trim(), category }, 'c.ok.called');
          },
        },
      ],
    });
  }

  function pauseDialog(): void {
    const reason = h('input', { class: 'input', id: 'pause-reason', maxlength: 60, placeholder: t('c.pauseOther') });
    const msg = h('p', { class: 'form-error', role: 'alert' });
    const chips = h(
      'div',
      { class: 'chips' },
      PAUSE_REASONS.map((k) => h('button', { type: 'button', class: 'chip', onclick: () => ((reason.value = t(k)), reason.focus()) }, t(k))),
    );
    dialog({
      title: t('c.pauseTitle'),
      body: [h('p', { class: 'hint' }, t('c.pauseHint')), chips, h('label', { class: 'field', for: 'pause-reason' }, h('span', null, t('c.reason')), reason), msg],
      actions: [
        { label: t('cancel') },
        {
          label: t('c.pause'),
          kind: 'primary',
          id: 'confirm-pause',
          onClick: async () => {
            if (!reason.value.trim()) {
              setText(msg, t('err.REASON_REQUIRED'));
              return false;
            }
            return post('pause', { reason: reason.value.trim() }, 'c.ok.paused');
          },
        },
      ],
    });
  }

  async function signOutCounter(): Promise<void> {
    if (q?.current) {
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

  // ---- painting --------------------------------------------------------------------------------------------------

  function paintTop(): void {
    if (!q) return;
    const c = q.counter;
    fill(counterTitle, h('b', null, counterName(c)), h('span', null, c.staffName ?? session.user.name));
    statusPill.className = `badge badge-${c.status} c-status`;
    setText(statusPill, c.status === 'paused' && c.pauseReason ? `${t('counter.paused')} · ${c.pauseReason}` : t(`counter.${c.status}`));
    document.title = `${counterName(c)} · ${t('c.title')}`;
  }

  function paintCurrent(): void {
    const cur = q?.current;
    if (!cur) {
      const waitingTotal = (q?.groups ?? []).reduce((a, g) => a + g.waiting.length, 0);
      fill(
        current,
        h('div', { class: 'card-head' }, h('h2', { id: 'cur-h' }, t('c.current'))),
        h(
          'div',
          { class: 'c-idle' },
          h('p', { class: 'c-idle-big' }, status() === 'paused' ? t('c.pausedNow') : status() === 'closed' ? t('c.closedNow') : t('c.noCurrent')),
          h('p', { class: 'hint' }, status() === 'open' ? t('c.idleHint', { n: waitingTotal }) : status() === 'paused' ? t('c.pausedHint') : t('c.closedHint')),
        ),
      );
      return;
    }
    const s = service(cur.serviceId);
    const materials = s?.materials ?? [];
    fill(
      current,
      h(
        'div',
        { class: 'card-head' },
        h('h2', { id: 'cur-h' }, t('c.current')),
        h('span', { class: `badge c-st c-st-${cur.status}` }, t(`status.${cur.status}`)),
        h('span', { class: 'c-timer-wrap' }, h('span', { class: 'c-timer-label' }, t(cur.startedAt ? 'c.elapsedServing' : 'c.elapsedCalled')), h('span', { class: 'c-timer num' }, elapsed(cur.startedAt ?? cur.calledAt))),
      ),
      h(
        'div',
        { class: 'c-ticket' },
        h(
          'div',
          { class: 'c-ticket-main' },
          h('div', { class: 'c-number num', id: 'current-number' }, cur.number),
          h('div', { class: 'c-service' }, serviceName(s, cur.serviceName)),
          h(
            'div',
            { class: 'c-badges' },
            cur.priority !== 'normal' ? h('span', { class: `badge badge-${cur.priority === 'appointment' ? 'appointment' : cur.priority === 'green' ? 'green' : 'priority'}` }, t(`priority.${cur.priority}`), cur.priorityReason ? ` · ${reasonText(cur.priorityReason)}` : '') : null,
            cur.outOfTurn ? h('span', { class: 'badge badge-oot' }, `${t('outOfTurn')} · ${t(`oot.${cur.outOfTurn.category}`)}`) : null,
            cur.late ? h('span', { class: 'badge badge-muted' }, t('c.late')) : null,
          ),
        ),
        h(
          'dl',
          { class: 'c-facts' },
          fact(t('c.verifyCode'), h('span', { class: 'c-verify num', id: 'verify-code' }, cur.verifyCode ?? '—')),
          fact(t('c.issuedAt'), time(cur.issuedAt)),
          fact(t('c.waited'), t('minutes', { n: cur.calledAt ? Math.round((Date.parse(cur.calledAt) - Date.parse(cur.issuedAt)) / 60_000) : minutesSince(cur.issuedAt) })),
          fact(t('c.recalls'), `${cur.recalls} / ${RECALL_LIMIT}`),
        ),
      ),
      h(
        'div',
        { class: 'c-materials' },
        h('h3', null, t('c.materials')),
        materials.length
          ? h('ol', null, materials.map((m, i) => h('li', null, h('label', null, h('input', { type: 'checkbox', 'aria-label': m }), h('span', null, `${i + 1}. ${m}`)))))
          : h('p', { class: 'hint' }, t('c.noMaterials')),
        s?.deadlineWorkdays ? h('p', { class: 'c-deadline' }, t('c.deadline', { n: s.deadlineWorkdays })) : null,
      ),
    );
  }

  function fact(label: string, value: Node | string) {
    return h('div', { class: 'c-fact' }, h('dt', null, label), h('dd', null, value));
  }

  function paintQueue(): void {
    const groups = q?.groups ?? [];
    const total = groups.reduce((a, g) => a + g.waiting.length, 0);
    let pos = 0;
    fill(
      queueBox,
      h('div', { class: 'card-head' }, h('h2', { id: 'q-h' }, t('c.queue')), h('span', { class: 'badge badge-muted', id: 'queue-total' }, t('c.queueTotal', { n: total }))),
      h('p', { class: 'c-queue-rule hint' }, t('c.queueRule')),
      h(
        'div',
        { class: 'c-queue-body' },
        groups.map((g, gi) =>
          h(
            'section',
            { class: 'c-group' },
            h('h3', null, h('span', { class: 'c-group-rank' }, t('c.groupRank', { n: gi + 1 })), g.services.map((id) => serviceName(service(id), id)).join('、'), h('span', { class: 'c-group-n' }, t('people', { n: g.waiting.length }))),
            g.waiting.length
              ? h(
                  'ol',
                  { class: 'c-queue-list' },
                  g.waiting.slice(0, 60).map((w) => {
                    pos++;
                    return h(
                      'li',
                      { class: 'c-q-row', dataset: { ticket: w.id, number: w.number } },
                      h('span', { class: 'c-q-pos num' }, pos),
                      h('span', { class: 'c-q-number num' }, w.number),
                      h(
                        'span',
                        { class: 'c-q-info' },
                        h('span', null, serviceName(service(w.serviceId), w.serviceName)),
                        w.priority !== 'normal' ? h('span', { class: `badge badge-${w.priority === 'appointment' ? 'appointment' : w.priority === 'green' ? 'green' : 'priority'}` }, t(`priority.${w.priority}`)) : null,
                      ),
                      h('span', { class: 'c-q-wait num' }, t('minutes', { n: minutesSince(w.issuedAt) })),
                      h('button', { type: 'button', class: 'btn btn-sm btn-ghost c-q-call', disabled: has() || status() !== 'open', onclick: () => outOfTurnFor(w.id), 'aria-label': t('c.outOfTurnFor', { number: w.number }) }, t('c.outOfTurnShort')),
                    );
                  }),
                )
              : h('p', { class: 'empty' }, t('c.groupEmpty')),
          ),
        ),
      ),
    );
  }

  interface Figures {
    totals: { served: number; noShow: number; avgServiceMinutes: number | null; avgWaitMinutes: number | null };
    ratings: { count: number; average: number | null; satisfiedPercent: number | null };
  }
  let figs: Figures | null = null;
  let recentDone: Array<TicketView & { finishedAt?: string; rated?: boolean; counterId?: string }> = [];
  function paintFigures(): void {
    const f = figs;
    const cell = (label: string, value: string, id: string) => h('div', { class: 'c-fig' }, h('span', { class: 'c-fig-v num', id }, value), h('span', { class: 'c-fig-l' }, label));
    fill(
      figures,
      h('div', { class: 'card-head' }, h('h2', { id: 'fig-h' }, t('c.today', { name: session.user.name }))),
      h(
        'div',
        { class: 'c-figs' },
        cell(t('c.fig.served'), num(f?.totals.served ?? 0), 'fig-served'),
        cell(t('c.fig.avgService'), f?.totals.avgServiceMinutes == null ? '—' : t('minutes', { n: num(f.totals.avgServiceMinutes, 1) }), 'fig-avg-service'),
        cell(t('c.fig.avgWait'), f?.totals.avgWaitMinutes == null ? '—' : t('minutes', { n: num(f.totals.avgWaitMinutes, 1) }), 'fig-avg-wait'),
        cell(t('c.fig.noShow'), num(f?.totals.noShow ?? 0), 'fig-no-show'),
        cell(t('c.fig.rating'), f?.ratings.average == null ? '—' : `${num(f.ratings.average, 2)} / 5`, 'fig-rating'),
        cell(t('c.fig.satisfied'), f?.ratings.satisfiedPercent == null ? '—' : `${num(f.ratings.satisfiedPercent, 1)}%`, 'fig-satisfied'),
      ),
      recentDone.length
        ? h(
            'table',
            { class: 'table c-done' },
            h('caption', { class: 'sr-only' }, t('c.recentDone')),
            h('thead', null, h('tr', null, [t('c.col.number'), t('c.col.service'), t('c.col.finished'), t('c.col.duration'), t('c.col.rated')].map((x) => h('th', { scope: 'col' }, x)))),
            h(
              'tbody',
              null,
              recentDone.map((d) =>
                h(
                  'tr',
                  null,
                  h('td', { class: 'num' }, h('b', null, d.number)),
                  h('td', null, serviceName(service(d.serviceId), d.serviceName)),
                  h('td', { class: 'num' }, d.status === 'no_show' ? t('status.no_show') : time(d.finishedAt)),
                  h('td', { class: 'num' }, d.startedAt && d.finishedAt ? t('minutes', { n: Math.max(1, Math.round((Date.parse(d.finishedAt) - Date.parse(d.startedAt)) / 60_000)) }) : '—'),
                  h('td', null, d.rated ? h('span', { class: 'badge badge-open' }, '✓ ', t('c.ratedYes')) : h('span', { class: 'badge badge-muted' }, t('c.ratedNo'))),
                ),
              ),
            ),
          )
        : null,
    );
  }

  function paint(): void {
    paintTop();
    paintCurrent();
    paintActions();
    paintQueue();
    toggleClass(document.body, 'is-paused', status() === 'paused');
  }

  // ---- data ------------------------------------------------------------------------------------------------------

  async function refresh(): Promise<void> {
    try {
      q = await api.get<QueueView>(`/counters/${cid}/queue`);
      paint();
    } catch (err) {
      if (err instanceof ApiFailure && err.status !== 401) toast(errorText(err), 'error');
    }
  }
  const refreshSoon = debounce(() => void refresh(), 120);
  const figuresSoon = debounce(async () => {
    try {
      figs = await api.get<Figures>('/stats/today');
      const list = await api.get<{ tickets: typeof recentDone }>('/tickets');
      recentDone = list.tickets
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
      onSnapshot: () => {
        refreshSoon();
        figuresSoon();
      },
      onEvent: (e) => {
        if (e.type.startsWith('ticket.') || e.type === 'counter.status' || e.type === 'appointment.checked_in') refreshSoon();
        if ((e.type === 'ticket.finished' || e.type === 'ticket.no_show' || e.type === 'evaluation.recorded') && (!e.counterId || e.counterId === counterId)) figuresSoon();
        if (e.type === 'evaluation.recorded' && e.counterId === counterId && isLiveEvent(e)) toast(t('c.rated', { score: e.score }), 'ok');
      },
      onStatus: (s) => conn.set(s),
    },
    session.token,
  );
  stream.start();
  setInterval(() => {
    const timer = current.querySelector('.c-timer');
    if (timer && q?.current) setText(timer, elapsed(q.current.startedAt ?? q.current.calledAt));
  }, 1000);
  setInterval(() => paintQueue(), 60_000);
  onLangChange(() => {
    paint();
    paintFigures();
  });
  paintFigures();
  void refresh();
}
