/** Staff accounts: who works where today, and adding a counter or manager account. */
import { fill, h, setText } from '../../lib/dom.js';
import { counterName, errorText, t } from '../../lib/i18n.js';
import { toast } from '../../lib/ui.js';
import { card } from './card.js';
import type { ManagerContext } from './state.js';

export function staffPanel(ctx: ManagerContext, root: HTMLElement): void {
  const username = h('input', {
    class: 'input',
    id: 'st-username',
    required: true,
    maxlength: 64,
    autocomplete: 'off',
  });
  const name = h('input', { class: 'input', id: 'st-name', required: true, maxlength: 64 });
  const password = h('input', {
    class: 'input',
    id: 'st-password',
    type: 'password',
    required: true,
    minlength: 8,
    autocomplete: 'new-password',
  });
  const role = h(
    'select',
    { class: 'input', id: 'st-role' },
    h('option', { value: 'counter' }, t('role.counter')),
    h('option', { value: 'manager' }, t('role.manager')),
  );
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
      await ctx.api.post('/staff', {
        username: username.value.trim(),
        name: name.value.trim(),
        password: password.value,
        role: role.value,
      });
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
      card(
        t('m.staff.title'),
        h(
          'table',
          { class: 'table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              [t('m.staff.username'), t('m.staff.name'), t('m.staff.role'), t('m.col.counter')].map((x) =>
                h('th', { scope: 'col' }, x),
              ),
            ),
          ),
          table,
        ),
      ),
      card(t('m.staff.create'), form),
    ),
  );
  void ctx.api
    .get<{ staff: Array<{ id: string; username: string; name: string; role: string }> }>('/staff')
    .then((r) => {
      const where = new Map(
        (ctx.model.view?.counters ?? []).filter((c) => c.staffName).map((c) => [c.staffName!, counterName(c)]),
      );
      fill(
        table,
        r.staff.map((s) =>
          h(
            'tr',
            null,
            h('td', null, h('code', null, s.username)),
            h('td', null, s.name),
            h(
              'td',
              null,
              h(
                'span',
                { class: `badge ${s.role === 'manager' ? 'badge-appointment' : 'badge-muted'}` },
                t(`role.${s.role}`),
              ),
            ),
            h('td', null, where.get(s.name) ?? '—'),
          ),
        ),
      );
    })
    .catch((err) => fill(table, h('tr', null, h('td', { colspan: 4 }, errorText(err)))));
}
