/** The whole attack set at full size beside five minutes of a 20× hall day, held to the load run's limits. */
import { describe, expect, it } from 'vitest';
import { formatLoadReport } from '../../scripts/load/report.js';
import { runLoad } from '../../scripts/load/run.js';

describe('the attack set at full size', () => {
  it('leaves the hall serving: no 5xx, /healthz p99 within 250 ms, nothing lost', async () => {
    const report = await runLoad({ seconds: 300, speed: 20, attackScale: 1, maxHealthzP99Ms: 250, maxRssGrowthMb: 64 });
    console.log(formatLoadReport(report));
    expect(report.failures).toEqual([]);
    // Each attack ran, and the server ended (or refused) what it should.
    const byName = Object.fromEntries(report.attacks.map((a) => [a.name, a]));
    for (const name of ['upgrade-unknown-path', 'half-open-http', 'mqtt-publish-without-connect', 'mqtt-bad-logins'])
      expect(byName[name].endedByServer, `${name}: ${byName[name].note}`).toBe(byName[name].attempts);
  });
});
