// A device's GPIO lines: debounced inputs become `evt/press|power|alarm|count`, `cmd/gpio` drives named outputs.
import type { GpioCommand } from '../../devices/protocol/mqtt-topics.js';
import type { DeviceGpioConfig, GpioInputConfig, GpioOutputConfig } from '../config.js';
import type { GpioBackend, GpioOutput, Level, Watch } from '../gpio/backend.js';
import { createDebouncer, type Debouncer } from '../gpio/debounce.js';
import type { CommandHandlers, DeviceDriver, DriverContext } from './driver.js';

const invert = (v: Level): Level => (v ? 0 : 1);

export class GpioDriver implements DeviceDriver {
  readonly name = 'gpio';
  readonly commands: CommandHandlers = { gpio: (cmd) => this.setOutput(cmd) };
  private readonly watches: Watch[] = [];
  private readonly debouncers: Debouncer[] = [];
  private readonly outputs = new Map<string, { config: GpioOutputConfig; line: GpioOutput; pulse?: NodeJS.Timeout }>();
  private inside = 0;
  private ctx: DriverContext | undefined;
  private stopped = false;

  constructor(
    private readonly backend: GpioBackend,
    private readonly config: DeviceGpioConfig,
    private readonly defaultDebounceMs: number,
  ) {}

  async start(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
    this.stopped = false;
    for (const output of this.config.outputs) {
      const physical = output.activeLow ? invert(output.initial) : output.initial;
      this.outputs.set(output.name, { config: output, line: this.backend.output(output.pin, physical) });
    }
    for (const input of this.config.inputs) {
      // Every input starts unknown: its first settled level is only the baseline for momentary contacts (a button held,
      // or an emergency button latched, while the bridge starts is no press: a press needs released → pressed), and
      // is reported for level inputs (UPS, fire panel). If the backend could not read the level at start, its first
      // report is an edge, so the level before it (the other one) is the baseline.
      const momentary = input.event === 'press' || input.event === 'count';
      let debouncer: Debouncer | undefined;
      const watch = this.backend.input(
        input.pin,
        'both',
        (raw, fromEdge) => {
          if (this.stopped) return; // a level still on its way from a closed watch
          const value = input.activeLow ? invert(raw) : raw;
          if (!debouncer) {
            debouncer = createDebouncer({
              ms: input.debounceMs ?? this.defaultDebounceMs,
              initial: momentary && fromEdge ? invert(value) : undefined,
              onStable: (level, previous) => this.onInput(input, level, previous),
            });
            this.debouncers.push(debouncer);
          }
          debouncer.push(value);
        },
        { bias: input.bias },
      );
      this.watches.push(watch);
    }
    ctx.log.info(
      `gpio (${this.backend.name}): ${this.config.inputs.length} input(s), ${this.config.outputs.length} output(s)`,
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watches.splice(0)) w.close();
    for (const d of this.debouncers.splice(0)) d.dispose();
    for (const o of this.outputs.values()) clearTimeout(o.pulse);
  }

  /** `active` is the logical level (after active-low); `previous` undefined = the first level (a baseline). */
  private onInput(input: GpioInputConfig, active: Level, previous: Level | undefined): void {
    const ctx = this.ctx;
    if (!ctx) return;
    switch (input.event) {
      case 'press':
        if (active === 1 && previous === 0) ctx.emit('press', { button: input.button });
        break;
      case 'power':
        ctx.emit('power', { onBattery: active === 1 });
        break;
      case 'alarm':
        ctx.emit('alarm', { active: active === 1 });
        break;
      case 'count':
        if (active === 1 && previous === 0) {
          this.inside = Math.max(0, this.inside + input.delta);
          ctx.emit('count', { inside: this.inside });
        }
        break;
    }
  }

  private async setOutput(cmd: GpioCommand): Promise<void> {
    const output = this.outputs.get(cmd.output);
    if (!output) throw new Error(`unknown-output: ${cmd.output}`);
    const physical = (v: Level) => (output.config.activeLow ? invert(v) : v);
    clearTimeout(output.pulse);
    await output.line.write(physical(cmd.value));
    if (cmd.pulseMs) {
      output.pulse = setTimeout(() => {
        output.line.write(physical(invert(cmd.value))).catch((err: Error) => this.ctx?.log.warn(err.message));
      }, cmd.pulseMs);
    }
  }
}
