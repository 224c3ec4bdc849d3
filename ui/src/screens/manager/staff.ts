/**
 * Staff accounts: who works where today, adding a counter or manager account, disabling and enabling one, resetting
 * a forgotten password, and each member's mobile and emergency duties (whom playbooks notify).
 */
import { fill, h, setText } from '../../lib/dom.js';
import { counterName, errorText, t } from '../../lib/i18n.js';
import { newPasswordProblem, passwordField } from '../../lib/password.js';
import { openDialog, toast } from '../../lib/ui.js';
import type { StaffView as StaffMember } from '../../protocol/staff.js';
import { card } from './card.js';
import { contactFields, dutiesText, editContact } from './staff-contact.js';
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
  const contact = contactFields('st');
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'm-form', id: 'staff-form' },
    h('label', { class: 'field', for: 'st-username' }, h('span', null, t('m.staff.username')), username),
    h('label', { class: 'field', for: 'st-name' }, h('span', null, t('m.staff.name')), name),
    h('label', { class: 'field', for: 'st-password' }, h('span', null, t('m.staff.password')), password),
    h('label', { class: 'field', for: 'st-role' }, h('span', null, t('m.staff.role')), role),
    ...contact.nodes,
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('m.create')),
    msg,
  );
  const COLUMNS = [
    t('m.staff.username'),
    t('m.staff.name'),
    t('m.staff.role'),
    t('m.col.counter'),
    t('m.staff.phoneCol'),
    t('m.staff.duties'),
    t('m.staff.state'),
    t('m.staff.actions'),
  ];
  const table = h('tbody', null, h('tr', null, h('td', { colspan: COLUMNS.length, class: 'empty' }, t('m.loading'))));
  const reload = () => staffPanel(ctx, root);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    setText(msg, '');
    const { phone, phoneOk, duties } = contact.read();
    if (!phoneOk) return setText(msg, t('m.staff.badPhone'));
    try {
      await ctx.api.post('/staff', {
        username: username.value.trim(),
        name: name.value.trim(),
        password: password.value,
        role: role.value,
        ...(phone ? { phone } : {}),
        ...(duties.length ? { duties } : {}),
      });
      toast(t('m.staff.created', { name: name.value.trim() }), 'ok');
      reload();
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
          { class: 'table', id: 'staff-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              COLUMNS.map((x) => h('th', { scope: 'col' }, x)),
            ),
          ),
          table,
        ),
      ),
      card(t('m.staff.create'), form),
    ),
  );
  void ctx.api
    .get<{ staff: StaffMember[] }>('/staff')
    .then((r) => {
      const where = new Map(
        (ctx.model.view?.counters ?? []).filter((c) => c.staffName).map((c) => [c.staffName!, counterName(c)]),
      );
      fill(
        table,
        r.staff.map((s) =>
          h(
            'tr',
            { dataset: { staff: s.username }, class: s.disabled ? 'is-disabled' : null },
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
            h('td', { class: 'st-phone' }, s.phone ?? '—'),
            h('td', { class: 'st-duties' }, dutiesText(s.duties)),
            h(
              'td',
              null,
              h(
                'span',
                { class: `badge ${s.disabled ? 'badge-closed' : 'badge-open'}` },
                t(s.disabled ? 'm.staff.disabled' : 'm.staff.active'),
              ),
            ),
            h(
              'td',
              { class: 'r' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-sm btn-ghost st-toggle',
                  'aria-label': `${t(s.disabled ? 'm.staff.enable' : 'm.staff.disable')} ${s.name}`,
                  onclick: () => (s.disabled ? void setDisabled(s, false) : confirmDisable(s)),
                },
                t(s.disabled ? 'm.staff.enable' : 'm.staff.disable'),
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-sm btn-ghost st-reset',
                  'aria-label': `${t('m.staff.reset')} ${s.name}`,
                  onclick: () => resetPassword(s),
                },
                t('m.staff.reset'),
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-sm btn-ghost st-contact',
                  'aria-label': `${t('m.staff.contact')} ${s.name}`,
                  onclick: () => editContact(ctx, s, reload),
                },
                t('m.staff.contact'),
              ),
            ),
          ),
        ),
      );
    })
    .catch((err) => fill(table, h('tr', null, h('td', { colspan: COLUMNS.length }, errorText(err)))));

  const path = (s: StaffMember, what: string) => `/staff/${encodeURIComponent(s.id)}/${what}`;

  /** Disables or enables an account; the server's refusal (OWN_ACCOUNT…) is shown as it says. */
  async function setDisabled(s: StaffMember, disabled: boolean): Promise<void> {
    try {
      await ctx.api.post(path(s, disabled ? 'disable' : 'enable'));
      toast(t(disabled ? 'm.staff.disabledOk' : 'm.staff.enabledOk', { name: s.name }), 'ok');
      reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }

  function confirmDisable(s: StaffMember): void {
    openDialog({
      title: t('m.staff.disableConfirm', { name: s.name }),
      tone: 'warn',
      body: h('p', null, t('m.staff.disableBody')),
      actions: [
        { label: t('cancel') },
        {
          label: t('m.staff.disable'),
          kind: 'danger',
          id: 'st-disable-confirm',
          onClick: () => setDisabled(s, true),
        },
      ],
    });
  }

  function resetPassword(s: StaffMember): void {
    const pw = passwordField('st-reset-password', t('m.staff.newPassword'), 'new-password');
    const err = h('p', { class: 'form-error', role: 'alert', id: 'st-reset-error' });
    openDialog({
      title: t('m.staff.resetTitle', { name: s.name }),
      body: [h('p', { class: 'notice' }, t('m.staff.resetBody')), pw.field, err],
      actions: [
        { label: t('cancel') },
        {
          label: t('m.staff.reset'),
          kind: 'primary',
          id: 'st-reset-confirm',
          onClick: async () => {
            const problem = newPasswordProblem(pw.input.value);
            setText(err, problem);
            if (problem) return false;
            try {
              await ctx.api.post(path(s, 'password'), { password: pw.input.value });
              toast(t('m.staff.resetOk', { name: s.name }), 'ok');
              return true;
            } catch (e) {
              setText(err, errorText(e));
              return false;
            }
          },
        },
      ],
    });
    pw.input.focus();
  }
}
