/**
 * How SMS parameters read to a citizen (the templates are in the SMS adapter): a moment as day and time in the hall's
 * time zone, a pre-review's result in Chinese. Pure, for every feature that asks for a text.
 */
import { localTime } from './clock.js';
import type { PrereviewResult } from './types.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `{date, time}` of a moment as the citizen reads it, in the hall's time zone: `12月4日`, `08:30`. */
export function smsDateTime(at: number, timeZone: string): { date: string; time: string } {
  const t = localTime(at, timeZone);
  return { date: `${Number(t.date.slice(5, 7))}月${Number(t.date.slice(8))}日`, time: `${pad(t.hh)}:${pad(t.mm)}` };
}

/** A pre-review's result in the citizen's words (the code stays in `result` for gateways that use it). */
export const PREREVIEW_RESULT_TEXT: Record<PrereviewResult, string> = {
  approved: '通过，请携带材料到大厅办理',
  rejected: '未通过，详情请咨询大厅',
  'more-materials': '需补充材料，请登录查看',
};
