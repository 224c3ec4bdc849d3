/** Staff sign-in (console and dashboard): username and password → a token kept in this tab's session storage. */
import { Api, ApiFailure, loadSession, saveSession, type StaffSession } from './api.js';
import { h, setText } from './dom.js';
import { addStrings, errorText, t } from './i18n.js';
import { langButton } from './ui.js';

addStrings(
  {
    'login.username': '用户名',
    'login.password': '密码',
    'login.submit': '登录',
    'login.busy': '正在登录…',
    'login.wrongRole': '该账号没有使用本页面的权限。',
    'login.note': '仅限本中心工作人员使用 · 所有操作均记录审计日志',
    'login.revoked': '登录已失效（已在别处退出、账号被停用、密码已更改或登录已过期），请重新登录。',
  },
  {
    'login.username': 'Username',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.busy': 'Signing in…',
    'login.wrongRole': 'This account may not use this page.',
    'login.note': 'Staff only · every action is recorded in the audit log',
    'login.revoked':
      'You were signed out (signed out elsewhere, account disabled, password changed or session expired). Please sign in again.',
  },
);

/** The saved session if its role fits, else shows the form in `root` and resolves once someone signs in. */
export async function staffLogin(
  root: HTMLElement,
  opts: { title: string; roles: Array<StaffSession['role']>; hallName?: string },
): Promise<StaffSession> {
  const saved = loadSession();
  if (saved && opts.roles.includes(saved.role)) {
    try {
      await new Api({ token: saved.token }).get('/auth/me');
      return saved;
    } catch (err) {
      if (!(err instanceof ApiFailure) || err.status === 401) saveSession(null);
      else return saved; // the server is unreachable: keep the session, the screen will retry
    }
  }
  return new Promise((resolve) => {
    const user = h('input', {
      class: 'input',
      id: 'login-user',
      name: 'username',
      autocomplete: 'username',
      required: true,
      autofocus: true,
    });
    const pass = h('input', {
      class: 'input',
      id: 'login-pass',
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    });
    const msg = h('p', { class: 'form-error', role: 'alert' }, takeNotice());
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-lg login-submit' }, t('login.submit'));
    const form = h(
      'form',
      { class: 'login-card card', novalidate: true },
      h(
        'div',
        { class: 'login-head' },
        h('img', { src: '/ui/icon.svg', alt: '', width: 56, height: 56 }),
        h('div', null, h('h1', null, opts.title), h('p', null, opts.hallName ?? '云浮市不动产登记中心')),
      ),
      h('label', { class: 'field', for: 'login-user' }, h('span', null, t('login.username')), user),
      h('label', { class: 'field', for: 'login-pass' }, h('span', null, t('login.password')), pass),
      msg,
      submit,
      h('p', { class: 'login-note' }, t('login.note')),
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!user.value.trim() || !pass.value) return;
      submit.disabled = true;
      setText(submit, t('login.busy'));
      setText(msg, '');
      try {
        const r = await new Api().post<StaffSession>('/auth/login', {
          username: user.value.trim(),
          password: pass.value,
        });
        if (!opts.roles.includes(r.role)) {
          setText(msg, t('login.wrongRole'));
          return;
        }
        const session: StaffSession = { token: r.token, role: r.role, user: r.user };
        saveSession(session);
        resolve(session);
      } catch (err) {
        setText(msg, errorText(err));
        pass.select();
      } finally {
        submit.disabled = false;
        setText(submit, t('login.submit'));
      }
    });
    root.replaceChildren(h('main', { class: 'login-page' }, h('div', { class: 'login-lang' }, langButton()), form));
    user.focus();
  });
}

const NOTICE_KEY = 'hallq.loginNotice';

/**
 * The session is over on the server (a 401, or the stream closed 4401 — whichever the screen sees first): forget it
 * and show the login form again with one note that names every cause.
 */
export function sessionEnded(): void {
  saveSession(null);
  try {
    sessionStorage.setItem(NOTICE_KEY, 'login.revoked');
  } catch {
    /* storage disabled: the form shows without the note */
  }
  location.reload();
}

/** The note left by sessionEnded() for the login form, once. */
function takeNotice(): string {
  try {
    const key = sessionStorage.getItem(NOTICE_KEY);
    sessionStorage.removeItem(NOTICE_KEY);
    return key ? t(key) : '';
  } catch {
    return '';
  }
}

/** Signs out on the server (the token stops working) and forgets the session. */
export async function staffLogout(session: StaffSession | null): Promise<void> {
  if (session)
    try {
      await new Api({ token: session.token }).post('/auth/logout');
    } catch {
      /* gone already */
    }
  saveSession(null);
}
