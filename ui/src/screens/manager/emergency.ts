/** Emergency playbooks: what each does and triggers, activate (with a note) or end the active one. */
import { fill, h } from '../../lib/dom.js';
import { time } from '../../lib/format.js';
import { errorText, getLang, t } from '../../lib/i18n.js';
import { openDialog, toast } from '../../lib/ui.js';
import type { ManagerContext } from './state.js';

interface Playbook {
  id: string;
  name: string;
  triggers: Array<Record<string, unknown>>;
  actions: Array<Record<string, unknown>>;
}

export function emergencyPanel(ctx: ManagerContext, root: HTMLElement): void {
  fill(root, h('p', { class: 'empty' }, t('m.loading')));
  void (async () => {
    let data: {
      active: { playbookId: string; name: string; activatedAt: string; note?: string } | null;
      playbooks: Playbook[];
    };
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
            h(
              'div',
              { class: 'card-head' },
              h('h2', null, p.name),
              isActive ? h('span', { class: 'badge badge-red' }, h('span', { class: 'dot' }), t('m.em.active')) : null,
            ),
            h(
              'div',
              { class: 'card-body' },
              h('p', { class: 'm-triggers' }, p.triggers.map(triggerText).join(' · ')),
              h(
                'ul',
                { class: 'm-actions' },
                p.actions.map((a) => h('li', null, actionText(a))),
              ),
              isActive
                ? h(
                    'p',
                    { class: 'm-sub' },
                    t('m.em.since', { time: time(active!.activatedAt), note: active!.note ?? '' }),
                  )
                : null,
            ),
            h(
              'div',
              { class: 'm-playbook-foot' },
              isActive
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'btn btn-primary',
                      id: `deactivate-${p.id}`,
                      onclick: () => deactivate(p),
                    },
                    t('m.em.deactivate'),
                  )
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'btn btn-danger',
                      id: `activate-${p.id}`,
                      disabled: !!active,
                      onclick: () => activate(p),
                    },
                    t('m.em.activate'),
                  ),
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
      body: [
        h('p', null, t('m.em.confirmBody')),
        h('label', { class: 'field', for: 'em-note' }, h('span', null, t('m.em.note')), note),
      ],
      actions: [
        { label: t('cancel') },
        {
          label: t('m.em.activate'),
          kind: 'danger',
          id: 'confirm-activate',
          onClick: async () => {
            try {
              await ctx.api.post('/emergency/activate', {
                playbookId: p.id,
                ...(note.value.trim() ? { note: note.value.trim() } : {}),
              });
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

const NOTIFY_ZH: Record<string, string> = {
  manager: '大厅负责人',
  security: '安保人员',
  standby: '备岗人员',
  'first-aid': '急救人员',
};

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
  if (Array.isArray(a.notify))
    return t('m.em.act.notify', {
      who: a.notify.map((w) => (getLang() === 'zh' ? (NOTIFY_ZH[w] ?? w) : w)).join(getLang() === 'zh' ? '、' : ', '),
    });
  if (a.openStandbyCounters) return t('m.em.act.open');
  return JSON.stringify(a);
}
