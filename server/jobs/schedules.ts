/**
 * The two kinds of timed job a hall runs. A job at calendar times (midnight, the reminder hour) is node-cron in the
 * hall's time zone. A job that only checks something again and again (is a new day due, a backup, a prune) runs on
 * a plain interval: node-cron walks every slot it missed when the wall clock jumps forward (an NTP fix after weeks
 * on a dead RTC battery), one time-zone match each — a minutely job walked 43,200 of them after a 30-day jump, the hall
 * frozen 4.7 s, and wrote a warning for each. An interval runs on the monotonic clock and catches up by its check.
 */
import cron from 'node-cron';
import { log } from '../log.js';

export interface Stoppable {
  stop(): unknown;
}

/** Runs `run` at the times `expression` names in `timezone`; a failure is logged, never thrown. */
export function atZonedTimes(expression: string, timezone: string, name: string, run: () => unknown): Stoppable {
  // Missed slots (a jump, a suspend) are not worth a line each: the interval jobs catch up, and say when time jumped.
  return cron.schedule(expression, () => safely(name, run), { timezone, suppressMissedWarning: true });
}

/** Runs `run` every `ms` (unref'd: it never keeps the process up); a failure is logged, never thrown. */
export function everyInterval(ms: number, name: string, run: () => unknown): Stoppable {
  const timer = setInterval(() => safely(name, run), ms);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function safely(name: string, run: () => unknown): void {
  try {
    const r = run();
    if (r instanceof Promise) r.catch((err: unknown) => failed(name, err));
  } catch (err) {
    failed(name, err);
  }
}

function failed(name: string, err: unknown): void {
  log.error(`job failed: ${name}`, { error: (err as Error)?.message ?? String(err) });
}
