/**
 * The city's directives to this site, from its durable consumer (site-<id> on CITY_DOWN): each is applied through
 * the site's own write path as the actor system:city and audited (a playbook started or ended, the hall file
 * amended, an announcement shown or ended); acked after. A site that was offline gets what it
 * missed when it returns: the consumer kept its place.
 */
import type { JetStreamClient, ConsumerMessages } from 'nats';
import { announcementPlaybookId, CITY_DOWN_STREAM, siteConsumer } from '../../../protocol/city.js';
import { cityDirectiveSchema } from '../../config/city-directive-schema.js';
import type { HallService } from '../../core/hall-service.js';
import { CITY_ACTOR } from '../../domain/decide/context.js';
import { activatePlaybook, deactivatePlaybook } from '../../domain/decide/emergency.js';
import { announce } from '../../domain/decide/city-announcement.js';
import { amendHall } from '../../domain/decide/hall-amendments.js';
import { activePlaybooks } from '../../domain/playbooks.js';
import { log } from '../../log.js';

/** A message's body as JSON, or undefined (then refused as invalid, and acked: it would never parse). */
function readJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

export class DirectiveReceiver {
  private messages: ConsumerMessages | undefined;
  private stopped = false;

  constructor(
    private readonly hall: HallService,
    private readonly siteId: string,
  ) {}

  /** Consumes until stopped; waits for the city to have made this site's consumer. */
  async run(js: JetStreamClient): Promise<void> {
    while (!this.stopped) {
      try {
        const consumer = await js.consumers.get(CITY_DOWN_STREAM, siteConsumer(this.siteId));
        this.messages = await consumer.consume({ max_messages: 16 });
        for await (const m of this.messages) {
          this.apply(readJson(m.data));
          m.ack();
        }
      } catch (err) {
        if (!this.stopped) log.debug('city directives not available yet', { error: (err as Error).message });
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 3000));
    }
  }

  stop(): void {
    this.stopped = true;
    this.messages?.stop();
  }

  /** Ends a playbook or an announcement the city may end; the reason it was not, or undefined. */
  private end(playbookId: string, note: string): string | undefined {
    if (!activePlaybooks(this.hall.state).some((p) => p.playbookId === playbookId)) return 'not active';
    // Like a trigger: the city never ends a playbook that the hall's own manager started.
    this.hall.execute(CITY_ACTOR, (ctx, s) =>
      deactivatePlaybook(ctx, s, { playbookId, reason: note, automatic: true }),
    );
    return undefined;
  }

  /** Applies one directive as read (checked first: a bad one is refused and audited, and changes nothing). */
  apply(raw: unknown): void {
    const parsed = cityDirectiveSchema.safeParse(raw);
    if (!parsed.success) {
      const r = (raw ?? {}) as { id?: unknown; kind?: unknown };
      const reason = `invalid directive: ${parsed.error.issues[0]?.message ?? 'not understood'}`;
      log.warn('city directive refused', { reason });
      return this.hall.audit(CITY_ACTOR, {
        type: 'city.directive',
        data: {
          directiveId: String(r.id ?? '?').slice(0, 100),
          kind: String(r.kind ?? '?').slice(0, 40),
          applied: false,
          reason,
        },
      });
    }
    const d = parsed.data;
    const note = `city: ${d.note ?? d.id}`.slice(0, 200);
    const cause = { by: 'city' as const, directiveId: d.id };
    let reason: string | undefined;
    try {
      if (d.kind === 'hall.amend')
        this.hall.execute(CITY_ACTOR, (ctx, s) => amendHall(ctx, s, { amendment: d.amendment, cause }));
      else if (d.kind === 'announcement')
        this.hall.execute(CITY_ACTOR, (ctx, s) =>
          announce(ctx, s, {
            announcementId: d.id,
            text: d.text,
            severity: d.severity,
            until: d.until,
            directiveId: d.id,
          }),
        );
      else if (d.kind === 'playbook.activate')
        this.hall.execute(CITY_ACTOR, (ctx, s) => activatePlaybook(ctx, s, { playbookId: d.playbookId, note, cause }));
      else
        reason = this.end(
          d.kind === 'announcement.end' ? announcementPlaybookId(d.announcementId) : d.playbookId,
          note,
        );
    } catch (err) {
      reason = (err as Error).message;
    }
    if (reason) log.warn('city directive not applied', { directiveId: d.id, kind: d.kind, reason });
    const what =
      d.kind === 'hall.amend'
        ? { amendment: d.amendment.kind }
        : d.kind === 'announcement'
          ? { announcementId: d.id, until: d.until }
          : d.kind === 'announcement.end'
            ? { announcementId: d.announcementId }
            : { playbookId: d.playbookId };
    this.hall.audit(CITY_ACTOR, {
      type: 'city.directive',
      data: { directiveId: d.id, kind: d.kind, ...what, applied: !reason, reason },
    });
  }
}
