/**
 * A feature of the hall on the bus, as Zigbee2MQTT's extensions are: its constructor only stores what it needs,
 * `start()` subscribes, `stop()` removes every listener and timer it owns. The hall starts its list in order and
 * stops it in reverse; a feature failing to start is logged and the rest go on, unless the hall cannot run without it.
 */
import { log } from '../log.js';

export interface Feature {
  readonly name: string;
  /** The hall cannot run without it: its failure to start stops the start. */
  readonly required?: boolean;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** Starts the features in order; returns those that started (stop them with `stopFeatures`). */
export async function startFeatures(features: readonly Feature[]): Promise<Feature[]> {
  const started: Feature[] = [];
  for (const f of features) {
    try {
      await f.start();
      started.push(f);
    } catch (err) {
      if (f.required) {
        await stopFeatures(started);
        throw err;
      }
      log.error('feature failed to start; the hall goes on without it', {
        feature: f.name,
        error: (err as Error).message,
      });
    }
  }
  return started;
}

/** Stops started features in reverse order; one failing to stop does not keep the others running. */
export async function stopFeatures(started: readonly Feature[]): Promise<void> {
  for (const f of [...started].reverse()) {
    try {
      await f.stop();
    } catch (err) {
      log.error('feature failed to stop', { feature: f.name, error: (err as Error).message });
    }
  }
}
