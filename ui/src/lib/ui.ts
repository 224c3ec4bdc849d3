/** Shared pieces of every screen: brand header, clock, language switch, connection state, toasts, dialogs, idle timer. */
import { h, setText, type Child } from './dom.js';
import { longDate, now, time } from './format.js';
import { addStrings, getLang, onLangChange, setLang, t } from './i18n.js';
import type { StreamStatus } from './stream.js';

/** The hall's mark and name: 云浮市不动产登记中心 / Yunfu Real Estate Registration Centre. */
export function brand(name: string, nameEn?: string, sub?: string): HTMLElement {
  return h(
    'div',
    { class: 'brand' },
    h('img', { class: 'brand-mark', src: '/ui/icon.svg', alt: '', width: 48, height: 48 }),
    h(
      'div',
      { class: 'brand-text' },
      h('div', { class: 'brand-name' }, name),
      h('div', { class: 'brand-sub' }, sub ?? nameEn ?? ''),
    ),
  );
}

/** A live clock: time, and the date under it when `withDate`. */
export function clock(withDate = true): HTMLElement {
  const tm = h('div', { class: 'clock-time' });
  const dt = h('div', { class: 'clock-date' });
  const el = h('div', { class: 'clock', 'aria-hidden': 'true' }, tm, withDate ? dt : null);
  const tick = () => {
    const at = now();
    setText(tm, time(at));
    if (withDate) setText(dt, longDate(at));
  };
  tick();
  setInterval(tick, 1000);
  onLangChange(tick);
  return el;
}

/** 中文 / English switch. */
export function langButton(extraClass = ''): HTMLButtonElement {
  const b = h('button', {
    type: 'button',
    class: `btn btn-lang ${extraClass}`,
    lang: getLang() === 'zh' ? 'en' : 'zh-CN',
  });
  const paint = () => {
    b.textContent = t('langSwitch');
    b.setAttribute('aria-label', t('langSwitchLabel'));
    b.lang = getLang() === 'zh' ? 'en' : 'zh-CN';
  };
  b.addEventListener('click', () => setLang(getLang() === 'zh' ? 'en' : 'zh'));
  paint();
  onLangChange(paint);
  return b;
}

/** A banner across the top while the stream is down (data may be stale). */
export function connectionBanner(): { el: HTMLElement; set(s: StreamStatus): void } {
  const el = h('div', { class: 'conn-banner', role: 'status', hidden: true });
  let current: StreamStatus = 'connecting';
  let timer: number | undefined;
  const paint = () => {
    // Hide short blips: show only after the stream has been down for a moment.
    clearTimeout(timer);
    if (current === 'live') {
      el.hidden = true;
      return;
    }
    timer = setTimeout(() => {
      el.hidden = false;
      setText(el, t(current === 'offline' ? 'offline' : 'connecting'));
    }, 1500) as unknown as number;
  };
  onLangChange(paint);
  return {
    el,
    set(s) {
      current = s;
      paint();
    },
  };
}

let toastHost: HTMLElement | undefined;

/** A short message at the bottom; errors stay a little longer. */
export function toast(
  message: string,
  kind: 'info' | 'ok' | 'error' = 'info',
  ms = kind === 'error' ? 6000 : 3500,
): void {
  if (!toastHost) {
    toastHost = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toastHost);
  }
  const el = h('div', { class: `toast toast-${kind}` }, message);
  toastHost.append(el);
  setTimeout(() => {
    el.classList.add('toast-out');
    setTimeout(() => el.remove(), 300);
  }, ms);
}

export interface DialogAction {
  label: string;
  kind?: 'primary' | 'danger' | 'ghost';
  /** Return false to keep the dialog open. */
  onClick?: () => void | boolean | Promise<void | boolean>;
  id?: string;
}

export interface DialogHandle {
  el: HTMLDialogElement;
  close(): void;
}

/** A modal dialog (native <dialog>: focus trapped, Esc closes). */
export function openDialog(opts: {
  title: string;
  body?: Child;
  actions?: DialogAction[];
  className?: string;
  tone?: 'info' | 'error' | 'ok' | 'warn';
  onClose?: () => void;
}): DialogHandle {
  const titleId = `dlg-${Math.random().toString(36).slice(2, 8)}`;
  const dlg = h('dialog', {
    class: `dialog ${opts.className ?? ''} tone-${opts.tone ?? 'info'}`,
    'aria-labelledby': titleId,
  });
  const close = () => {
    if (dlg.open) dlg.close();
  };
  dlg.addEventListener('close', () => {
    dlg.remove();
    opts.onClose?.();
  });
  const actions = (opts.actions ?? [{ label: t('close'), kind: 'primary' }]).map((a) =>
    h(
      'button',
      {
        type: 'button',
        id: a.id,
        class: `btn btn-${a.kind ?? 'ghost'}`,
        onclick: async (ev: Event) => {
          const btn = ev.currentTarget as HTMLButtonElement;
          btn.disabled = true;
          try {
            const keep = await a.onClick?.();
            if (keep !== false) close();
          } finally {
            btn.disabled = false;
          }
        },
      },
      a.label,
    ),
  );
  // Enter in a one-line field does what the primary button does (not while an IME is composing: there Enter picks
  // the characters).
  const primary = actions.find((b) => b.classList.contains('btn-primary'));
  dlg.addEventListener('keydown', (e) => {
    const field = e.target instanceof HTMLInputElement && !['checkbox', 'radio', 'button'].includes(e.target.type);
    if (e.key !== 'Enter' || e.isComposing || !field || !primary || primary.disabled) return;
    e.preventDefault();
    primary.click();
  });
  dlg.append(
    h('h2', { id: titleId, class: 'dialog-title' }, opts.title),
    h('div', { class: 'dialog-body' }, opts.body ?? null),
    h('div', { class: 'dialog-actions' }, actions),
  );
  document.body.append(dlg);
  dlg.showModal();
  return { el: dlg, close };
}

/** Runs `onIdle` after `ms` without a touch, click or key; `reset()` restarts it, `stop()` ends it. */
export function idleTimer(ms: number, onIdle: () => void): { reset(): void; stop(): void } {
  let timer: number | undefined;
  const reset = () => {
    clearTimeout(timer);
    timer = setTimeout(onIdle, ms) as unknown as number;
  };
  for (const ev of ['pointerdown', 'keydown', 'wheel']) addEventListener(ev, reset, { passive: true, capture: true });
  reset();
  return {
    reset,
    stop: () => clearTimeout(timer),
  };
}

/** Shown when a device screen has no token. */
export function setupNeeded(root: HTMLElement, what: string): void {
  root.replaceChildren(
    h(
      'main',
      { class: 'setup-needed' },
      h('img', { src: '/ui/icon.svg', alt: '', width: 96, height: 96 }),
      h('h1', null, t('setup.title')),
      h('p', null, t('setup.body', { what })),
      h('code', null, `${location.origin}${location.pathname}?token=…`),
    ),
  );
}

addStrings(
  {
    'setup.title': '此设备尚未登记',
    'setup.body': '请由大厅负责人在管理后台登记{what}，并使用带令牌的地址打开本页面。',
  },
  {
    'setup.title': 'This device is not registered',
    'setup.body': 'Ask the hall manager to register this {what} in the dashboard and open the page with its token.',
  },
);
