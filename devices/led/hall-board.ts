// The hall board: the banner, the latest calls, and how many wait for each service.

import type { LedFrame } from './led-frame.js';
import { cellWidth, fitLine, LED_LINE_CELLS } from './line-width.js';

export type OutOfTurnCategory = 'urgent' | 'special-group' | 'system-redo' | 'manager' | 'other';

/** How the board marks an out-of-turn call: the category only, never the staff's reason. */
export const OUT_OF_TURN_LABELS: Record<OutOfTurnCategory, string> = {
  urgent: '加急',
  'special-group': '特殊群体',
  'system-redo': '系统重办',
  manager: '管理调度',
  other: '非顺序',
};

export interface HallBoardCall {
  number: string;
  counterName: string;
  /** The category, bare as in state/calls or wrapped as { category }. */
  outOfTurn?: OutOfTurnCategory | { category: OutOfTurnCategory };
  /** Called again (a recall): its line moves to the top, marked, instead of showing twice. */
  recall?: boolean;
  /** A green-lane ticket, ahead of everyone by the rule: marked, as an out-of-turn call is. */
  green?: boolean;
}

export interface HallBoardInput {
  /** Latest calls, newest first. */
  calls: HallBoardCall[];
  queues: { serviceName: string; waiting: number }[];
  /** Playbook banner, e.g. during a power cut. */
  banner?: string;
  /** Calls to show; older ones drop off. */
  maxCalls?: number;
}

export function hallBoardFrame(input: HallBoardInput): LedFrame {
  const lines: string[] = [];
  const banner = input.banner?.trim();
  if (banner) lines.push(fitLine(banner));
  // One line per number, its latest call: a recall does not push an older call off the board.
  const seen = new Set<string>();
  const calls = input.calls.filter((c) => !seen.has(c.number) && seen.add(c.number));
  for (const call of calls.slice(0, input.maxCalls ?? 5)) lines.push(callLine(call));
  for (const queue of input.queues) lines.push(queueLine(queue.serviceName, queue.waiting));
  return { lines };
}

function callLine(call: HallBoardCall): string {
  const category = typeof call.outOfTurn === 'string' ? call.outOfTurn : call.outOfTurn?.category;
  const label = category
    ? `（${OUT_OF_TURN_LABELS[category] ?? OUT_OF_TURN_LABELS.other}）`
    : call.green
      ? '（绿色通道）'
      : call.recall
        ? '（重呼）'
        : '';
  return fitLine(`${call.number} 请到${call.counterName}${label}`);
}

/** The count is what matters: shorten the service name, never the number. */
function queueLine(serviceName: string, waiting: number): string {
  const count = ` 等候 ${Number.isFinite(waiting) ? Math.max(0, Math.round(waiting)) : 0} 人`;
  return fitLine(serviceName, LED_LINE_CELLS - cellWidth(count)) + count;
}
