// In-memory GPIO for tests and demos: set input levels by hand, read back what outputs were driven to.
import { edgeMatches, type Edge, type GpioBackend, type GpioOutput, type Level, type Watch } from './backend.js';

interface Listener {
  edge: Edge;
  onChange(value: Level, fromEdge?: boolean): void;
}

export class SimulatedGpio implements GpioBackend {
  readonly name = 'simulated';
  private readonly levels = new Map<number, Level>();
  private readonly listeners = new Map<number, Set<Listener>>();

  /** Sets an input's physical level; watchers hear about changes (synchronously). */
  setInput(pin: number, value: Level): void {
    if (this.levels.get(pin) === value) return;
    this.levels.set(pin, value);
    for (const l of this.listeners.get(pin) ?? []) if (edgeMatches(l.edge, value)) l.onChange(value, true);
  }

  /** The current level of a pin (input or output); inputs start at 0. */
  level(pin: number): Level {
    return this.levels.get(pin) ?? 0;
  }

  input(pin: number, edge: Edge, onChange: (value: Level, fromEdge?: boolean) => void): Watch {
    const listener: Listener = { edge, onChange };
    const set = this.listeners.get(pin) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(pin, set);
    const initial = this.level(pin);
    queueMicrotask(() => set.has(listener) && onChange(initial, false));
    return { close: () => set.delete(listener) };
  }

  output(pin: number, initial: Level = 0): GpioOutput {
    const write = async (value: Level) => this.setInput(pin, value);
    void write(initial);
    return { write };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
