// Builds the bridge from its config — GPIO backend, then each device's drivers and MQTT link — and stops it in reverse.
import path from 'node:path';
import type { BridgeConfig, DeviceConfig, LedDeviceConfig, SpeakerDeviceConfig } from './config.js';
import { DeviceHost } from './device-host.js';
import type { DeviceDriver } from './drivers/driver.js';
import { GpioDriver } from './drivers/gpio-driver.js';
import { LedDriver } from './drivers/led-driver.js';
import { PrinterDriver } from './drivers/printer-driver.js';
import { SpeakerDriver } from './drivers/speaker-driver.js';
import type { GpioBackend } from './gpio/backend.js';
import { selectGpioBackend } from './gpio/select-backend.js';
import { ConsoleLedAdapter, TextLedAdapter, type LedAdapter } from './led/led-adapter.js';
import { createPrinterTransport } from './printer/transport.js';
import { SimLed } from './sim/sim-led.js';
import { SimSpeaker } from './sim/sim-speaker.js';
import { CommandSpeech, espeakCommand, templateCommand, type SpeechOutput } from './speaker/speech.js';
import { consoleLogger, type Logger } from './util/log.js';

/** Replaceable parts (tests and demos); anything left out is built from the config. */
export interface BridgeDeps {
  log?: Logger;
  gpio?: GpioBackend;
  speech?: (device: SpeakerDeviceConfig) => SpeechOutput;
  ledAdapter?: (device: LedDeviceConfig) => LedAdapter;
  /** The hall server said `cmd/power-off` (UPS battery nearly empty): main.ts stops the bridge and exits. */
  onPowerOff?: (minutesLeft: number | null) => void;
}

export class Bridge {
  readonly log: Logger;
  private readonly hosts = new Map<string, DeviceHost>();
  private gpio: GpioBackend | undefined;
  private ownsGpio = false;

  constructor(
    readonly config: BridgeConfig,
    private readonly deps: BridgeDeps = {},
  ) {
    this.log = deps.log ?? consoleLogger(config.logLevel);
  }

  /** A hosted device by id. */
  device(id: string): DeviceHost | undefined {
    return this.hosts.get(id);
  }

  async start(): Promise<void> {
    const { config } = this;
    if (config.devices.some((d) => d.gpio && (d.gpio.inputs.length || d.gpio.outputs.length))) {
      this.gpio = this.deps.gpio ?? (await selectGpioBackend(config.gpio, this.log.child('gpio')));
      this.ownsGpio = !this.deps.gpio;
    }
    for (const device of config.devices) {
      const log = this.log.child(device.id);
      const host = new DeviceHost(
        device.id,
        this.driversFor(device, log),
        {
          mqttUrl: config.mqttUrl,
          hallId: config.hallId,
          deviceId: device.id,
          username: device.mqtt.username,
          password: device.mqtt.password,
          stateDir: path.resolve(config.stateDir),
          reconnect: config.reconnect,
          log,
        },
        log,
        (minutesLeft) => this.powerOff(device.id, minutesLeft),
      );
      this.hosts.set(device.id, host);
      await host.start();
    }
    this.log.info(`bridge up: ${config.devices.length} device(s) for hall ${config.hallId} via ${config.mqttUrl}`);
  }

  /** Once, whichever hosted device heard it first. */
  private poweringOff = false;
  private powerOff(deviceId: string, minutesLeft: number | null): void {
    if (this.poweringOff) return;
    this.poweringOff = true;
    this.log.warn(`power-off from the hall server (via ${deviceId}, ${minutesLeft ?? '?'} min of battery left)`);
    this.deps.onPowerOff?.(minutesLeft);
  }

  async stop(): Promise<void> {
    const hosts = [...this.hosts.values()].reverse();
    this.hosts.clear();
    await Promise.all(hosts.map((h) => h.stop()));
    if (this.ownsGpio) await this.gpio?.close();
    this.gpio = undefined;
  }

  private driversFor(device: DeviceConfig, log: Logger): DeviceDriver[] {
    const drivers: DeviceDriver[] = [];
    switch (device.kind) {
      case 'printer':
        drivers.push(
          new PrinterDriver(createPrinterTransport(device.transport), {
            statusIntervalMs: device.statusIntervalSec * 1_000,
            statusTimeoutMs: device.statusTimeoutMs,
          }),
        );
        break;
      case 'speaker':
        drivers.push(
          new SpeakerDriver(this.speechFor(device), {
            pauseMs: device.pauseMs,
            maxQueue: device.maxQueue,
            staleAfterMs: device.staleAfterMs,
          }),
        );
        break;
      case 'led':
      case 'display':
        drivers.push(new LedDriver(this.ledAdapterFor(device, log)));
        break;
      case 'button':
      case 'sensor':
        break;
    }
    if (device.gpio && this.gpio) drivers.push(new GpioDriver(this.gpio, device.gpio, this.config.gpio.debounceMs));
    return drivers;
  }

  private speechFor(device: SpeakerDeviceConfig): SpeechOutput {
    if (this.deps.speech) return this.deps.speech(device);
    if (device.simulate) return new SimSpeaker();
    if (device.playCommand) return new CommandSpeech(templateCommand(device.playCommand), device.timeoutMs);
    return new CommandSpeech(espeakCommand(device.speed), device.timeoutMs, '/proc/asound/cards');
  }

  private ledAdapterFor(device: LedDeviceConfig, log: Logger): LedAdapter {
    if (this.deps.ledAdapter) return this.deps.ledAdapter(device);
    const a = device.adapter;
    if (a.type === 'text') return new TextLedAdapter(a, log);
    if (a.type === 'sim') return new SimLed();
    return new ConsoleLedAdapter(log);
  }
}
