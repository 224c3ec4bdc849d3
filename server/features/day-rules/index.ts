/** Timed rules of the hall's day: appointment no-shows, extended service, A/B posts. */
export { DayRules } from './day-rules.js';
