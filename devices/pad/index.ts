// Evaluation pad screens and the five-level rating scale.

export { RATING_LEVELS, type RatingLevel } from './rating-levels.js';
export {
  ratingPrompt,
  idlePad,
  thanksPad,
  type PadScreen,
  type RatePadScreen,
  type IdlePadScreen,
  type ThanksPadScreen,
} from './pad-screens.js';
