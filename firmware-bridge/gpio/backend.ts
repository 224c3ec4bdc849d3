// The one GPIO interface every backend implements (onoff sysfs, gpiod command-line tools, simulated).

export type Level = 0 | 1;
export type Edge = 'rising' | 'falling' | 'both';
export type Bias = 'pull-up' | 'pull-down' | 'disabled';

/** A watched input; `close()` stops watching and releases the line. */
export interface Watch {
  close(): void;
}

export interface GpioOutput {
  write(value: Level): Promise<void>;
}

export interface GpioBackend {
  readonly name: 'onoff' | 'gpiod' | 'simulated';
  /**
   * Watches a physical input level. `onChange` gets the level once at start when the backend can read it, then on
   * each edge (`fromEdge` true: the level before it was the other one); levels are raw (no debounce, no active-low).
   */
  input(
    pin: number,
    edge: Edge,
    onChange: (value: Level, fromEdge?: boolean) => void,
    options?: { bias?: Bias },
  ): Watch;
  /** Claims a pin as output, driven to `initial` at once. */
  output(pin: number, initial?: Level): GpioOutput;
  /** Releases every pin. */
  close(): Promise<void>;
}

/** True when `value` passes an edge filter, given the previous level. */
export function edgeMatches(edge: Edge, value: Level): boolean {
  return edge === 'both' || (edge === 'rising' ? value === 1 : value === 0);
}
