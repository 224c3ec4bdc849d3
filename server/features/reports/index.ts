/** Daily and monthly reports, frozen when the hall day or month is over (docs/api.md, Reports). */
export { DayReports } from './day-reports.js';
