/**
 * The manager dashboard: live queues and counters, alerts (follow-ups, device faults, long waits), today's figures
 * with charts, emergency playbooks, devices, staff and the audit log. Live over the stream; each panel refetches
 * only what an event changed. This file holds the state, the data and the tabs; the views and the panels with
 * forms are in manager/.
 */
import type { Alert } from '../protocol/alerts.js';
import { Api, type StaffSession } from '../lib/api.js';
import { $, debounce, fill, h, setText } from '../lib/dom.js';
import { setTimeZone } from '../lib/format.js';
import { HallModel } from '../lib/hall-model.js';
import { addStrings, counterName, onLangChange, t } from '../lib/i18n.js';
import { sessionEnded, staffLogin, staffLogout } from '../lib/login.js';
import { changePasswordDialog } from '../lib/password.js';
import { isLiveEvent } from '../lib/stream.js';
import { clock, connectionBanner, langButton, toast } from '../lib/ui.js';
import { auditPanel } from './manager/audit.js';
import { devicesPanel } from './manager/devices.js';
import { paintActiveBar } from './manager/active-bar.js';
import { emergencyPanel } from './manager/emergency.js';
import { followupsPanel } from './manager/followups.js';
import { homeVisitsPanel } from './manager/home-visits/panel.js';
import { overview } from './manager/overview.js';
import { reportsPanel, type BackupStatus } from './manager/reports.js';
import { staffPanel } from './manager/staff.js';
import {
  TABS,
  type Device,
  type FollowUp,
  type ManagerContext,
  type ManagerState,
  type OpenCase,
  type Stats,
  type Tab,
} from './manager/state.js';
import { statsView } from './manager/stats.js';
import { MANAGER_EN, MANAGER_ZH } from './manager/strings.js';

addStrings(MANAGER_ZH, MANAGER_EN);

const LEVEL_ZH: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };
const LEVEL_EN: Record<number, string> = {
  5: 'Very satisfied',
  4: 'Satisfied',
  3: 'Fairly satisfied',
  2: 'Dissatisfied',
  1: 'Very dissatisfied',
};
addStrings(
  Object.fromEntries(Object.entries(LEVEL_ZH).map(([k, v]) => [`level.${k}`, v])),
  Object.fromEntries(Object.entries(LEVEL_EN).map(([k, v]) => [`level.${k}`, v])),
);

const app = $('#app');
void main();

async function main(): Promise<void> {
  const session = await staffLogin(app, { title: t('m.title'), roles: ['manager'] });
  start(session);
}

function start(session: StaffSession): void {
  const api = new Api({
    token: session.token,
    onUnauthorized: () => sessionEnded(),
  });
  const model = new HallModel(api, session.token, () => sessionEnded()).start();
  const conn = connectionBanner();
  model.onStatus((s) => conn.set(s));

  const state: ManagerState = {
    stats: null,
    devices: [],
    followUps: [],
    feed: [],
    cases: [],
    integrations: {},
    quickFinishes: [],
    greenLane: [],
    brokerDown: [],
  };

  const ctx: ManagerContext = {
    api,
    session,
    model,
    get devices() {
      return state.devices;
    },
    get followUps() {
      return state.followUps;
    },
    reloadDevices: () => loadDevices(),
    reloadFollowUps: () => loadFollowUps(),
  };

  // ---- shell -----------------------------------------------------------------------------------------------------
  const nav = h(
    'nav',
    { class: 'm-nav', 'aria-label': t('m.title') },
    h(
      'div',
      { class: 'm-nav-brand' },
      h('img', { src: '/ui/icon.svg', alt: '', width: 40, height: 40 }),
      h('div', null, h('b', null, t('m.title')), h('span', { class: 'm-hall' }, '云浮市不动产登记中心')),
    ),
    h(
      'ul',
      null,
      TABS.map((tab) =>
        h(
          'li',
          null,
          h(
            'a',
            { href: `#${tab}`, class: 'm-nav-link', dataset: { tab } },
            h('span', { class: 'm-nav-label' }, t(`m.nav.${tab}`)),
            h('span', { class: 'm-nav-count', dataset: { count: tab } }),
          ),
        ),
      ),
    ),
  );
  const title = h('h1', { class: 'm-title' });
  const topbar = h(
    'header',
    { class: 'm-top' },
    title,
    h(
      'div',
      { class: 'm-top-tools' },
      clock(true),
      h('span', { class: 'm-user' }, session.user.name),
      langButton('btn-sm'),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-sm btn-ghost',
          id: 'change-password',
          onclick: () => changePasswordDialog(api),
        },
        t('pw.change'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-sm btn-ghost',
          onclick: () => void staffLogout(session).then(() => location.reload()),
        },
        t('m.logout'),
      ),
    ),
  );
  const banner = h('div', { class: 'emergency-banner m-banner', role: 'alert', hidden: true });
  const content = h('main', { class: 'm-content', id: 'main', tabindex: '-1' });
  app.replaceChildren(conn.el, nav, h('div', { class: 'm-page' }, topbar, banner, content));

  const current = (): Tab => {
    const hash = location.hash.slice(1) as Tab;
    return TABS.includes(hash) ? hash : 'overview';
  };

  let waitingForView = true;
  function render(): void {
    const tab = current();
    for (const a of nav.querySelectorAll<HTMLAnchorElement>('.m-nav-link')) {
      if (a.dataset.tab === tab) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    setText(title, t(`m.nav.${tab}`));
    document.title = `${t(`m.nav.${tab}`)} · ${t('m.title')}`;
    const v = model.view;
    if (v) setTimeZone(v.timezone);
    const activeCount = paintActiveBar(banner, v);
    const openFollowUps = state.followUps.filter((f) => f.open).length;
    paintCount('followups', openFollowUps);
    paintCount('devices', state.devices.filter((d) => !d.online).length);
    paintCount('emergency', activeCount);
    paintCount('reports', backupFailing);
    waitingForView = !v;
    if (!v) {
      fill(content, h('p', { class: 'empty' }, t('m.loading')));
      return;
    }
    switch (tab) {
      case 'overview':
        fill(content, overview(v, state));
        break;
      case 'stats':
        fill(content, statsView(v, state.stats));
        break;
      case 'emergency':
        emergencyPanel(ctx, content);
        break;
      case 'followups':
        followupsPanel(ctx, content);
        break;
      case 'visits':
        homeVisitsPanel(ctx, content);
        break;
      case 'devices':
        devicesPanel(ctx, content);
        break;
      case 'staff':
        staffPanel(ctx, content);
        break;
      case 'audit':
        auditPanel(ctx, content);
        break;
      case 'reports':
        reportsPanel(ctx, content, noteBackup);
        break;
    }
  }

  function paintCount(tab: string, n: number): void {
    const el = nav.querySelector<HTMLElement>(`[data-count="${tab}"]`);
    if (!el) return;
    el.hidden = n === 0;
    setText(el, n);
  }

  // Live panels repaint on data; admin panels (forms) only when opened, so typing is never interrupted.
  const LIVE: Tab[] = ['overview', 'stats'];
  // A form panel opened before the hall view came (a reload on #staff) is drawn once it comes.
  const repaint = debounce(() => (LIVE.includes(current()) || waitingForView ? render() : paintBadges()), 150);
  function paintBadges(): void {
    paintCount('followups', state.followUps.filter((f) => f.open).length);
    paintCount('devices', state.devices.filter((d) => !d.online).length);
    paintCount('emergency', paintActiveBar(banner, model.view));
  }
  addEventListener('hashchange', () => {
    render();
    content.focus({ preventScroll: true });
  });
  onLangChange(render);

  // ---- data ------------------------------------------------------------------------------------------------------
  async function loadStats(): Promise<void> {
    try {
      state.stats = await api.get<Stats>('/stats/today');
      repaint();
    } catch {
      /* next event retries */
    }
  }
  async function loadDevices(): Promise<void> {
    try {
      state.devices = (await api.get<{ devices: Device[] }>('/devices')).devices;
      repaint();
    } catch {
      /* next tick retries */
    }
  }
  async function loadFollowUps(): Promise<void> {
    try {
      state.followUps = (await api.get<{ followUps: FollowUp[] }>('/followups')).followUps;
      repaint();
    } catch {
      /* next event retries */
    }
  }
  async function loadCases(): Promise<void> {
    try {
      state.cases = (await api.get<{ cases: OpenCase[] }>('/cases?status=open')).cases;
      repaint();
    } catch {
      /* next event or tick retries */
    }
  }
  async function loadIntegrations(): Promise<void> {
    try {
      state.integrations = await api.get<ManagerState['integrations']>('/integrations');
      const { alerts } = await api.get<{ alerts: Alert[] }>('/alerts');
      state.quickFinishes = alerts.filter((a) => a.kind === 'counter.quick_finishes');
      state.greenLane = alerts.filter((a) => a.kind === 'tickets.green_lane');
      state.brokerDown = alerts.filter((a) => a.kind === 'mqtt.broker_down');
      repaint();
    } catch {
      /* the next tick retries */
    }
  }
  const statsSoon = debounce(() => void loadStats(), 600);
  const emergencySoon = debounce(() => {
    if (current() === 'emergency') emergencyPanel(ctx, content);
  }, 150);
  // A failed backup shows on the reports tab's badge wherever the manager is.
  let backupFailing = 0;
  function noteBackup(b: BackupStatus): void {
    backupFailing = b.failing ? 1 : 0;
    paintCount('reports', backupFailing);
  }
  const loadBackup = () =>
    void api
      .get<BackupStatus>('/backups')
      .then(noteBackup)
      .catch(() => undefined);

  model.onChange((c) => {
    // The playbooks tab follows proposals and playbooks as they change (its dialogs live outside it).
    const playbooksChanged = c.kind === 'proposals' || (c.kind === 'event' && c.event.type === 'emergency.changed');
    if (playbooksChanged && current() === 'emergency') emergencySoon();
    if (c.kind === 'event') {
      const e = c.event;
      if (e.type === 'evaluation.recorded') {
        state.feed.unshift({ counterId: e.counterId, score: e.score, at: e.at });
        state.feed.splice(12);
        const label = t(`level.${e.score}`);
        // The feed lists ratings replayed after a reconnect too; only new ones pop up.
        if (isLiveEvent(e))
          toast(`${counterName(model.counter(e.counterId), e.counterId)} · ${label}`, e.score <= 2 ? 'error' : 'ok');
      }
      if (e.type === 'followup.opened' || e.type === 'followup.answered') void loadFollowUps();
      if (e.type === 'device.status') void loadDevices();
      if (e.type === 'case.opened' || e.type === 'case.completed') void loadCases();
      if (e.type.startsWith('ticket.') || e.type === 'evaluation.recorded' || e.type === 'counter.status') statsSoon();
    }
    if (c.kind === 'snapshot') {
      void loadStats();
      void loadFollowUps();
      void loadDevices();
      void loadCases();
    }
    repaint();
  });
  setInterval(() => void loadDevices(), 30_000);
  setInterval(() => void loadStats(), 60_000);
  // How long an outside system has been failing grows with no event: look every half minute.
  setInterval(() => void loadIntegrations(), 30_000);
  void loadIntegrations();
  setInterval(loadBackup, 5 * 60_000);
  loadBackup();
  // A case becomes due or overdue when the day turns, with no event: look again now and then.
  setInterval(() => void loadCases(), 5 * 60_000);
  render();
}
