// GPIO through the kernel's sysfs interface with the optional `onoff` package, loaded only when it is wanted.
import type { Logger } from '../util/log.js';
import type { Bias, Edge, GpioBackend, GpioOutput, Level, Watch } from './backend.js';

/** The part of onoff's Gpio class used here (declared locally: onoff is optional and may be absent). */
interface OnoffGpio {
  readSync(): Level;
  write(value: Level): Promise<void>;
  watch(callback: (err: Error | null | undefined, value: Level) => void): void;
  unwatchAll(): void;
  unexport(): void;
}
interface OnoffGpioClass {
  new (gpio: number, direction: 'in' | 'out' | 'high' | 'low', edge?: 'none' | Edge): OnoffGpio;
  accessible: boolean;
}

/** Loads onoff; null (with the reason logged) when it is missing, fails to build/load, or sysfs GPIO is not usable. */
export async function loadOnoff(log: Logger): Promise<OnoffGpioClass | null> {
  const moduleName = 'onoff';
  try {
    const mod = (await import(moduleName)) as { Gpio?: OnoffGpioClass; default?: { Gpio?: OnoffGpioClass } };
    const Gpio = mod.Gpio ?? mod.default?.Gpio;
    if (!Gpio) throw new Error('no Gpio export');
    if (!Gpio.accessible) {
      log.warn('onoff: sysfs GPIO is not accessible here');
      return null;
    }
    return Gpio;
  } catch (err) {
    log.warn(`onoff unavailable: ${(err as Error).message}`);
    return null;
  }
}

export class OnoffBackend implements GpioBackend {
  readonly name = 'onoff';
  private readonly claimed = new Set<OnoffGpio>();

  constructor(
    private readonly Gpio: OnoffGpioClass,
    private readonly log: Logger,
  ) {}

  input(
    pin: number,
    edge: Edge,
    onChange: (value: Level, fromEdge?: boolean) => void,
    options: { bias?: Bias } = {},
  ): Watch {
    if (options.bias)
      this.log.warn(
        `gpio ${pin}: sysfs cannot set bias ${options.bias}; use a device-tree overlay or external resistor`,
      );
    const gpio = new this.Gpio(pin, 'in', edge);
    this.claimed.add(gpio);
    const initial = gpio.readSync();
    queueMicrotask(() => onChange(initial, false));
    gpio.watch((err, value) => {
      if (err) this.log.warn(`gpio ${pin}: ${err.message}`);
      else onChange(value, true);
    });
    return {
      close: () => {
        if (!this.claimed.delete(gpio)) return;
        gpio.unwatchAll();
        gpio.unexport();
      },
    };
  }

  output(pin: number, initial: Level = 0): GpioOutput {
    const gpio = new this.Gpio(pin, initial ? 'high' : 'low');
    this.claimed.add(gpio);
    return { write: (value) => gpio.write(value) };
  }

  async close(): Promise<void> {
    for (const gpio of this.claimed) {
      gpio.unwatchAll();
      gpio.unexport();
    }
    this.claimed.clear();
  }
}
