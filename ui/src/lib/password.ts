/** Passwords on the staff screens: the signed-in user changes their own (console and dashboard), a field with its rules. */
import type { Api } from './api.js';
import { h, setText } from './dom.js';
import { addStrings, errorText, t } from './i18n.js';
import { openDialog, toast } from './ui.js';

/** The server's bounds (docs/api.md, "Auth and staff"). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

addStrings(
  {
    'pw.change': '修改密码',
    'pw.old': '当前密码',
    'pw.new': '新密码（至少 8 位）',
    'pw.repeat': '再次输入新密码',
    'pw.tooShort': '新密码至少需要 8 位。',
    'pw.mismatch': '两次输入的新密码不一致。',
    'pw.changed': '密码已修改。您在其他设备上的登录已失效。',
    'err.WRONG_PASSWORD': '当前密码不正确。',
  },
  {
    'pw.change': 'Change password',
    'pw.old': 'Current password',
    'pw.new': 'New password (8+ characters)',
    'pw.repeat': 'Repeat the new password',
    'pw.tooShort': 'The new password needs at least 8 characters.',
    'pw.mismatch': 'The two new passwords differ.',
    'pw.changed': 'Password changed. Your sign-ins on other devices have ended.',
    'err.WRONG_PASSWORD': 'The current password is wrong.',
  },
);

/** A labelled password input with the server's length bounds. */
export function passwordField(
  id: string,
  label: string,
  autocomplete: 'current-password' | 'new-password',
): { field: HTMLElement; input: HTMLInputElement } {
  const input = h('input', {
    class: 'input',
    id,
    type: 'password',
    required: true,
    minlength: autocomplete === 'new-password' ? PASSWORD_MIN : null,
    maxlength: PASSWORD_MAX,
    autocomplete,
  });
  return { field: h('label', { class: 'field', for: id }, h('span', null, label), input), input };
}

/** What is wrong with a new password before it is sent, or '' when nothing is. */
export function newPasswordProblem(password: string, repeat?: string): string {
  if (password.length < PASSWORD_MIN) return t('pw.tooShort');
  if (repeat !== undefined && password !== repeat) return t('pw.mismatch');
  return '';
}

/**
 * The signed-in user's "change my password" dialog (POST /auth/password). `open` lets a screen track its dialogs
 * (the console turns its keys off while one is open).
 */
export function changePasswordDialog(
  api: Api,
  open: (opts: Parameters<typeof openDialog>[0]) => unknown = openDialog,
): void {
  const old = passwordField('pw-old', t('pw.old'), 'current-password');
  const next = passwordField('pw-new', t('pw.new'), 'new-password');
  const repeat = passwordField('pw-repeat', t('pw.repeat'), 'new-password');
  const msg = h('p', { class: 'form-error', role: 'alert', id: 'pw-error' });
  const submit = async (): Promise<boolean> => {
    setText(msg, '');
    const problem = old.input.value ? newPasswordProblem(next.input.value, repeat.input.value) : t('pw.old');
    if (problem) {
      setText(msg, problem);
      return false;
    }
    try {
      await api.post('/auth/password', { oldPassword: old.input.value, newPassword: next.input.value });
      toast(t('pw.changed'), 'ok', 6000);
      return true;
    } catch (err) {
      setText(msg, errorText(err));
      old.input.select();
      return false;
    }
  };
  // Enter in a field submits, like any form.
  const form = h('form', { class: 'pw-form', novalidate: true }, old.field, next.field, repeat.field, msg);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    document.getElementById('pw-submit')?.click();
  });
  open({
    title: t('pw.change'),
    body: form,
    actions: [{ label: t('cancel') }, { label: t('pw.change'), kind: 'primary', id: 'pw-submit', onClick: submit }],
  });
  old.input.focus();
}
