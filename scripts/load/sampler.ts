/** Samples the server under load: /healthz latency, RSS from /proc/<pid>/status and the V8 heap from the heap probe. */
import { existsSync, readFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { rssBytes } from '../lib/hall-process.js';

export interface Sample {
  /** Milliseconds since the run started. */
  t: number;
  /** /healthz round trip in ms, or null when it did not answer 200 within the timeout. */
  healthzMs: number | null;
  rss?: number;
  heapUsed?: number;
}

export interface Sampler {
  samples: Sample[];
  stop(): Promise<void>;
}

function heapUsed(file: string | undefined): number | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { heapUsed: number }).heapUsed;
  } catch {
    return undefined; // read while being written
  }
}

/** One /healthz round trip on its own connection pool (never queued behind the load); null if no 200 in time. */
function healthz(url: string, agent: Agent, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = get(`${url}/healthz`, { agent, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - started : null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

/** Starts sampling every `everyMs` until stopped. */
export function startSampler(opts: {
  url: string;
  pid: number;
  everyMs: number;
  heapFile?: string;
  timeoutMs?: number;
}): Sampler {
  const samples: Sample[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const started = Date.now();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const tick = Date.now();
      const ms = await healthz(opts.url, agent, opts.timeoutMs ?? 5000);
      samples.push({ t: tick - started, healthzMs: ms, rss: rssBytes(opts.pid), heapUsed: heapUsed(opts.heapFile) });
      const wait = opts.everyMs - (Date.now() - tick);
      if (wait > 0 && !stopped) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    samples,
    async stop() {
      stopped = true;
      await loop;
      agent.destroy();
    },
  };
}

/** The samples as CSV: seconds, healthz ms, RSS MB, heap MB. */
export function samplesCsv(samples: Sample[]): string {
  const mbOf = (b?: number) => (b === undefined ? '' : (b / 1024 / 1024).toFixed(2));
  return (
    [
      'seconds,healthz_ms,rss_mb,heap_mb',
      ...samples.map(
        (s) => `${(s.t / 1000).toFixed(1)},${s.healthzMs?.toFixed(2) ?? ''},${mbOf(s.rss)},${mbOf(s.heapUsed)}`,
      ),
    ].join('\n') + '\n'
  );
}
