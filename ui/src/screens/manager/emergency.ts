/**
 * Emergency playbooks: the combined effect of the active ones, proposals to confirm or dismiss, and each playbook with
 * what it does and triggers: activate (with a note, maybe as a drill), acknowledge, or end that one.
 */
import { fill, h } from '../../lib/dom.js';
import { time } from '../../lib/format.js';
import { errorText, getLang, t } from '../../lib/i18n.js';
import { openDialog, toast } from '../../lib/ui.js';
import { notifyRoleText } from './staff-contact.js';
import type { ManagerContext } from './state.js';

interface Playbook {
  id: string;
  name: string;
  mustAcknowledge?: boolean;
  triggers: Array<Record<string, unknown>>;
  actions: Array<Record<string, unknown>>;
}

/**
 * The hall file's playbooks, then any active one that is not among them (a city-wide announcement the city pushed
 * down): shown by its own name with its banner, so a manager can see and end it like the others.
 */
function listed(data: {
  playbooks: Playbook[];
  active: Array<{ playbookId: string; name: string }>;
  effective: { banners: Array<{ playbookId: string; text: string }> };
}): Playbook[] {
  const extra = data.active
    .filter((a) => !data.playbooks.some((p) => p.id === a.playbookId))
    .map((a) => ({
      id: a.playbookId,
      name: a.name,
      triggers: [],
      actions: data.effective.banners.filter((b) => b.playbookId === a.playbookId).map((b) => ({ banner: b.text })),
    }));
  return [...data.playbooks, ...extra];
}

export function emergencyPanel(ctx: ManagerContext, root: HTMLElement): void {
  fill(root, h('p', { class: 'empty' }, t('m.loading')));
  void (async () => {
    let data: {
      active: Array<{
        playbookId: string;
        name: string;
        startedAt: string;
        note?: string;
        drill: boolean;
        cause: { by: string };
        mustAcknowledge: boolean;
        acknowledgements?: Array<{ by: string; at: string }>;
      }>;
      effective: { issuing: string; banners: Array<{ playbookId: string; text: string; severity: string }> };
      proposals: Array<{ id: string; playbookId: string; cause: { by: string }; expiresAt: string }>;
      outages?: Array<{ system: string; since: string; minutes: number }>;
      playbooks: Playbook[];
    };
    try {
      data = await ctx.api.get('/emergency');
    } catch (err) {
      fill(root, h('p', { class: 'empty' }, errorText(err)));
      return;
    }
    const nameOf = (id: string) => data.playbooks.find((p) => p.id === id)?.name ?? id;
    const summary = h(
      'section',
      { class: 'card m-em-effective', id: 'em-effective' },
      h(
        'div',
        { class: 'card-head' },
        h('h2', null, t('m.em.effective')),
        h('span', { class: 'badge' }, t('m.em.act.issuing', { mode: t(`m.em.issuing.${data.effective.issuing}`) })),
      ),
      h(
        'ol',
        { class: 'm-em-banners' },
        data.effective.banners.map((b) => h('li', { dataset: { severity: b.severity } }, b.text)),
      ),
    );
    const proposals = data.proposals.map((pr) =>
      h(
        'article',
        { class: 'card m-proposal', dataset: { proposal: pr.id } },
        h('p', null, t('m.em.proposed', { name: nameOf(pr.playbookId), by: t(`m.em.by.${pr.cause.by}`) })),
        h(
          'div',
          { class: 'm-playbook-foot' },
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-danger',
              id: `confirm-${pr.id}`,
              onclick: () => answer(pr.id, 'confirm'),
            },
            t('m.em.confirmProposal'),
          ),
          h(
            'button',
            { type: 'button', class: 'btn', id: `dismiss-${pr.id}`, onclick: () => answer(pr.id, 'dismiss') },
            t('m.em.dismissProposal'),
          ),
        ),
      ),
    );
    const outages = (data.outages ?? []).map((o) =>
      h(
        'p',
        { class: 'card m-outage', dataset: { system: o.system } },
        t('m.em.outage', { system: t(`m.em.system.${o.system}`), minutes: String(o.minutes), time: time(o.since) }),
      ),
    );
    fill(
      root,
      ...outages,
      data.active.length ? summary : null,
      ...proposals,
      h(
        'div',
        { class: 'm-playbooks' },
        listed(data).map((p) => {
          const active = data.active.find((a) => a.playbookId === p.id);
          const isActive = !!active;
          return h(
            'article',
            { class: `card m-playbook ${isActive ? 'active' : ''}`, dataset: { playbook: p.id } },
            h(
              'div',
              { class: 'card-head' },
              h('h2', null, p.name),
              isActive
                ? h(
                    'span',
                    { class: 'badge badge-red' },
                    h('span', { class: 'dot' }),
                    active!.drill ? t('m.em.drillActive') : t('m.em.active'),
                  )
                : null,
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
                    t('m.em.since', { time: time(active!.startedAt), note: active!.note ?? '' }),
                    ' · ',
                    t(`m.em.by.${active!.cause.by}`),
                    active!.mustAcknowledge
                      ? ` · ${t('m.em.acks', { n: String(active!.acknowledgements?.length ?? 0) })}`
                      : '',
                  )
                : null,
            ),
            h(
              'div',
              { class: 'm-playbook-foot' },
              isActive && active!.mustAcknowledge
                ? h(
                    'button',
                    { type: 'button', class: 'btn', id: `ack-${p.id}`, onclick: () => acknowledge(p) },
                    t('m.em.acknowledge'),
                  )
                : null,
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

  async function post(path: string, body: object, ok: string): Promise<void> {
    try {
      await ctx.api.post(path, body);
      toast(ok, 'ok');
      emergencyPanel(ctx, root);
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }

  function answer(id: string, outcome: 'confirm' | 'dismiss'): void {
    void post(`/emergency/proposals/${id}/${outcome}`, {}, t(`m.em.${outcome}ed`));
  }

  function acknowledge(p: Playbook): void {
    void post('/emergency/acknowledge', { playbookId: p.id }, t('m.em.acknowledged', { name: p.name }));
  }

  function activate(p: Playbook): void {
    const note = h('input', { class: 'input', id: 'em-note', maxlength: 300 });
    const drill = h('input', { type: 'checkbox', id: 'em-drill' });
    openDialog({
      title: t('m.em.confirm', { name: p.name }),
      tone: 'warn',
      body: [
        h('p', null, t('m.em.confirmBody')),
        h('label', { class: 'field', for: 'em-note' }, h('span', null, t('m.em.note')), note),
        h('label', { class: 'field-inline', for: 'em-drill' }, drill, h('span', null, t('m.em.drill'))),
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
                ...(drill.checked ? { drill: true } : {}),
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
              await ctx.api.post('/emergency/deactivate', { playbookId: p.id });
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

function triggerText(tr: Record<string, unknown>): string {
  if (tr.manual) return t('m.em.trigger.manual');
  if (tr.device) return t('m.em.trigger.device', { device: String(tr.device), event: String(tr.event ?? '') });
  if (tr.metric) return t('m.em.trigger.metric', { metric: String(tr.metric), above: String(tr.above ?? '') });
  if (tr.integration)
    return t('m.em.trigger.integration', { system: String(tr.integration), minutes: String(tr.downForMinutes ?? 0) });
  return JSON.stringify(tr);
}

function actionText(a: Record<string, unknown>): string {
  if (typeof a.banner === 'string') return t('m.em.act.banner', { text: a.banner });
  if (typeof a.announce === 'string') return t('m.em.act.announce', { text: a.announce });
  if (typeof a.issuing === 'string') return t('m.em.act.issuing', { mode: t(`m.em.issuing.${a.issuing}`) });
  if (Array.isArray(a.notify))
    return t('m.em.act.notify', {
      who: a.notify.map((w) => notifyRoleText(String(w))).join(getLang() === 'zh' ? '、' : ', '),
    });
  if (a.openStandbyCounters) return t('m.em.act.open');
  if (a.freezeQueue) return t('m.em.act.freeze');
  return JSON.stringify(a);
}
