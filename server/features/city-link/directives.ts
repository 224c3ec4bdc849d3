/**
 * The city's directives to this site, from its durable consumer (site-<id> on CITY_DOWN): each is applied through
 * the site's own write path as the actor system:city and audited; acked after. A site that was offline gets what it
 * missed when it returns: the consumer kept its place.
 */
import type { JetStreamClient, ConsumerMessages } from 'nats';
import { CITY_DOWN_STREAM, siteConsumer, type CityDirective } from '../../../protocol/city.js';
import type { HallService } from '../../core/hall-service.js';
import type { Actor } from '../../domain/decide/context.js';
import { activatePlaybook, deactivatePlaybook } from '../../domain/decide/emergency.js';
import { activePlaybooks } from '../../domain/playbooks.js';
import { log } from '../../log.js';

const CITY_ACTOR: Actor = { kind: 'system', id: 'city', role: 'system' };

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
          this.apply(m.json<CityDirective>());
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

  apply(d: CityDirective): void {
    const note = `city: ${d.note ?? d.id}`.slice(0, 200);
    let reason: string | undefined;
    try {
      const cause = { by: 'city' as const, directiveId: d.id };
      if (d.kind === 'playbook.activate')
        this.hall.execute(CITY_ACTOR, (ctx, s) => activatePlaybook(ctx, s, { playbookId: d.playbookId, note, cause }));
      else if (activePlaybooks(this.hall.state).some((p) => p.playbookId === d.playbookId))
        // Like a trigger: the city never ends a playbook that the hall's own manager started.
        this.hall.execute(CITY_ACTOR, (ctx, s) =>
          deactivatePlaybook(ctx, s, { playbookId: d.playbookId, reason: note, automatic: true }),
        );
      else reason = 'not active';
    } catch (err) {
      reason = (err as Error).message;
    }
    this.hall.audit(CITY_ACTOR, {
      type: 'city.directive',
      data: { directiveId: d.id, kind: d.kind, playbookId: d.playbookId, applied: !reason, reason },
    });
  }
}
