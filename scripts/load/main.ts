/**
 * `npm run load -- [options]`: a hall day at up to 20× with the attack set beside it, against a fresh server on
 * 127.0.0.1. Prints the report; exits 1 when the run fails (see run.ts). Options:
 *   --seconds 120  --speed 20  --counters 12  --devices 40  --displays 200
 *   --attacks all|none|name,name  --attack-scale 1  --attacks-repeat
 *   --max-healthz-p99-ms 250  --max-rss-growth-mb 64  --sample-every-ms 1000  --warmup-seconds 5
 *   --csv FILE (samples)  --svg FILE (RSS and heap chart)
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { watchdog } from '../lib/hall-process.js';
import { ATTACK_NAMES } from './attacks/index.js';
import { memoryChartSvg } from './chart.js';
import { formatLoadReport } from './report.js';
import { DEFAULT_LOAD_OPTIONS, runLoad, type LoadOptions } from './run.js';
import { samplesCsv } from './sampler.js';

function attacksOf(arg: string | undefined): string[] {
  if (arg === undefined || arg === 'all') return ATTACK_NAMES;
  if (arg === 'none') return [];
  return arg
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      seconds: { type: 'string' },
      speed: { type: 'string' },
      counters: { type: 'string' },
      devices: { type: 'string' },
      displays: { type: 'string' },
      attacks: { type: 'string' },
      'attack-scale': { type: 'string' },
      'attacks-repeat': { type: 'boolean' },
      'max-healthz-p99-ms': { type: 'string' },
      'max-rss-growth-mb': { type: 'string' },
      'sample-every-ms': { type: 'string' },
      'warmup-seconds': { type: 'string' },
      csv: { type: 'string' },
      svg: { type: 'string' },
    },
  });
  const d = DEFAULT_LOAD_OPTIONS;
  const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
  const options: LoadOptions = {
    seconds: num(values.seconds, d.seconds),
    speed: Math.min(20, num(values.speed, d.speed)),
    counters: Math.min(12, num(values.counters, d.counters)),
    devices: Math.min(40, num(values.devices, d.devices)),
    displays: num(values.displays, d.displays),
    attacks: attacksOf(values.attacks),
    attackScale: num(values['attack-scale'], d.attackScale),
    attacksRepeat: values['attacks-repeat'] ?? false,
    sampleEveryMs: num(values['sample-every-ms'], d.sampleEveryMs),
    warmupSeconds: num(values['warmup-seconds'], d.warmupSeconds),
    maxHealthzP99Ms: num(values['max-healthz-p99-ms'], d.maxHealthzP99Ms),
    maxRssGrowthMb: num(values['max-rss-growth-mb'], d.maxRssGrowthMb),
    log: (line) => console.log(line),
  };
  for (const [k, v] of Object.entries(options))
    if (typeof v === 'number' && !(v >= 0)) throw new Error(`--${k} must be a number ≥ 0`);
  watchdog((options.seconds + 180) * 1000, 'the load run');
  const report = await runLoad(options);
  if (values.csv) writeFileSync(values.csv, samplesCsv(report.samples));
  if (values.svg)
    writeFileSync(
      values.svg,
      memoryChartSvg(
        report.samples,
        `HallQ server memory, ${Math.round(report.seconds / 60)} min at ${options.speed}× with attacks`,
      ),
    );
  console.log('\n' + formatLoadReport(report));
  process.exitCode = report.failures.length ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
