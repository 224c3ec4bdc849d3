/** What the server and the screens both say of a playbook: how severe it ranks, and how a drill's text is marked. */
import type { Severity } from './hall.js';

/** The word every screen, receipt and announcement of a drill carries. */
export const DRILL_MARK = '演练';
const DRILL_PREFIX = `【${DRILL_MARK}】`;

const SEVERITY_RANK: Record<Severity, number> = { 'life-safety': 3, high: 2, medium: 1, low: 0 };

/** Higher is more severe: life-safety > high > medium > low. */
export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}

/** A drill's text says so, first: `【演练】…`, once, also for a text that already carries the mark. */
export function drillText(text: string, drill: boolean): string {
  return drill && !text.startsWith(DRILL_PREFIX) ? `${DRILL_PREFIX}${text}` : text;
}
