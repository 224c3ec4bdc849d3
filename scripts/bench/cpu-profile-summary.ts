/**
 * Sums the self time of a V8 CPU profile (node --cpu-prof) per function and per file or package, to see where the
 * CPU of a command goes: `node dist/scripts/bench/cpu-profile-summary.js FILE.cpuprofile [--top 30]`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { table } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a file belongs: a package under node_modules, a file of ours, node's own, or V8's (program, GC, idle). */
export function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url;
  const ours = url.match(/\/dist\/(.+)$/);
  return ours ? ours[1] : url;
}

export interface SelfTimes {
  totalMs: number;
  byFunction: Map<string, number>;
  byPlace: Map<string, number>;
}

export function selfTimes(p: Profile): SelfTimes {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let totalMs = 0;
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const place = placeOf(url, functionName);
    const fn = `${functionName || '(anonymous)'} ${place}${url ? ':' + (lineNumber + 1) : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    byPlace.set(place, (byPlace.get(place) ?? 0) + ms);
    totalMs += ms;
  });
  return { totalMs, byFunction, byPlace };
}

export function formatSelfTimes(s: SelfTimes, top: number): string {
  const busy = s.totalMs - (s.byPlace.get('(idle)') ?? 0);
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => [
        k,
        ms.toFixed(0) + ' ms',
        ((100 * ms) / s.totalMs).toFixed(1) + ' %',
        ((100 * ms) / busy).toFixed(1) + ' %',
      ]);
  const head = ['', 'self', 'of all', 'of busy'];
  return [
    `profile: ${s.totalMs.toFixed(0)} ms, busy (not idle) ${busy.toFixed(0)} ms`,
    'by file or package',
    table([head, ...rows(s.byPlace)]),
    'by function',
    table([head, ...rows(s.byFunction)]),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string' } }, allowPositionals: true });
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    console.log(`${file}\n${formatSelfTimes(selfTimes(profile), Number(values.top ?? 30))}\n`);
  }
}
