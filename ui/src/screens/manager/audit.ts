/** The audit log: entries by day and type, and the hash chain's verification. */
import { ApiFailure } from '../../lib/api.js';
import { fill, h, setText } from '../../lib/dom.js';
import { dateTime } from '../../lib/format.js';
import { errorText, t } from '../../lib/i18n.js';
import { toast } from '../../lib/ui.js';
import { card } from './card.js';
import type { ManagerContext } from './state.js';

const AUDIT_TYPES = [
  'ticket.',
  'counter.',
  'emergency.',
  'evaluation.',
  'followup.',
  'auth.',
  'staff.',
  'device.',
  'audit.',
  'appointment.',
];

export function auditPanel(ctx: ManagerContext, root: HTMLElement): void {
  const today = ctx.model.view?.day ?? new Date().toISOString().slice(0, 10);
  const from = h('input', { class: 'input', id: 'au-from', type: 'date', value: today });
  const to = h('input', { class: 'input', id: 'au-to', type: 'date', value: today });
  const type = h(
    'select',
    { class: 'input', id: 'au-type' },
    h('option', { value: '' }, t('m.audit.all')),
    AUDIT_TYPES.map((x) => h('option', { value: x }, x.replace(/\.$/, ''))),
  );
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
      const r = await ctx.api.get<{
        entries: Array<{ seq: number; at: string; type: string; actor: string; data: unknown }>;
        next: number | null;
      }>(`/audit?${q}`);
      next = r.next;
      more.hidden = r.next === null;
      const rows = r.entries.map((e) =>
        h(
          'tr',
          null,
          h('td', { class: 'num' }, e.seq),
          h('td', { class: 'num' }, dateTime(e.at)),
          h('td', null, h('code', null, e.type)),
          h('td', null, e.actor),
          h('td', { class: 'm-audit-data' }, summary(e.data)),
        ),
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
          setText(
            verdict,
            r.ok ? t('m.audit.ok', { n: r.entries }) : t('m.audit.bad', { detail: JSON.stringify(detail) }),
          );
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
    card(t('m.audit.title'), [
      h('p', { class: 'hint' }, t('m.audit.note')),
      filters,
      verdict,
      h(
        'table',
        { class: 'table m-audit' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            [t('m.audit.seq'), t('m.audit.time'), t('m.audit.type'), t('m.audit.actor'), t('m.audit.data')].map((x) =>
              h('th', { scope: 'col' }, x),
            ),
          ),
        ),
        body,
      ),
      more,
    ]),
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
  const extra = nested
    ? ` ${nested[0]}={${Object.entries(nested[1] as Record<string, unknown>)
        .filter(([, v]) => typeof v !== 'object')
        .slice(0, 4)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}}`
    : '';
  const s = flat + extra;
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}
