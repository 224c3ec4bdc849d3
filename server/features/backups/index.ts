/** The hall's nightly backups (docs/operations.md, Backups). */
export { NightlyBackups, type BackupSettings } from './nightly-backups.js';
