/** Hall devices: their state and faults, registering one (its credentials shown once), removing one. */
import type { DeviceKind } from '../../protocol/codes.js';
import { fill, h, setText } from '../../lib/dom.js';
import { dateTime } from '../../lib/format.js';
import { counterName, errorText, getLang, t } from '../../lib/i18n.js';
import { openDialog, toast } from '../../lib/ui.js';
import { card } from './card.js';
import type { Device, ManagerContext } from './state.js';

const KINDS: DeviceKind[] = ['kiosk', 'display', 'pad', 'printer', 'led', 'speaker', 'button', 'sensor'];
const WITH_COUNTER = new Set(['pad', 'led', 'button', 'speaker', 'display']);

export function devicesPanel(ctx: ManagerContext, root: HTMLElement): void {
  const counters = ctx.model.view?.counters ?? [];
  const kiosks = ctx.devices.filter((d) => d.kind === 'kiosk');
  const id = h('input', {
    class: 'input',
    id: 'dev-id',
    required: true,
    maxlength: 64,
    pattern: '[A-Za-z0-9._-]+',
    placeholder: 'pad-3',
  });
  const kind = h(
    'select',
    { class: 'input', id: 'dev-kind' },
    KINDS.map((k) => h('option', { value: k }, `${t(`kind.${k}`)} (${k})`)),
  );
  const counter = h(
    'select',
    { class: 'input', id: 'dev-counter' },
    h('option', { value: '' }, t('m.dev.none')),
    counters.map((c) => h('option', { value: c.id }, counterName(c))),
  );
  const kiosk = h(
    'select',
    { class: 'input', id: 'dev-kiosk' },
    h('option', { value: '' }, t('m.dev.none')),
    kiosks.map((k) => h('option', { value: k.id }, k.id)),
  );
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
      const r = await ctx.api.post<{ device: Device; token: string; mqtt: { username: string; password: string } }>(
        '/devices',
        body,
      );
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
      h(
        'td',
        null,
        h(
          'span',
          { class: `badge ${d.online ? 'badge-open' : 'badge-closed'}` },
          h('span', { class: 'dot' }),
          d.online ? t('m.dev.online') : t('m.dev.offline'),
        ),
      ),
      h('td', null, h('b', null, d.id)),
      h('td', null, t(`kind.${d.kind}`)),
      h('td', null, d.counterId ? counterName(ctx.model.counter(d.counterId), d.counterId) : (d.kioskId ?? '—')),
      h('td', null, statusText(d)),
      h('td', { class: 'num' }, d.lastSeen ? dateTime(d.lastSeen) : '—'),
      h(
        'td',
        { class: 'r' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-sm btn-ghost',
            'aria-label': `${t('m.dev.remove')} ${d.id}`,
            onclick: () => remove(d),
          },
          t('m.dev.remove'),
        ),
      ),
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
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              [
                t('m.dev.status'),
                t('m.dev.id'),
                t('m.dev.kind'),
                t('m.dev.belongs'),
                t('m.col.state'),
                t('m.dev.lastSeen'),
                '',
              ].map((x) => h('th', { scope: 'col' }, x)),
            ),
          ),
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
    d.kind === 'kiosk'
      ? '/kiosk'
      : d.kind === 'pad' && d.counterId
        ? `/pad/${d.counterId}`
        : d.kind === 'display'
          ? d.counterId
            ? `/display/counter/${d.counterId}`
            : '/display'
          : null;
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
