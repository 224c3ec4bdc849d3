/** Calls and playbook notices on the hall's speakers. */
export { Announcer } from './announcer.js';
