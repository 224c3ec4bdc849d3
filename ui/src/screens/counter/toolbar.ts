/**
 * The console's commands as buttons with a key each (N, R, S, F, A, X, T, O, P), enabled by the counter's state;
 * while a playbook freezes the queue the calling ones are off, their title saying why (the server refuses them too).
 */
import { fill, h, setText } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { confirmNoShow, outOfTurnDialog, pauseDialog, transferDialog } from './dialogs.js';
import { serving, status, type Console } from './state.js';

interface Command {
  id: string;
  key: string;
  label: string;
  kind: string;
  /** Refused by the server while the queue is frozen (QUEUE_FROZEN). */
  calls?: boolean;
  enabled(c: Console): boolean;
  run(c: Console): void | Promise<unknown>;
}

const calledNow = (c: Console) => c.state.queue?.current?.status === 'called';
const idleAndOpen = (c: Console) => !serving(c.state) && status(c.state) === 'open';

const frozenOut = (a: Command, c: Console) => !!a.calls && !!c.state.queueFrozen;
const usable = (a: Command, c: Console) => a.enabled(c) && !frozenOut(a, c);

const COMMANDS: Command[] = [
  {
    id: 'call-next',
    key: 'N',
    label: 'c.callNext',
    kind: 'primary',
    calls: true,
    enabled: idleAndOpen,
    run: (c) => c.post('call-next', {}, 'c.ok.called'),
  },
  {
    id: 'recall',
    key: 'R',
    label: 'c.recall',
    kind: 'ghost',
    calls: true,
    enabled: calledNow,
    run: (c) => c.post('recall', {}, 'c.ok.recalled'),
  },
  { id: 'start', key: 'S', label: 'c.start', kind: 'teal', enabled: calledNow, run: (c) => c.post('start', {}) },
  {
    id: 'finish',
    key: 'F',
    label: 'c.finish',
    kind: 'teal',
    enabled: (c) => serving(c.state),
    run: (c) => c.post('finish', {}, 'c.ok.finished'),
  },
  {
    // Accepting a case (受理) finishes the ticket and opens the case with its legal deadline; the receipt prints here.
    id: 'accept',
    key: 'A',
    label: 'c.accept',
    kind: 'teal',
    enabled: (c) => serving(c.state) && !!c.service(c.state.queue?.current?.serviceId)?.deadlineWorkdays,
    run: (c) => c.post('finish', { accepted: true }, 'c.ok.accepted'),
  },
  { id: 'no-show', key: 'X', label: 'c.noShow', kind: 'warn', calls: true, enabled: calledNow, run: confirmNoShow },
  {
    id: 'transfer',
    key: 'T',
    label: 'c.transfer',
    kind: 'ghost',
    enabled: (c) => serving(c.state),
    run: transferDialog,
  },
  {
    id: 'call-oot',
    key: 'O',
    label: 'c.outOfTurn',
    kind: 'ghost',
    calls: true,
    enabled: idleAndOpen,
    run: outOfTurnDialog,
  },
  {
    id: 'pause',
    key: 'P',
    label: 'c.pause',
    kind: 'ghost',
    enabled: (c) => idleAndOpen(c) || status(c.state) === 'paused',
    run: (c) => (status(c.state) === 'paused' ? c.post('resume', {}, 'c.ok.resumed') : pauseDialog(c)),
  },
];

/** The toolbar and its repaint; the keys work whenever no dialog is open and no field has the focus. */
export function toolbar(c: Console): { el: HTMLElement; paint(): void } {
  const el = h('div', { class: 'c-actions', role: 'toolbar', 'aria-label': t('c.actions') });
  const buttons = COMMANDS.map((a) =>
    h('button', {
      type: 'button',
      id: `act-${a.id}`,
      class: `btn btn-${a.kind} c-act`,
      'aria-keyshortcuts': a.key,
      onclick: () => void a.run(c),
    }),
  );
  const openBtn = h('button', {
    type: 'button',
    class: 'btn btn-primary c-act',
    id: 'act-open',
    onclick: () => void c.post('open', {}),
  });
  el.append(...buttons, openBtn);

  addEventListener('keydown', (ev) => {
    if (c.state.dialogOpen || ev.ctrlKey || ev.altKey || ev.metaKey) return;
    const tag = (ev.target as HTMLElement)?.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
    const a = COMMANDS.find((x) => x.key === ev.key.toUpperCase());
    if (a && usable(a, c) && !c.state.busy && status(c.state) !== 'closed') {
      ev.preventDefault();
      void a.run(c);
    }
  });

  const paint = () => {
    const st = status(c.state);
    COMMANDS.forEach((a, i) => {
      const b = buttons[i];
      fill(b, h('span', null, a.id === 'pause' && st === 'paused' ? t('c.resume') : t(a.label)), h('kbd', null, a.key));
      b.disabled = c.state.busy || !usable(a, c);
      // Why it is off: the frozen-queue note under the header says it in full.
      b.title = frozenOut(a, c) ? t('c.pb.frozen') : '';
      if (frozenOut(a, c)) b.setAttribute('aria-describedby', 'c-frozen');
      else b.removeAttribute('aria-describedby');
      b.hidden = st === 'closed';
    });
    openBtn.hidden = st !== 'closed';
    setText(openBtn, t('c.openCounter'));
  };
  return { el, paint };
}
