/** Evaluation pads: idle, rating prompt, thanks. */
export { Pads } from './pads.js';
