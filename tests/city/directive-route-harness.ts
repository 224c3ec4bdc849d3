/** The city's HTTP app with a fake sender that records each directive: for tests of POST /city/directives. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CityDirective } from '../../protocol/city.js';
import type { CityConsumer } from '../../server/city/consumer.js';
import { createCityApp } from '../../server/city/http.js';
import { CityReadModel } from '../../server/city/read-model.js';

export function directiveRouteHarness(token = 'a-city-admin-token-long-enough') {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-city-route-'));
  const model = new CityReadModel(dir);
  // The sites the tests send to have linked: the city refuses an id it has never heard of.
  for (const site of ['a', 'yunfu-central']) model.applyInfo({ v: 1, site, name: site, kind: 'hall' });
  const sent: CityDirective[] = [];
  const consumer = {
    sendDirective: async (d: CityDirective, sites: string[]) => (sent.push(d), sites),
    // A site that linked once (it has a directives consumer) but that the read model has lost.
    sitesWithConsumers: async () => ['a', 'yunfu-central', 'lost-site'],
  } as unknown as CityConsumer;
  const app = createCityApp(model, consumer, token);
  const post = (body: unknown) =>
    app.request('/api/v1/city/directives', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const close = () => {
    model.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { sent, post, close };
}
