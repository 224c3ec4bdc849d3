/**
 * Preloaded into the server by the load run (`node --import …/heap-probe.js`): writes the process's memory figures
 * to HALLQ_HEAP_PROBE_FILE once a second, so the run can plot the V8 heap beside the RSS it reads from /proc.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.HALLQ_HEAP_PROBE_FILE;
if (file) {
  setInterval(() => {
    const m = process.memoryUsage();
    try {
      writeFileSync(
        file,
        JSON.stringify({
          at: Date.now(),
          heapUsed: m.heapUsed,
          heapTotal: m.heapTotal,
          external: m.external,
          rss: m.rss,
        }),
      );
    } catch {
      /* the run went away: nothing to report to */
    }
  }, 1000).unref();
}
