/** Emergency playbooks as features: started and ended by triggers, their notices said, their actions carried out. */
export { PlaybookActions } from './actions.js';
export { AutomaticTriggers } from './automatic-triggers.js';
export { DrillReports } from './drill-reports.js';
export { PlaybookNotices } from './notices.js';
export { PowerGuard } from './power-guard.js';
export { BATTERY_COALESCE_MS, PowerSave, POWER_SAVE_KINDS } from './power-save.js';
export { ProposalBook } from '../../core/proposal-book.js';
export { conditionHolds, deviceTriggerVerdicts, MetricHysteresis } from './triggers.js';
