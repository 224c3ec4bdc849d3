// An LED board frame: plain lines of text, so any bridge can drive any board.

export interface LedFrame {
  lines: string[];
  /** Flash the frame: a fresh call that should catch the eye. */
  blink?: boolean;
}
