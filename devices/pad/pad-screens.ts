// What a counter's evaluation pad shows: its retained `desired` payload.

import { RATING_LEVELS, type RatingLevel } from './rating-levels.js';

interface PadCounter {
  counterName: string;
  staffName?: string;
}

interface PadScreenBase extends PadCounter {
  /**
   * The ticket the pad may rate (sent back in evt/rating), or null when there is nothing to
   * rate; devices/protocol's RateDesired reads this field from every pad screen.
   */
  ticketId: string | null;
}

export interface RatePadScreen extends PadScreenBase {
  screen: 'rate';
  ticketNumber: string;
  levels: readonly RatingLevel[];
}

export interface IdlePadScreen extends PadScreenBase {
  screen: 'idle';
  ticketId: null;
  message: string;
  messageEn: string;
}

export interface ThanksPadScreen extends PadScreenBase {
  screen: 'thanks';
  ticketId: null;
  ticketNumber?: string;
  score?: number;
  message: string;
  messageEn: string;
}

export type PadScreen = RatePadScreen | IdlePadScreen | ThanksPadScreen;

/** Ask the visitor of a finished ticket to rate the service (score 5 = 非常满意 … 1). */
export function ratingPrompt(input: PadCounter & { ticketNumber: string; ticketId?: string }): RatePadScreen {
  return {
    screen: 'rate',
    ticketId: input.ticketId ?? null,
    ticketNumber: input.ticketNumber,
    ...counter(input),
    levels: RATING_LEVELS,
  };
}

/** Between visitors: which counter, who serves here. */
export function idlePad(input: PadCounter): IdlePadScreen {
  return { screen: 'idle', ticketId: null, ...counter(input), message: '欢迎办理', messageEn: 'Welcome' };
}

/** After a rating; the ticket can no longer be rated, so ticketId is null. */
export function thanksPad(input: PadCounter & { ticketNumber?: string; score?: number }): ThanksPadScreen {
  return {
    screen: 'thanks',
    ticketId: null,
    ...counter(input),
    ...(input.ticketNumber !== undefined ? { ticketNumber: input.ticketNumber } : {}),
    ...(input.score !== undefined ? { score: input.score } : {}),
    message: '感谢您的评价',
    messageEn: 'Thank you for your feedback',
  };
}

// Leave staffName out rather than null: the payload is retained JSON and stays minimal.
function counter(input: PadCounter): PadCounter {
  return input.staffName
    ? { counterName: input.counterName, staffName: input.staffName }
    : { counterName: input.counterName };
}
