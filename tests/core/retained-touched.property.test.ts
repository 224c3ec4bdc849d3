/**
 * The retained topics rebuilt per batch (only those its events can touch, touched-topics.ts) always equal a full
 * rebuild: random commands over the HTTP API — issue, every counter action, reinstate, cancel, playbooks — with the
 * publisher on the hall's bus and a link that keeps the last message of each topic.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { hallStateTopics, StatePublisher } from '../../server/features/retained-state/index.js';
import type { MqttLink } from '../../server/mqtt/mqtt-link.js';
import { inMemoryApp, type InMemoryApp } from '../helpers/in-memory-app.js';
import { MONDAY_10AM } from '../domain/harness.js';

const COUNTERS = ['1', '2', '3', '4', '5', '6'];
const SERVICES = ['one-window', 'mortgage', 'enterprise', 'query'];
const PLAYBOOKS = ['surge', 'network-outage', 'fire'];
/** Single counter actions at random; `serve` steps make the usual call, start and finish rounds. */
const COUNTER_ACTIONS = ['recall', 'no-show', 'transfer', 'pause', 'resume', 'open', 'close', 'call-next'] as const;

type Step =
  | { kind: 'issue'; service: number }
  | { kind: 'serve'; counter: number; upto: number; then: 'recall' | 'no-show' | 'transfer' | 'none'; service: number }
  | { kind: 'counter'; counter: number; action: (typeof COUNTER_ACTIONS)[number]; service: number }
  | { kind: 'ticket'; action: 'reinstate' | 'cancel'; pick: number }
  | { kind: 'playbook'; on: boolean; playbook: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('issue' as const), service: fc.nat(SERVICES.length - 1) }) },
  // A counter's usual round: call the next, start, finish, or stop short with a recall, no-show or transfer.
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('serve' as const),
      counter: fc.nat(COUNTERS.length - 1),
      upto: fc.integer({ min: 1, max: 3 }),
      then: fc.constantFrom('recall' as const, 'no-show' as const, 'transfer' as const, 'none' as const),
      service: fc.nat(SERVICES.length - 1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('counter' as const),
      counter: fc.nat(COUNTERS.length - 1),
      action: fc.constantFrom(...COUNTER_ACTIONS),
      service: fc.nat(SERVICES.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('ticket' as const),
      action: fc.constantFrom('reinstate' as const, 'cancel' as const),
      pick: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('playbook' as const),
      on: fc.boolean(),
      playbook: fc.nat(PLAYBOOKS.length - 1),
    }),
  },
);

describe('the retained topics rebuilt per batch', () => {
  let m: InMemoryApp | undefined;
  afterEach(() => m?.close());

  it('equal a full rebuild after any sequence of commands', async () => {
    // What the runs did: commands the hall took, per kind (a run of refusals alone would prove little).
    const accepted = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        m?.close();
        // A clock a minute further at each request: recalls and no-shows wait their minimum time after a call.
        let now = MONDAY_10AM;
        m = inMemoryApp({ clock: () => now });
        const hall = m.hall;
        const t = topics(hall.hallFile.hall.id);
        const retained = new Map<string, string>();
        const link = {
          publish: (topic: string, json: string) => void retained.set(topic, json),
          onConnect: () => undefined,
        } as unknown as MqttLink;
        const publisher = new StatePublisher(hall, link, t);
        publisher.start();
        publisher.publish(true);
        const manager = m.staff('boss', 'manager');
        const kiosk = m.device('kiosk-1', 'kiosk', { kioskId: 'kiosk-1' });
        const staff: string[] = [];
        for (const id of COUNTERS) staff.push(await m.staffAt(id, `staff-${id}`));
        const ticketIds: string[] = [];
        /** One request, then every topic against a full rebuild. */
        const send = async (label: string, method: string, path: string, body: unknown, token: string) => {
          now += 61_000;
          const res = await m!.api(method, path, body, token);
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          if (res.status < 300) accepted.set(label, (accepted.get(label) ?? 0) + 1);
          for (const [topic, value] of hallStateTopics(hall, t))
            expect(retained.get(topic), `${topic} after ${label} ${path}`).toBe(JSON.stringify(value));
          return res;
        };
        const counterAction = (k: number, action: string, service: number) =>
          send(
            action,
            'POST',
            `/api/v1/counters/${COUNTERS[k]}/${action}`,
            action === 'transfer' ? { serviceId: SERVICES[service] } : action === 'pause' ? { reason: 'x' } : {},
            staff[k],
          );
        for (const s of steps) {
          if (s.kind === 'issue') {
            const res = await send('issue', 'POST', '/api/v1/tickets', { serviceId: SERVICES[s.service] }, kiosk);
            if (res.status === 201) ticketIds.push(res.body.ticket.id);
          } else if (s.kind === 'serve') {
            // A recall or a no-show is about a called ticket: they follow the call itself.
            const upto = s.then === 'recall' || s.then === 'no-show' ? 1 : s.upto;
            for (const action of ['call-next', 'start', 'finish'].slice(0, upto))
              await counterAction(s.counter, action, s.service);
            if (s.then !== 'none') await counterAction(s.counter, s.then, s.service);
          } else if (s.kind === 'counter') {
            await counterAction(s.counter, s.action, s.service);
          } else if (s.kind === 'ticket') {
            if (ticketIds.length === 0) continue;
            const id = ticketIds[s.pick % ticketIds.length];
            await send(
              s.action,
              'POST',
              `/api/v1/tickets/${id}/${s.action}`,
              {},
              s.action === 'cancel' ? manager : kiosk,
            );
          } else {
            const path = `/api/v1/emergency/${s.on ? 'activate' : 'deactivate'}`;
            await send('playbook', 'POST', path, { playbookId: PLAYBOOKS[s.playbook] }, manager);
          }
        }
        publisher.stop();
      }),
      // A fixed seed: the runs are shown to reach every kind of command (the check below); no shrinking, which takes
      // longer than the test may.
      { numRuns: 30, seed: 20261201, endOnFailure: true },
    );
    for (const kind of ['issue', 'call-next', 'start', 'finish', 'recall', 'no-show', 'transfer', 'pause', 'playbook'])
      expect(accepted.get(kind) ?? 0, `${kind} accepted in ${JSON.stringify([...accepted])}`).toBeGreaterThan(0);
  });
});
