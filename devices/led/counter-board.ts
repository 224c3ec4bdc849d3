// The LED board above a counter: which ticket it calls or serves, or why it is not serving.

import type { LedFrame } from './led-frame.js';
import { fitLine } from './line-width.js';

export interface CounterBoardInput {
  counterName: string;
  number: string | null;
  /** 'called' / 'serving' are accepted too, as state/counters publishes them. */
  status: 'open' | 'paused' | 'closed' | 'called' | 'serving';
  /** State of the counter's current ticket; a number without one counts as just called. */
  ticketStatus?: 'called' | 'serving';
  pauseReason?: string;
  /** Hall tags such as 党员先锋岗, shown while the counter waits. */
  tags?: string[];
  /** The top banner of the active playbooks (the most severe), shown on the first line above the counter's own. */
  banner?: string;
}

export function counterBoardFrame(input: CounterBoardInput): LedFrame {
  const own = counterLines(input);
  const banner = input.banner?.trim();
  return banner ? { ...own, lines: [fitLine(banner), ...own.lines] } : own;
}

function counterLines(input: CounterBoardInput): LedFrame {
  const head = input.counterName;
  if (input.status === 'paused') {
    const reason = input.pauseReason?.trim();
    return frame(reason ? [head, '暂停服务', reason] : [head, '暂停服务']);
  }
  if (input.status === 'closed') {
    // Tell the visitor what to do, not just that the counter is shut.
    return frame([head, '暂停办理', '请到其他窗口办理']);
  }
  if (input.number) {
    const serving =
      input.ticketStatus === 'serving' || (input.ticketStatus === undefined && input.status === 'serving');
    return serving ? frame([head, `${input.number} 办理中`]) : frame([head, `请 ${input.number} 号`], true);
  }
  const tags = (input.tags ?? []).map((t) => t.trim()).filter((t) => t.length > 0);
  return frame([head, tags.length > 0 ? tags.join(' ') : '欢迎办理']);
}

function frame(lines: string[], blink?: boolean): LedFrame {
  const fitted = lines.map((line) => fitLine(line));
  return blink ? { lines: fitted, blink } : { lines: fitted };
}
