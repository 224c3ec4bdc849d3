// LED board / display: `cmd/show` and the retained `desired` both put lines on the board, in arrival order;
// `cmd/power-save` (the hall on UPS battery) stops blinking and dims the backlight where the board can, until mains.
import { showDesiredSchema } from '../../devices/protocol/mqtt-schemas.js';
import type { ShowCommand } from '../../devices/protocol/mqtt-topics.js';
import type { LedAdapter } from '../led/led-adapter.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { CommandHandlers, DeviceDriver, DriverContext } from './driver.js';

export class LedDriver implements DeviceDriver {
  readonly name = 'led';
  readonly commands: CommandHandlers = {
    show: (cmd) => this.show(cmd.lines, cmd.blink),
    'power-save': (cmd) => this.powerSave(cmd.on),
  };
  private readonly queue = new SerialQueue();
  private ctx: DriverContext | undefined;
  private saving = false;
  /** The lines last asked for, to show them again (blinking or not) when power-save changes. */
  private last: { lines: string[]; blink: boolean } | undefined;

  constructor(private readonly adapter: LedAdapter) {}

  async start(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
  }

  async stop(): Promise<void> {
    await this.queue.idle();
    await this.adapter.close();
  }

  /** `desired` is `{lines, blink?}`; anything else is logged and left alone. */
  async desired(value: unknown): Promise<void> {
    const parsed = showDesiredSchema.safeParse(value);
    if (!parsed.success) {
      this.ctx?.log.warn('desired: expected {lines, blink?}; ignored');
      return;
    }
    await this.show(parsed.data.lines, parsed.data.blink);
  }

  private show(lines: ShowCommand['lines'], blink?: boolean): Promise<void> {
    return this.queue.run(() => {
      this.last = { lines, blink: !!blink };
      return this.adapter.show(lines, !!blink && !this.saving);
    });
  }

  /** Calls stay on the board: only the backlight and the blinking (an animation) are given up while on battery. */
  private powerSave(on: boolean): Promise<void> {
    return this.queue.run(async () => {
      const changed = this.saving !== on;
      this.saving = on;
      await this.adapter.dim?.(on);
      if (changed && this.last?.blink) await this.adapter.show(this.last.lines, !on);
    });
  }
}
