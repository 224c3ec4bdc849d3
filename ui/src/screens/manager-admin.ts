/** Dashboard panels with forms: emergency playbooks, follow-ups, devices (credentials shown once), staff, audit log. */
import type { DeviceKind } from '../protocol/codes.js';
import type { FollowUpView } from '../protocol/tickets.js';
import { ApiFailure, type Api, type StaffSession } from '../lib/api.js';
import { fill, h, setText, type Child } from '../lib/dom.js';
import { dateTime, time } from '../lib/format.js';
import type { HallModel } from '../lib/hall-model.js';
import { counterName, errorText, getLang, t } from '../lib/i18n.js';
import { openDialog, toast } from '../lib/ui.js';

export interface Device {
  id: string;
  kind: DeviceKind;
  counterId?: string;
  kioskId?: string;
  online: boolean;
  lastSeen?: number;
  lastStatus?: Record<string, unknown>;
  /** Stopped acknowledging commands. */
  faulty?: boolean;
}

export type FollowUp = FollowUpView;

export interface ManagerContext {
  api: Api;
  session: StaffSession;
  model: HallModel;
  readonly devices: Device[];
  readonly followUps: FollowUp[];
  reloadDevices(): Promise<void>;
  reloadFollowUps(): Promise<void>;
}

interface Playbook {
  id: string;
  name: string;
  triggers: Array<Record<string, unknown>>;
  actions: Array<Record<string, unknown>>;
}

const KINDS = ['kiosk', 'display', 'pad', 'printer', 'led', 'speaker', 'button', 'sensor'];
const WITH_COUNTER = new Set(['pad', 'led', 'button', 'speaker', 'display']);

function card(title: string, body: Child, extra: Child = null, cls = ''): HTMLElement {
  return h('section', { class: `card ${cls}` }, h('div', { class: 'card-head' }, h('h2', null, title), extra), h('div', { class: 'card-body' }, body));
}

// ---- emergency ---------------------------------------------------------------------------------------------------

export function emergencyPanel(ctx: ManagerContext, root: HTMLElement): void {
  fill(root, h('p', { class: 'empty' }, t('m.loading')));
  void (async () => {
    let data: { active: { playbookId: string; name: string; activatedAt: string; note?: string } | null; playbooks: Playbook[] };
    try {
      data = await ctx.api.get('/emergency');
    } catch (err) {
      fill(root, h('p', { class: 'empty' }, errorText(err)));
      return;
    }
    const active = data.active;
    fill(
      root,
      h(
        'div',
        { class: 'm-playbooks' },
        data.playbooks.map((p) => {
          const isActive = active?.playbookId === p.id;
          return h(
            'article',
            { class: `card m-playbook ${isActive ? 'active' : ''}`, dataset: { playbook: p.id } },
            h('div', { class: 'card-head' }, h('h2', null, p.name), isActive ? h('span', { class: 'badge badge-red' }, h('span', { class: 'dot' }), t('m.em.active')) : null),
            h(
              'div',
              { class: 'card-body' },
              h('p', { class: 'm-triggers' }, p.triggers.map(triggerText).join(' · ')),
              h('ul', { class: 'm-actions' }, p.actions.map((a) => h('li', null, actionText(a)))),
              isActive ? h('p', { class: 'm-sub' }, t('m.em.since', { time: time(active!.activatedAt), note: active!.note ?? '' })) : null,
            ),
            h(
              'div',
              { class: 'm-playbook-foot' },
              isActive
                ? h('button', { type: 'button', class: 'btn btn-primary', id: `deactivate-${p.id}`, onclick: () => deactivate(p) }, t('m.em.deactivate'))
                : h('button', { type: 'button', class: 'btn btn-danger', id: `activate-${p.id}`, disabled: !!active, onclick: () => activate(p) }, t('m.em.activate')),
            ),
          );
        }),
      ),
    );
  })();

  function activate(p: Playbook): void {
    const note = h('input', { class: 'input', id: 'em-note', maxlength: 300 });
    openDialog({
      title: t('m.em.confirm', { name: p.name }),
      tone: 'warn',
      body: [h('p', null, t('m.em.confirmBody')), h('label', { class: 'field', for: 'em-note' }, h('span', null, t('m.em.note')), note)],
      actions: [
        { label: t('cancel') },
        {
          label: t('m.em.activate'),
          kind: 'danger',
          id: 'confirm-activate',
          onClick: async () => {
            try {
              await ctx.api.post('/emergency/activate', { playbookId: p.id, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
              toast(t('m.em.ok', { name: p.name }), 'ok');
              emergencyPanel(ctx, root);
            } catch (err) {
              toast(errorText(err), 'error');
            }
          },
        },
      ],
    });
  }

  function deactivate(p: Playbook): void {
    openDialog({
      title: t('m.em.deactivateConfirm', { name: p.name }),
      actions: [
        { label: t('cancel') },
        {
          label: t('m.em.deactivate'),
          kind: 'primary',
          id: 'confirm-deactivate',
          onClick: async () => {
            try {
              await ctx.api.post('/emergency/deactivate', {});
              toast(t('m.em.off'), 'ok');
              emergencyPanel(ctx, root);
            } catch (err) {
              toast(errorText(err), 'error');
            }
          },
        },
      ],
    });
  }
}

const NOTIFY_ZH: Record<string, string> = { manager: '大厅负责人', security: '安保人员', standby: '备岗人员', 'first-aid': '急救人员' };

function triggerText(tr: Record<string, unknown>): string {
  if (tr.manual) return t('m.em.trigger.manual');
  if (tr.device) return t('m.em.trigger.device', { device: String(tr.device), event: String(tr.event ?? '') });
  if (tr.metric) return t('m.em.trigger.metric', { metric: String(tr.metric), above: String(tr.above ?? '') });
  return JSON.stringify(tr);
}

function actionText(a: Record<string, unknown>): string {
  if (typeof a.banner === 'string') return t('m.em.act.banner', { text: a.banner });
  if (typeof a.announce === 'string') return t('m.em.act.announce', { text: a.announce });
  if (typeof a.issuing === 'string') return t('m.em.act.issuing', { mode: t(`m.em.issuing.${a.issuing}`) });
  if (Array.isArray(a.notify)) return t('m.em.act.notify', { who: a.notify.map((w) => (getLang() === 'zh' ? (NOTIFY_ZH[w] ?? w) : w)).join(getLang() === 'zh' ? '、' : ', ') });
  if (a.openStandbyCounters) return t('m.em.act.open');
  return JSON.stringify(a);
}

// ---- follow-ups --------------------------------------------------------------------------------------------------

export function followupsPanel(ctx: ManagerContext, root: HTMLElement): void {
  const list = ctx.followUps;
  const names = new Map<string, string>();
  const paint = () =>
    fill(
      root,
      card(
        t('m.fu.title'),
        list.length === 0
          ? h('p', { class: 'empty' }, t('m.fu.none'))
          : h(
              'ul',
              { class: 'm-fu-list' },
              list.map((f) => {
                const c = ctx.model.counter(f.counterId);
                const answer = h('textarea', { class: 'input', id: `fu-${f.id}`, maxlength: 1000, placeholder: t('m.fu.placeholder'), 'aria-label': t('m.fu.answer') });
                return h(
                  'li',
                  { class: `m-fu ${f.open ? 'open' : 'done'}`, dataset: { followup: f.id } },
                  h(
                    'div',
                    { class: 'm-fu-head' },
                    h('span', { class: `m-score num score-${f.score}` }, f.score),
                    h('b', null, t(`level.${f.score}`)),
                    h('span', null, t('m.fu.ticket', { number: f.number, counter: counterName(c, f.counterId ?? '') })),
                    c?.staffName || names.get(f.staffId ?? '') ? h('span', { class: 'm-sub' }, c?.staffName ?? names.get(f.staffId ?? '')) : null,
                    h('span', { class: 'm-sub' }, dateTime(f.openedAt)),
                    h('span', { class: `badge ${f.open ? 'badge-paused' : 'badge-open'}` }, f.open ? t('m.fu.open') : t('m.fu.answered')),
                  ),
                  f.comment ? h('p', { class: 'm-fu-comment' }, t('m.fu.comment', { comment: f.comment })) : null,
                  f.open
                    ? h(
                        'div',
                        { class: 'm-fu-form' },
                        answer,
                        h(
                          'button',
                          {
                            type: 'button',
                            class: 'btn btn-primary',
                            onclick: async () => {
                              if (!answer.value.trim()) {
                                answer.focus();
                                return;
                              }
                              try {
                                await ctx.api.post(`/followups/${encodeURIComponent(f.id)}/answer`, { answer: answer.value.trim() });
                                await ctx.reloadFollowUps();
                                followupsPanel(ctx, root);
                              } catch (err) {
                                toast(errorText(err), 'error');
                              }
                            },
                          },
                          t('m.fu.submit'),
                        ),
                      )
                    : h('p', { class: 'm-fu-answer' }, t('m.fu.by', { time: f.answeredAt ? dateTime(f.answeredAt) : '', answer: f.answer ?? '' })),
                );
              }),
            ),
      ),
    );
  paint();
  void ctx.api
    .get<{ staff: Array<{ id: string; name: string }> }>('/staff')
    .then((r) => {
      for (const s of r.staff) names.set(s.id, s.name);
      if (root.querySelector('.m-fu-list') && !root.contains(document.activeElement)) paint();
    })
    .catch(() => undefined);
}

// ---- devices -----------------------------------------------------------------------------------------------------

export function devicesPanel(ctx: ManagerContext, root: HTMLElement): void {
  const counters = ctx.model.view?.counters ?? [];
  const kiosks = ctx.devices.filter((d) => d.kind === 'kiosk');
  const id = h('input', { class: 'input', id: 'dev-id', required: true, maxlength: 64, pattern: '[A-Za-z0-9._-]+', placeholder: 'pad-3' });
  const kind = h('select', { class: 'input', id: 'dev-kind' }, KINDS.map((k) => h('option', { value: k }, `${t(`kind.${k}`)} (${k})`)));
  const counter = h('select', { class: 'input', id: 'dev-counter' }, h('option', { value: '' }, t('m.dev.none')), counters.map((c) => h('option', { value: c.id }, counterName(c))));
  const kiosk = h('select', { class: 'input', id: 'dev-kiosk' }, h('option', { value: '' }, t('m.dev.none')), kiosks.map((k) => h('option', { value: k.id }, k.id)));
  const counterField = h('label', { class: 'field', for: 'dev-counter' }, h('span', null, t('m.dev.counter')), counter);
  const kioskField = h('label', { class: 'field', for: 'dev-kiosk' }, h('span', null, t('m.dev.kiosk')), kiosk);
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const syncFields = () => {
    counterField.hidden = !WITH_COUNTER.has(kind.value);
    kioskField.hidden = kind.value !== 'printer';
  };
  kind.addEventListener('change', syncFields);
  syncFields();
  const form = h(
    'form',
    { class: 'm-form', id: 'device-form' },
    h('label', { class: 'field', for: 'dev-id' }, h('span', null, t('m.dev.id')), id),
    h('label', { class: 'field', for: 'dev-kind' }, h('span', null, t('m.dev.kind')), kind),
    counterField,
    kioskField,
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('m.dev.register')),
    msg,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    setText(msg, '');
    const body: Record<string, string> = { id: id.value.trim(), kind: kind.value };
    if (!body.id) {
      id.focus();
      return;
    }
    if (WITH_COUNTER.has(kind.value) && counter.value) body.counterId = counter.value;
    if (kind.value === 'printer' && kiosk.value) body.kioskId = kiosk.value;
    try {
      const r = await ctx.api.post<{ device: Device; token: string; mqtt: { username: string; password: string } }>('/devices', body);
      showCredentials(r.device, r.token, r.mqtt);
      await ctx.reloadDevices();
      devicesPanel(ctx, root);
    } catch (err) {
      setText(msg, errorText(err));
    }
  });

  const rows = ctx.devices.map((d) =>
    h(
      'tr',
      { dataset: { device: d.id } },
      h('td', null, h('span', { class: `badge ${d.online ? 'badge-open' : 'badge-closed'}` }, h('span', { class: 'dot' }), d.online ? t('m.dev.online') : t('m.dev.offline'))),
      h('td', null, h('b', null, d.id)),
      h('td', null, t(`kind.${d.kind}`)),
      h('td', null, d.counterId ? counterName(ctx.model.counter(d.counterId), d.counterId) : (d.kioskId ?? '—')),
      h('td', null, statusText(d)),
      h('td', { class: 'num' }, d.lastSeen ? dateTime(d.lastSeen) : '—'),
      h('td', { class: 'r' }, h('button', { type: 'button', class: 'btn btn-sm btn-ghost', 'aria-label': `${t('m.dev.remove')} ${d.id}`, onclick: () => remove(d) }, t('m.dev.remove'))),
    ),
  );
  fill(
    root,
    h(
      'div',
      { class: 'm-grid devices' },
      card(
        t('m.dev.title'),
        h(
          'table',
          { class: 'table', id: 'device-table' },
          h('thead', null, h('tr', null, [t('m.dev.status'), t('m.dev.id'), t('m.dev.kind'), t('m.dev.belongs'), t('m.col.state'), t('m.dev.lastSeen'), ''].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', null, rows),
        ),
      ),
      card(t('m.dev.register'), form),
    ),
  );

  function remove(d: Device): void {
    openDialog({
      title: t('m.dev.removeConfirm', { id: d.id }),
      tone: 'warn',
      body: h('p', null, t('m.dev.removeBody')),
      actions: [
        { label: t('cancel') },
        {
          label: t('m.dev.remove'),
          kind: 'danger',
          onClick: async () => {
            try {
              await ctx.api.del(`/devices/${encodeURIComponent(d.id)}`);
              await ctx.reloadDevices();
              devicesPanel(ctx, root);
            } catch (err) {
              toast(errorText(err), 'error');
            }
          },
        },
      ],
    });
  }
}

function statusText(d: Device): string {
  const st = d.lastStatus ?? {};
  const parts: string[] = [];
  if (typeof st.paper === 'string') parts.push(t(`m.paper.${st.paper}`));
  if (st.onBattery === true) parts.push(getLang() === 'zh' ? '备用电源' : 'on battery');
  if (st.onBattery === false) parts.push(getLang() === 'zh' ? '市电正常' : 'mains power');
  if (st.cover === 'open') parts.push(getLang() === 'zh' ? '机盖打开' : 'cover open');
  if (st.error) parts.push(String(st.error));
  if (d.faulty) parts.push(t('m.dev.faulty'));
  return parts.join(' · ') || '—';
}

/** The token and MQTT credentials, once; with the screen URL for kinds that have a screen. */
function showCredentials(d: Device, token: string, mqtt: { username: string; password: string }): void {
  const screen =
    d.kind === 'kiosk' ? '/kiosk' : d.kind === 'pad' && d.counterId ? `/pad/${d.counterId}` : d.kind === 'display' ? (d.counterId ? `/display/counter/${d.counterId}` : '/display') : null;
  const row = (label: string, value: string, id: string) =>
    h(
      'div',
      { class: 'cred' },
      h('span', { class: 'cred-label' }, label),
      h('code', { id }, value),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-sm',
          onclick: async (ev: Event) => {
            try {
              await navigator.clipboard.writeText(value);
              setText(ev.currentTarget as HTMLElement, t('m.dev.copied'));
            } catch {
              /* select it instead */
              getSelection()?.selectAllChildren(document.getElementById(id)!);
            }
          },
        },
        t('m.dev.copy'),
      ),
    );
  openDialog({
    title: t('m.dev.created', { id: d.id }),
    tone: 'ok',
    className: 'wide',
    body: [
      h('p', { class: 'notice' }, t('m.dev.once')),
      row(t('m.dev.token'), token, 'cred-token'),
      row(t('m.dev.mqttUser'), mqtt.username, 'cred-mqtt-user'),
      row(t('m.dev.mqttPass'), mqtt.password, 'cred-mqtt-pass'),
      screen ? row(t('m.dev.screenUrl'), `${location.origin}${screen}?token=${token}`, 'cred-url') : null,
    ],
  });
}

// ---- staff -------------------------------------------------------------------------------------------------------

export function staffPanel(ctx: ManagerContext, root: HTMLElement): void {
  const username = h('input', { class: 'input', id: 'st-username', required: true, maxlength: 64, autocomplete: 'off' });
  const name = h('input', { class: 'input', id: 'st-name', required: true, maxlength: 64 });
  const password = h('input', { class: 'input', id: 'st-password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const role = h('select', { class: 'input', id: 'st-role' }, h('option', { value: 'counter' }, t('role.counter')), h('option', { value: 'manager' }, t('role.manager')));
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'm-form', id: 'staff-form' },
    h('label', { class: 'field', for: 'st-username' }, h('span', null, t('m.staff.username')), username),
    h('label', { class: 'field', for: 'st-name' }, h('span', null, t('m.staff.name')), name),
    h('label', { class: 'field', for: 'st-password' }, h('span', null, t('m.staff.password')), password),
    h('label', { class: 'field', for: 'st-role' }, h('span', null, t('m.staff.role')), role),
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('m.create')),
    msg,
  );
  const table = h('tbody', null, h('tr', null, h('td', { colspan: 3, class: 'empty' }, t('m.loading'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    setText(msg, '');
    try {
      await ctx.api.post('/staff', { username: username.value.trim(), name: name.value.trim(), password: password.value, role: role.value });
      toast(t('m.staff.created', { name: name.value.trim() }), 'ok');
      staffPanel(ctx, root);
    } catch (err) {
      setText(msg, errorText(err));
    }
  });
  fill(
    root,
    h(
      'div',
      { class: 'm-grid devices' },
      card(t('m.staff.title'), h('table', { class: 'table' }, h('thead', null, h('tr', null, [t('m.staff.username'), t('m.staff.name'), t('m.staff.role'), t('m.col.counter')].map((x) => h('th', { scope: 'col' }, x)))), table)),
      card(t('m.staff.create'), form),
    ),
  );
  void ctx.api
    .get<{ staff: Array<{ id: string; username: string; name: string; role: string }> }>('/staff')
    .then((r) => {
      const where = new Map((ctx.model.view?.counters ?? []).filter((c) => c.staffName).map((c) => [c.staffName!, counterName(c)]));
      fill(
        table,
        r.staff.map((s) =>
          h('tr', null, h('td', null, h('code', null, s.username)), h('td', null, s.name), h('td', null, h('span', { class: `badge ${s.role === 'manager' ? 'badge-appointment' : 'badge-muted'}` }, t(`role.${s.role}`))), h('td', null, where.get(s.name) ?? '—')),
        ),
      );
    })
    .catch((err) => fill(table, h('tr', null, h('td', { colspan: 4 }, errorText(err)))));
}

// ---- audit -------------------------------------------------------------------------------------------------------

const AUDIT_TYPES = ['ticket.', 'counter.', 'emergency.', 'evaluation.', 'followup.', 'auth.', 'staff.', 'device.', 'audit.', 'appointment.'];

export function auditPanel(ctx: ManagerContext, root: HTMLElement): void {
  const today = ctx.model.view?.day ?? new Date().toISOString().slice(0, 10);
  const from = h('input', { class: 'input', id: 'au-from', type: 'date', value: today });
  const to = h('input', { class: 'input', id: 'au-to', type: 'date', value: today });
  const type = h('select', { class: 'input', id: 'au-type' }, h('option', { value: '' }, t('m.audit.all')), AUDIT_TYPES.map((x) => h('option', { value: x }, x.replace(/\.$/, ''))));
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, t('m.audit.more'));
  const verdict = h('div', { class: 'm-verdict', role: 'status' });
  let next: number | null = null;

  async function query(append: boolean): Promise<void> {
    const q = new URLSearchParams({ limit: '200' });
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    if (type.value) q.set('type', type.value);
    if (append && next !== null) q.set('after', String(next));
    try {
      const r = await ctx.api.get<{ entries: Array<{ seq: number; at: string; type: string; actor: string; data: unknown }>; next: number | null }>(`/audit?${q}`);
      next = r.next;
      more.hidden = r.next === null;
      const rows = r.entries.map((e) =>
        h('tr', null, h('td', { class: 'num' }, e.seq), h('td', { class: 'num' }, dateTime(e.at)), h('td', null, h('code', null, e.type)), h('td', null, e.actor), h('td', { class: 'm-audit-data' }, summary(e.data))),
      );
      if (append) body.append(...rows);
      else fill(body, rows.length ? rows : h('tr', null, h('td', { colspan: 5, class: 'empty' }, '—')));
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }
  more.addEventListener('click', () => void query(true));
  const verify = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-teal',
      id: 'audit-verify',
      onclick: async () => {
        try {
          const r = await ctx.api.get<{ ok: boolean; entries: number; [k: string]: unknown }>('/audit/verify');
          verdict.className = `m-verdict ${r.ok ? 'ok' : 'bad'}`;
          const { ok: _ok, entries: _e, ...detail } = r;
          setText(verdict, r.ok ? t('m.audit.ok', { n: r.entries }) : t('m.audit.bad', { detail: JSON.stringify(detail) }));
        } catch (err) {
          verdict.className = 'm-verdict bad';
          setText(verdict, err instanceof ApiFailure ? errorText(err) : String(err));
        }
      },
    },
    t('m.audit.verify'),
  );
  const filters = h(
    'form',
    { class: 'm-filters' },
    h('label', { class: 'field', for: 'au-from' }, h('span', null, t('m.audit.from')), from),
    h('label', { class: 'field', for: 'au-to' }, h('span', null, t('m.audit.to')), to),
    h('label', { class: 'field', for: 'au-type' }, h('span', null, t('m.audit.type')), type),
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('m.audit.query')),
    verify,
  );
  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void query(false);
  });
  fill(
    root,
    card(
      t('m.audit.title'),
      [
        h('p', { class: 'hint' }, t('m.audit.note')),
        filters,
        verdict,
        h('table', { class: 'table m-audit' }, h('thead', null, h('tr', null, [t('m.audit.seq'), t('m.audit.time'), t('m.audit.type'), t('m.audit.actor'), t('m.audit.data')].map((x) => h('th', { scope: 'col' }, x)))), body),
        more,
      ],
    ),
  );
  void query(false);
}

function summary(data: unknown): string {
  if (data === null || typeof data !== 'object') return String(data ?? '');
  const flat = Object.entries(data as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const nested = Object.entries(data as Record<string, unknown>).find(([, v]) => v && typeof v === 'object');
  const extra = nested ? ` ${nested[0]}={${Object.entries(nested[1] as Record<string, unknown>).filter(([, v]) => typeof v !== 'object').slice(0, 4).map(([k, v]) => `${k}=${v}`).join(' ')}}` : '';
  const s = flat + extra;
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}
