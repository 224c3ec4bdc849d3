/**
 * A staff member's mobile and emergency duties (whom a playbook notifies): the fields for the new-account form and
 * the edit dialog of the staff tab. The number is checked here as the server checks it; the server only ever shows
 * it masked, so the edit dialog starts empty (empty keeps the number on file).
 */
import { h, setText } from '../../lib/dom.js';
import { errorText, t } from '../../lib/i18n.js';
import { openDialog, toast } from '../../lib/ui.js';
import { mainlandMobile, STAFF_DUTIES, type StaffDuty, type StaffView } from '../../protocol/staff.js';
import type { ManagerContext } from './state.js';

export interface ContactFields {
  nodes: HTMLElement[];
  /** The mobile typed ('' when none), whether it is a mainland mobile, and the duties ticked. */
  read(): { phone: string; phoneOk: boolean; duties: StaffDuty[] };
}

/** A phone field and one checkbox per duty, with ids starting with `prefix`. */
export function contactFields(prefix: string, duties: readonly StaffDuty[] = []): ContactFields {
  const phone = h('input', {
    class: 'input',
    id: `${prefix}-phone`,
    type: 'tel',
    inputmode: 'tel',
    maxlength: 24,
    autocomplete: 'off',
  });
  const boxes = STAFF_DUTIES.map((d) => {
    const box = h('input', { type: 'checkbox', id: `${prefix}-duty-${d}`, value: d, checked: duties.includes(d) });
    return { d, box, label: h('label', { class: 'field-inline', for: box.id }, box, h('span', null, t(`duty.${d}`))) };
  });
  return {
    nodes: [
      h('label', { class: 'field', for: phone.id }, h('span', null, t('m.staff.phone')), phone),
      h('fieldset', { class: 'field' }, h('legend', null, t('m.staff.duties')), ...boxes.map((b) => b.label)),
    ],
    read: () => {
      const value = phone.value.trim();
      return {
        phone: value,
        phoneOk: value === '' || mainlandMobile(value) !== undefined,
        duties: boxes.filter((b) => b.box.checked).map((b) => b.d),
      };
    },
  };
}

/** The duties as the table shows them: 安保、急救, or —. */
export function dutiesText(duties: readonly StaffDuty[]): string {
  return duties.length ? duties.map((d) => t(`duty.${d}`)).join('、') : '—';
}

/** Whom a playbook notifies, in the staff table's words: 大厅负责人, 安保, 急救, 备岗 (an unknown name as it is). */
export function notifyRoleText(role: string): string {
  if (role === 'manager') return t('role.manager');
  return (STAFF_DUTIES as readonly string[]).includes(role) ? t(`duty.${role}`) : role;
}

/** The dialog that changes one member's mobile (empty keeps it; 删除 removes it) and duties. */
export function editContact(ctx: ManagerContext, s: StaffView, done: () => void): void {
  const fields = contactFields('st-contact', s.duties);
  const remove = h('input', { type: 'checkbox', id: 'st-contact-remove' });
  const err = h('p', { class: 'form-error', role: 'alert', id: 'st-contact-error' });
  openDialog({
    title: t('m.staff.contactTitle', { name: s.name }),
    body: [
      h('p', { class: 'notice' }, s.phone ? t('m.staff.phoneOnFile', { phone: s.phone }) : t('m.staff.noPhone')),
      ...fields.nodes,
      s.phone
        ? h('label', { class: 'field-inline', for: remove.id }, remove, h('span', null, t('m.staff.removePhone')))
        : null,
      err,
    ],
    actions: [
      { label: t('cancel') },
      {
        label: t('m.save'),
        kind: 'primary',
        id: 'st-contact-save',
        onClick: async () => {
          const { phone, phoneOk, duties } = fields.read();
          setText(err, phoneOk ? '' : t('m.staff.badPhone'));
          if (!phoneOk) return false;
          const body: Record<string, unknown> = { duties };
          if (remove.checked) body.phone = null;
          else if (phone) body.phone = phone;
          try {
            await ctx.api.patch(`/staff/${encodeURIComponent(s.id)}`, body);
            toast(t('m.staff.contactOk', { name: s.name }), 'ok');
            done();
            return true;
          } catch (e) {
            setText(err, errorText(e));
            return false;
          }
        },
      },
    ],
  });
}
