// The lifecycle every device driver follows: constructor stores dependencies, start() begins, stop() releases everything.
import type { CommandName, DeviceCommands, EventBody, EventName } from '../../devices/protocol/mqtt-topics.js';
import type { Logger } from '../util/log.js';

/** What a started driver may use. */
export interface DriverContext {
  /** Queues an event for the device's `evt/<name>` (id and time are added; delivery survives outages). */
  emit<N extends EventName>(name: N, body: EventBody<N>): void;
  log: Logger;
}

/** Command handlers a driver offers; throwing acks `{ok: false, error: message}`. */
export type CommandHandlers = { [N in CommandName]?: (command: DeviceCommands[N]) => Promise<void> };

export interface DeviceDriver {
  /** For logs: `printer`, `speaker`, `led`, `gpio`. */
  readonly name: string;
  readonly commands: CommandHandlers;
  start(ctx: DriverContext): Promise<void>;
  stop(): Promise<void>;
  /** The device's retained `desired` payload, JSON-decoded. */
  desired?(value: unknown): Promise<void>;
}
