/** LED boards: a counter's number and status, the hall's latest calls, queues and banner. */
export { LedBoards } from './led-boards.js';
