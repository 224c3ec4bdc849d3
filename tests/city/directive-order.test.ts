/**
 * A site's directives come one at a time (docs/city.md, "Down the tree"): the city makes each site's consumer with one
 * directive in flight, and brings an older consumer to that, so one whose ack was lost comes again before any later
 * one. Against a real nats-server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITY_DOWN_STREAM, cityDownSubject, siteConsumer, type CityDirective } from '../../protocol/city.js';
import { startNatsCluster, type NatsNode } from '../../scripts/lib/nats-process.js';
import { CityConsumer } from '../../server/city/consumer.js';
import { CityReadModel } from '../../server/city/read-model.js';

let nats: NatsNode;
let nc: NatsConnection;
const dir = mkdtempSync(join(tmpdir(), 'hallq-city-order-'));

beforeAll(async () => {
  [nats] = await startNatsCluster(1);
  nc = await connect({ servers: nats.url });
}, 30_000);

afterAll(async () => {
  await nc?.close();
  await nats?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const directive = (id: string, kind: 'playbook.activate' | 'playbook.deactivate'): CityDirective => ({
  v: 1,
  id,
  at: Date.now(),
  kind,
  playbookId: 'fire',
});

describe("a site's directives", () => {
  it('are held one in flight, so a directive not acked comes again before the next', async () => {
    const model = new CityReadModel(dir);
    const city = new CityConsumer(model, { url: nats.url, replicas: 1 });
    await city.start();
    try {
      const jsm = await nc.jetstreamManager();
      // A consumer an older city process made: many directives in flight.
      await jsm.consumers.add(CITY_DOWN_STREAM, {
        durable_name: siteConsumer('old-site'),
        filter_subject: cityDownSubject('old-site'),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      });
      expect((await jsm.consumers.info(CITY_DOWN_STREAM, siteConsumer('old-site'))).config.max_ack_pending).not.toBe(1);

      for (const site of ['old-site', 'new-site']) {
        await city.sendDirective(directive(`${site}-on`, 'playbook.activate'), [site]);
        await city.sendDirective(directive(`${site}-off`, 'playbook.deactivate'), [site]);
        const info = await jsm.consumers.info(CITY_DOWN_STREAM, siteConsumer(site));
        expect(info.config.max_ack_pending, site).toBe(1);

        const consumer = await nc.jetstream().consumers.get(CITY_DOWN_STREAM, siteConsumer(site));
        // The first delivery is not acked (as when its ack is lost): it comes again, and only then the next one.
        const delivered: string[] = [];
        for (let fetches = 0; delivered.length < 3 && fetches < 5; fetches++)
          for await (const m of await consumer.fetch({ max_messages: 2, expires: 1000 })) {
            delivered.push(m.json<CityDirective>().id);
            if (delivered.length === 1) m.nak();
            else m.ack();
          }
        expect(delivered).toEqual([`${site}-on`, `${site}-on`, `${site}-off`]);
      }
    } finally {
      await city.stop();
      model.close();
    }
  }, 30_000);
});
