// Simulated LED board: records every frame it is asked to show (tests, demos).
import type { LedAdapter } from '../led/led-adapter.js';

export interface LedFrame {
  lines: string[];
  blink: boolean;
  at: Date;
}

export class SimLed implements LedAdapter {
  readonly frames: LedFrame[] = [];
  /** The backlight is low (`cmd/power-save`). */
  dimmed = false;

  /** What the board shows now. */
  get current(): LedFrame | undefined {
    return this.frames.at(-1);
  }

  async show(lines: string[], blink = false): Promise<void> {
    this.frames.push({ lines: [...lines], blink, at: new Date() });
  }

  async dim(on: boolean): Promise<void> {
    this.dimmed = on;
  }

  async close(): Promise<void> {}
}
