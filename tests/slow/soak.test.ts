/**
 * The soak: a hall day at 20× for an hour (HALLQ_SOAK_SECONDS) with the whole attack set again and again beside it.
 * /healthz p99 and RSS growth stay within the limits; the samples go to HALLQ_SOAK_OUT (default soak-out/) as CSV and
 * an SVG chart for docs/benchmarks.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryChartSvg } from '../../scripts/load/chart.js';
import { formatLoadReport } from '../../scripts/load/report.js';
import { runLoad } from '../../scripts/load/run.js';
import { samplesCsv } from '../../scripts/load/sampler.js';

const SECONDS = Number(process.env.HALLQ_SOAK_SECONDS ?? 3600);
const OUT = process.env.HALLQ_SOAK_OUT ?? 'soak-out';

describe('soak', () => {
  it(`plays ${SECONDS} s of a 20× hall day under repeated attacks with flat memory`, async () => {
    const report = await runLoad({
      seconds: SECONDS,
      speed: 20,
      attacksRepeat: true,
      sampleEveryMs: 2000,
      maxHealthzP99Ms: 250,
      maxRssGrowthMb: 64,
    });
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'soak.csv'), samplesCsv(report.samples));
    writeFileSync(
      join(OUT, 'soak.svg'),
      memoryChartSvg(
        report.samples,
        `HallQ server memory over a ${Math.round(SECONDS / 60)}-minute soak at 20× with attacks`,
      ),
    );
    writeFileSync(join(OUT, 'soak.txt'), formatLoadReport(report) + '\n');
    console.log(formatLoadReport(report));
    expect(report.failures).toEqual([]);
  });
});
