/**
 * Playbooks on the counter console, under its header: every active playbook's banner (most severe first), whether the
 * queue is frozen (fire: no calls until the all-clear); 确认收到 for
 * each one that must be acknowledged and this staff member has not yet; for a manager signed in at a counter, each open proposal with one tap to confirm or dismiss (the dashboard's routes); for
 * the staff a playbook's standby counter names (its `backupStaff`), which counter to open and why, with a button to
 * sign in there. Read from GET /emergency when the stream says playbooks, counters or (to managers) proposals changed.
 */
import type { Api, StaffSession } from '../../lib/api.js';
import { ApiFailure } from '../../lib/api.js';
import { paintBanners } from '../../lib/banners.js';
import { h } from '../../lib/dom.js';
import { now, time } from '../../lib/format.js';
import { addStrings, errorText, onLangChange, t } from '../../lib/i18n.js';
import { toast } from '../../lib/ui.js';
import type { BannerView } from '../../protocol/hall.js';
import type { StreamEvent } from '../../protocol/stream.js';
import { drillText } from '../../protocol/playbooks.js';
import { PLAYBOOK_EN, PLAYBOOK_ZH } from './playbook-strings.js';

addStrings(PLAYBOOK_ZH, PLAYBOOK_EN);

interface Proposal {
  id: string;
  playbookId: string;
  cause: { by: string; deviceId?: string; metric?: string; value?: number; system?: string };
  expiresAt: string;
}

interface StandbyCall {
  counterId: string;
  counterName: string;
  staffed: boolean;
  backupStaff: string[];
  playbooks: Array<{ playbookId: string; name: string }>;
}

interface ActivePlaybook {
  playbookId: string;
  name: string;
  drill: boolean;
  mustAcknowledge: boolean;
  acknowledgements?: Array<{ by: string }>;
}

interface EmergencyBody {
  active: ActivePlaybook[];
  effective: { banners: BannerView[]; frozen: boolean };
  proposals: Proposal[];
  standby?: StandbyCall[];
  playbooks: Array<{ id: string; name: string }>;
}

export function playbookStrip(ctx: {
  api: Api;
  session: StaffSession;
  myCounterId: string;
  /** Told whenever the frozen flag is read, so the console can turn its calling buttons off or on. */
  onFrozen?: (frozen: boolean) => void;
}) {
  const isManager = ctx.session.role === 'manager';
  const banners = h('div', { class: 'emergency-banner c-banner', role: 'alert', hidden: true });
  const frozen = h('p', { class: 'c-frozen', id: 'c-frozen', role: 'status', hidden: true }, t('c.pb.frozen'));
  const acks = h('div', { class: 'c-acks' });
  const proposals = h('div', { class: 'c-proposals' });
  const standby = h('div', { class: 'c-standby-calls' });
  const el = h(
    'section',
    { class: 'c-playbooks', 'aria-label': t('c.pb.region') },
    banners,
    frozen,
    acks,
    proposals,
    standby,
  );
  let data: EmergencyBody | null = null;
  let expiryTimer: number | undefined;
  let loading: Promise<void> | null = null;
  let again = false;

  async function refresh(): Promise<void> {
    // One request at a time; a change during it asks once more after.
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      try {
        data = await ctx.api.get<EmergencyBody>('/emergency');
        paint();
      } catch {
        /* the next event or tick retries */
      }
    })();
    await loading;
    loading = null;
    if (again) {
      again = false;
      await refresh();
    }
  }

  function paint(): void {
    if (!data) return;
    paintBanners(
      banners,
      data.effective.banners.map((b) => b.text),
    );
    const open = isManager ? data.proposals.filter((p) => Date.parse(p.expiresAt) > now()) : [];
    proposals.replaceChildren(...open.map(proposalCard));
    const mine = (data.standby ?? []).filter(
      (s) => !s.staffed && s.counterId !== ctx.myCounterId && s.backupStaff.includes(ctx.session.user.username),
    );
    standby.replaceChildren(...mine.map(standbyCard));
    frozen.hidden = !data.effective.frozen;
    frozen.textContent = t('c.pb.frozen');
    ctx.onFrozen?.(data.effective.frozen);
    // The server records an acknowledgement as the actor's label: `user:<id>`.
    const me = `user:${ctx.session.user.id}`;
    const toAck = data.active.filter((p) => p.mustAcknowledge && !p.acknowledgements?.some((a) => a.by === me));
    acks.replaceChildren(...toAck.map(ackCard));
    el.hidden = banners.hidden && toAck.length === 0 && open.length === 0 && mine.length === 0;
    // A proposal lapses on the server at expiresAt: take it off then, without waiting for the next look.
    clearTimeout(expiryTimer);
    const next = Math.min(...open.map((p) => Date.parse(p.expiresAt)));
    if (Number.isFinite(next)) expiryTimer = window.setTimeout(paint, Math.max(0, next - now()) + 50);
  }

  function ackCard(p: ActivePlaybook): HTMLElement {
    const name = drillText(p.name, p.drill);
    return h(
      'article',
      { class: 'c-ack', dataset: { playbook: p.playbookId } },
      h('p', null, t('c.pb.ack', { name })),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary',
          id: `c-ack-${p.playbookId}`,
          onclick: async (ev: Event) => {
            (ev.currentTarget as HTMLButtonElement).disabled = true;
            try {
              await ctx.api.post('/emergency/acknowledge', { playbookId: p.playbookId });
              toast(t('c.pb.acked', { name }), 'ok');
            } catch (err) {
              toast(errorText(err), 'error');
            }
            await refresh();
          },
        },
        t('c.pb.ackButton'),
      ),
    );
  }

  function proposalCard(p: Proposal): HTMLElement {
    const name = data?.playbooks.find((x) => x.id === p.playbookId)?.name ?? p.playbookId;
    return h(
      'article',
      { class: 'c-proposal', dataset: { proposal: p.id, playbook: p.playbookId } },
      h(
        'p',
        null,
        h('b', null, t('c.pb.proposed', { name })),
        ' · ',
        causeText(p.cause),
        ' · ',
        t('c.pb.until', { time: time(p.expiresAt) }),
      ),
      h(
        'div',
        { class: 'c-proposal-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-danger',
            id: `c-confirm-${p.id}`,
            onclick: () => answer(p, name, 'confirm'),
          },
          t('c.pb.confirm'),
        ),
        h(
          'button',
          { type: 'button', class: 'btn', id: `c-dismiss-${p.id}`, onclick: () => answer(p, name, 'dismiss') },
          t('c.pb.dismiss'),
        ),
      ),
    );
  }

  async function answer(p: Proposal, name: string, outcome: 'confirm' | 'dismiss'): Promise<void> {
    for (const b of proposals.querySelectorAll<HTMLButtonElement>(`[data-proposal="${p.id}"] button`))
      b.disabled = true;
    try {
      await ctx.api.post(`/emergency/proposals/${encodeURIComponent(p.id)}/${outcome}`, {});
      toast(outcome === 'confirm' ? t('c.pb.confirmed', { name }) : t('c.pb.dismissed'), 'ok');
    } catch (err) {
      toast(err instanceof ApiFailure && err.code === 'UNKNOWN_PROPOSAL' ? t('c.pb.gone') : errorText(err), 'error');
    }
    await refresh();
  }

  function standbyCard(s: StandbyCall): HTMLElement {
    const why = s.playbooks.map((p) => p.name).join('、');
    return h(
      'article',
      { class: 'c-standby', dataset: { counter: s.counterId } },
      h('p', null, t('c.pb.standby', { counter: s.counterName, why })),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary',
          id: `standby-sign-in-${s.counterId}`,
          onclick: async () => {
            try {
              await ctx.api.post(`/counters/${encodeURIComponent(s.counterId)}/sign-in`);
              location.reload(); // the console opens on the counter the staff member is signed in at
            } catch (err) {
              toast(errorText(err), 'error');
            }
          },
        },
        t('c.pb.standbyGo', { counter: s.counterName }),
      ),
    );
  }

  /**
   * What the console's stream says: playbooks changed, or a counter's staff while standby counters are called (one
   * may have been taken). Without a standby call a counter's sign-in changes nothing here; a playbook that calls
   * standby counters arrives as `emergency.changed`.
   */
  function onEvent(e: StreamEvent): void {
    if (e.type === 'emergency.changed' || (e.type === 'counter.status' && (data?.standby?.length ?? 0) > 0))
      void refresh();
  }

  onLangChange(paint);
  el.hidden = true;
  return { el, refresh, onEvent };
}

function causeText(c: Proposal['cause']): string {
  if (c.by === 'device') return t('c.pb.by.device', { device: c.deviceId ?? '' });
  if (c.by === 'metric') return t('c.pb.by.metric', { metric: c.metric ?? '', value: c.value ?? '' });
  if (c.by === 'integration') return t('c.pb.by.integration', { system: t(`c.pb.system.${c.system}`) });
  return t('c.pb.by.other');
}
