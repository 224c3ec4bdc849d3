// LED board frames for counter boards and the hall board.

export type { LedFrame } from './led-frame.js';
export { cellWidth, fitLine, LED_LINE_CELLS } from './line-width.js';
export { counterBoardFrame, type CounterBoardInput } from './counter-board.js';
export {
  hallBoardFrame,
  OUT_OF_TURN_LABELS,
  type HallBoardCall,
  type HallBoardInput,
  type OutOfTurnCategory,
} from './hall-board.js';
