// One hosted device: its MQTT link plus its drivers; validates and dedupes commands, acks each, feeds `desired`.
import path from 'node:path';
import { parseCommandPayload } from '../devices/protocol/mqtt-schemas.js';
import {
  isCommandName,
  type AckPayload,
  type CommandName,
  type DeviceCommands,
} from '../devices/protocol/mqtt-topics.js';
import type { DeviceDriver, DriverContext } from './drivers/driver.js';
import { CommandLog } from './mqtt/command-log.js';
import { DeviceLink, type DeviceLinkOptions } from './mqtt/device-link.js';
import type { Logger } from './util/log.js';

export class DeviceHost {
  readonly link: DeviceLink;
  private readonly commandLog: CommandLog;
  private readonly started: DeviceDriver[] = [];
  /** Set first thing in stop(): commands arriving from then on are neither run nor acked (the server resends them). */
  private stopping = false;

  constructor(
    readonly id: string,
    readonly drivers: DeviceDriver[],
    linkOptions: DeviceLinkOptions,
    private readonly log: Logger,
    /** `cmd/power-off` was acked: the bridge stops every device it hosts and exits (firmware-bridge/main.ts). */
    private readonly onPowerOff?: (minutesLeft: number | null) => void,
  ) {
    this.link = new DeviceLink(linkOptions, {
      command: (name, payload) => void this.handleCommand(name, payload),
      desired: (payload) => void this.handleDesired(payload),
    });
    this.commandLog = new CommandLog(path.join(linkOptions.stateDir, `${id}.commands.json`));
  }

  /** Starts the drivers (one failing is logged, the others go on), then connects. */
  async start(): Promise<void> {
    const ctx: DriverContext = { emit: (name, body) => void this.link.emit(name, body), log: this.log };
    for (const driver of this.drivers) {
      try {
        await driver.start({ ...ctx, log: this.log.child(driver.name) });
        this.started.push(driver);
      } catch (err) {
        this.log.error(`${driver.name} failed to start: ${(err as Error).message}`);
      }
    }
    this.link.start();
  }

  /**
   * Stops the drivers in reverse order, then says `offline` and disconnects. The link stays subscribed until the end,
   * so commands may still arrive: they are left unacked (not refused with `unsupported-command`), and the server
   * resends them to the next bridge process. Commands already running finish and are acked as usual.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const driver of this.started.splice(0).reverse()) {
      await driver.stop().catch((err: Error) => this.log.warn(`${driver.name} stop: ${err.message}`));
    }
    await this.link.stop();
  }

  private async handleCommand(name: string, payload: Buffer): Promise<void> {
    if (this.stopping) {
      this.log.debug(`cmd/${name} while stopping: not run, not acked (the server resends it)`);
      return;
    }
    const id = commandId(payload);
    if (!id) {
      this.log.warn(`cmd/${name} without an id: dropped`);
      return;
    }
    const ack = await this.execute(name, id, payload);
    if (!ack.ok) this.log.warn(`cmd/${name} ${id} failed: ${ack.error}`);
    this.link.ack(ack);
    if (name === 'power-off' && ack.ok) {
      const parsed = parseCommandPayload('power-off', payload);
      this.onPowerOff?.(parsed.ok ? parsed.value.minutesLeft : null);
    }
  }

  private async execute(name: string, id: string, payload: Buffer): Promise<AckPayload> {
    if (!isCommandName(name)) return { id, ok: false, error: 'unknown-command' };
    // The host's own command, not a driver's: it is acked before the host stops (handleCommand).
    if (name === 'power-off') {
      const parsed = parseCommandPayload(name, payload);
      if (!parsed.ok) return { id, ok: false, error: `bad-payload: ${parsed.error}` };
      return { id, ok: true };
    }
    const handler = this.handlerFor(name);
    if (!handler) return { id, ok: false, error: `unsupported-command: ${name}` };
    const parsed = parseCommandPayload(name, payload);
    if (!parsed.ok) return { id, ok: false, error: `bad-payload: ${parsed.error}` };
    return this.commandLog.run(id, () => handler(parsed.value));
  }

  private handlerFor<N extends CommandName>(name: N): ((cmd: DeviceCommands[N]) => Promise<void>) | undefined {
    for (const driver of this.started) {
      const handler = driver.commands[name];
      if (handler) return handler;
    }
    return undefined;
  }

  private async handleDesired(payload: Buffer): Promise<void> {
    if (payload.length === 0 || this.stopping) return;
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      this.log.warn('desired: not JSON; ignored');
      return;
    }
    for (const driver of this.started) {
      await driver.desired?.(value).catch((err: Error) => this.log.warn(`${driver.name} desired: ${err.message}`));
    }
  }
}

/** The `id` of a command payload, if it has a usable one. */
function commandId(payload: Buffer): string | undefined {
  try {
    const id = (JSON.parse(payload.toString('utf8')) as { id?: unknown })?.id;
    return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : undefined;
  } catch {
    return undefined;
  }
}
