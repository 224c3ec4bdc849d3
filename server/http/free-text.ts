/** Free text people type (reasons, comments, notes): ID and mobile numbers masked before it reaches the domain. */
import { maskFreeText } from '../domain/free-text-mask.js';
import { text } from './validation.js';

// Nothing a reader can see: spaces, controls, format characters (zero-width, bidi marks), marks with no base,
// unassigned and private-use code points, and the blank-looking fillers.
const VISIBLE = /[^\s\p{C}\p{Z}\p{M}\u115f\u1160\u2800\u3164\uffa0]/u;

/** Whether a reader would see anything in `s`. */
export function hasVisibleCharacter(s: string): boolean {
  return VISIBLE.test(s);
}

/** Free text of at most `max` characters, with ID numbers and mobile numbers masked. */
export const freeText = (max: number) => text(max).transform(maskFreeText);

/**
 * A reason (out-of-turn call, pause, priority): free text that must show something. One with no visible character
 * becomes empty, so the domain refuses it as missing (REASON_REQUIRED, PRIORITY_REASON_REQUIRED).
 */
export const reasonText = (max: number) => freeText(max).transform((s) => (hasVisibleCharacter(s) ? s : ''));
