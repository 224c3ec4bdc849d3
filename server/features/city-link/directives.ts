/**
 * The city's directives to this site, from its durable consumer (site-<id> on CITY_DOWN): each is applied through
 * the site's own write path as the actor system:city and audited (a playbook started or ended, the hall file
 * amended, an announcement shown or ended); acked after. A site that was offline gets what it
 * missed when it returns: the consumer kept its place.
 *
 * An ack can be lost (a cut link, a crash between apply and ack), and JetStream then delivers the directive again,
 * 30 s later. A directive this site has already audited is refused by its id, never applied twice: a "fire" the city
 * has since ended must not start again. The consumer holds one directive in flight (max_ack_pending 1, made by the
 * city), so the next one waits for that and order is kept.
 */
import type { JetStreamClient, ConsumerMessages } from 'nats';
import { announcementPlaybookId, CITY_DOWN_STREAM, siteConsumer } from '../../../protocol/city.js';
import { cityDirectiveSchema } from '../../config/city-directive-schema.js';
import type { HallService } from '../../core/hall-service.js';
import { CITY_ACTOR } from '../../domain/decide/context.js';
import { activatePlaybook, deactivatePlaybook } from '../../domain/decide/emergency.js';
import { announce } from '../../domain/decide/city-announcement.js';
import { amendHall } from '../../domain/decide/hall-amendments.js';
import type { AuditOnlyMap } from '../../domain/events.js';
import { activePlaybooks } from '../../domain/playbooks.js';
import { log } from '../../log.js';
import type { Db } from '../../store/db.js';

/** A message's body as JSON, or undefined (then refused as invalid, and acked: it would never parse). */
function readJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

/** Longest directive id kept (the city's ids are UUIDs; a longer one is audited cut, so it is compared cut too). */
const DIRECTIVE_ID_MAX = 100;

export class DirectiveReceiver {
  private messages: ConsumerMessages | undefined;
  private stopped = false;
  /** Ids of the directives this site has audited, read from the log once, when the first directive comes. */
  private audited: Set<string> | undefined;

  constructor(
    private readonly hall: HallService,
    private readonly siteId: string,
    private readonly db: Db,
    /** `site.resend`: the city link sends its log again under a new epoch, greater than `after`. */
    private readonly resend: (after: number) => void = () => undefined,
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

  private alreadyAudited(id: string): boolean {
    this.audited ??= new Set(
      this.db
        .prepare("SELECT json_extract(data, '$.directiveId') FROM events WHERE type = 'city.directive'")
        .pluck()
        .all() as string[],
    );
    return this.audited.has(id.slice(0, DIRECTIVE_ID_MAX));
  }

  private record(data: AuditOnlyMap['city.directive']): void {
    this.hall.audit(CITY_ACTOR, { type: 'city.directive', data });
    this.audited?.add(data.directiveId);
  }

  /** Applies one directive as read (checked first: a bad one is refused and audited, and changes nothing). */
  apply(raw: unknown): void {
    const parsed = cityDirectiveSchema.safeParse(raw);
    if (!parsed.success) {
      const r = (raw ?? {}) as { id?: unknown; kind?: unknown };
      const reason = `invalid directive: ${parsed.error.issues[0]?.message ?? 'not understood'}`;
      log.warn('city directive refused', { reason });
      return this.record({
        directiveId: String(r.id ?? '?').slice(0, DIRECTIVE_ID_MAX),
        kind: String(r.kind ?? '?').slice(0, 40),
        applied: false,
        reason,
      });
    }
    const d = parsed.data;
    if (this.alreadyAudited(d.id)) {
      // Delivered again: what it did (or why it was refused) is in the log already, and later directives may have
      // changed the hall since. Recorded once more, so the audit shows the second delivery.
      log.warn('city directive delivered again; not applied', { directiveId: d.id, kind: d.kind });
      return this.record({ directiveId: d.id, kind: d.kind, applied: false, reason: 'already received' });
    }
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
      else if (d.kind === 'site.resend') this.resend(d.after ?? 0);
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
            : d.kind === 'site.resend'
              ? {}
              : { playbookId: d.playbookId };
    this.record({ directiveId: d.id, kind: d.kind, ...what, applied: !reason, reason });
  }
}
