// The bridge config file (bridge.json): zod schema, defaults, and a loader whose errors name the bad field.
import fs from 'node:fs';
import { z } from 'zod';
import { PRESS_BUTTONS } from '../devices/protocol/mqtt-topics.js';
import { describeZodError } from '../devices/protocol/mqtt-schemas.js';
import { playCommandProblem } from './speaker/speech.js';

const pin = z.number().int().min(0).max(4095);
const level = z.union([z.literal(0), z.literal(1)]);
const bias = z.enum(['pull-up', 'pull-down', 'disabled']);

const inputCommon = {
  pin,
  /** The contact closes to ground (pressed / active = low level). */
  activeLow: z.boolean().default(false),
  /** Overrides the bridge-wide `gpio.debounceMs`. */
  debounceMs: z.number().int().min(0).max(10_000).optional(),
  /** gpiod backend only (sysfs cannot set it). */
  bias: bias.optional(),
};

/** A GPIO input and the device event it produces. */
export const gpioInputSchema = z.discriminatedUnion('event', [
  /** Counter button (call / recall / no-show) or emergency button → `evt/press {button}` when it becomes active. */
  z.object({ ...inputCommon, event: z.literal('press'), button: z.enum(PRESS_BUTTONS) }),
  /** UPS "on battery" line → `evt/power {onBattery}` on every change (and once at start). */
  z.object({ ...inputCommon, event: z.literal('power') }),
  /** Fire panel contact → `evt/alarm {active}` on every change (and once at start). */
  z.object({ ...inputCommon, event: z.literal('alarm') }),
  /** People-counter beam: each activation adds `delta` to `inside` → `evt/count {inside}`. */
  z.object({ ...inputCommon, event: z.literal('count'), delta: z.union([z.literal(1), z.literal(-1)]) }),
]);
export type GpioInputConfig = z.infer<typeof gpioInputSchema>;

/** A GPIO output driven by `cmd/gpio {output: name, value}`. */
export const gpioOutputSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only'),
  pin,
  initial: level.default(0),
  activeLow: z.boolean().default(false),
});
export type GpioOutputConfig = z.infer<typeof gpioOutputSchema>;

export const deviceGpioSchema = z.object({
  inputs: z.array(gpioInputSchema).default([]),
  outputs: z.array(gpioOutputSchema).default([]),
});
export type DeviceGpioConfig = z.infer<typeof deviceGpioSchema>;

/** A print fails (`offline: write timeout`) once the printer took no byte for this long; the connection is dropped. */
const writeTimeoutMs = z.number().int().min(100).default(10_000);

export const printerTransportSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('tcp'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(9100),
    connectTimeoutMs: z.number().int().min(100).default(3_000),
    writeTimeoutMs,
  }),
  /** A device path such as /dev/usb/lp0 or /dev/ttyUSB0 (configure a tty's speed with stty first). */
  z.object({ type: z.literal('file'), path: z.string().min(1), writeTimeoutMs }),
]);
export type PrinterTransportConfig = z.infer<typeof printerTransportSchema>;

export const ledAdapterSchema = z.discriminatedUnion('type', [
  /** Plain text on a serial port or device file. */
  z.object({
    type: z.literal('text'),
    path: z.string().min(1),
    encoding: z.enum(['gb18030', 'utf8']).default('gb18030'),
    /** Form feed (clear) before the text (default) or after it, as the board expects. */
    formFeed: z.enum(['before', 'after']).default('before'),
    /** If set, `stty -F <path> <baudRate> raw -echo clocal` runs before the port is opened. */
    baudRate: z.number().int().positive().optional(),
    /** A frame fails (`offline: write timeout`) once the board took no byte for this long; the port is closed. */
    writeTimeoutMs: z.number().int().min(100).default(5_000),
  }),
  z.object({ type: z.literal('console') }),
  /** Records frames in memory (demos, tests). */
  z.object({ type: z.literal('sim') }),
]);
export type LedAdapterConfig = z.infer<typeof ledAdapterSchema>;

const deviceCommon = {
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (max 64), as registered on the server'),
  mqtt: z.object({ username: z.string().min(1), password: z.string() }),
  gpio: deviceGpioSchema.optional(),
};

export const deviceSchema = z.discriminatedUnion('kind', [
  z.object({
    ...deviceCommon,
    kind: z.literal('printer'),
    transport: printerTransportSchema,
    /** Seconds between DLE EOT status polls; 0 = never poll. */
    statusIntervalSec: z.number().min(0).default(10),
    /** Wait this long for each status reply before calling the printer `offline`. */
    statusTimeoutMs: z.number().int().min(50).default(1_500),
  }),
  z.object({
    ...deviceCommon,
    kind: z.literal('speaker'),
    /**
     * Program and arguments (no shell); `{text}`, `{lang}`, `{voice}` are replaced. Default: espeak-ng. The text comes
     * from hall data, so `{text}` must be a whole argument and never reach a shell or an interpreter's `-c`/`-e`.
     */
    playCommand: z
      .array(z.string())
      .min(1)
      .superRefine((template, ctx) => {
        const problem = playCommandProblem(template);
        if (problem)
          ctx.addIssue({
            code: 'custom',
            path: problem.index === undefined ? [] : [problem.index],
            message: problem.message,
          });
      })
      .optional(),
    /** Record announcements instead of speaking (demos). */
    simulate: z.boolean().default(false),
    /** espeak-ng speed, words per minute. */
    speed: z.number().int().min(80).max(400).default(140),
    /** Silence between the repeats of one announcement. */
    pauseMs: z.number().int().min(0).max(10_000).default(700),
    /** Longest one utterance may take before it is killed. */
    timeoutMs: z.number().int().min(1_000).default(30_000),
    /** Announcements waiting beyond this are refused (`queue-full`). */
    maxQueue: z.number().int().min(1).default(20),
    /** An announcement still queued after this long is dropped unspoken. */
    staleAfterMs: z.number().int().min(1_000).default(60_000),
  }),
  z.object({ ...deviceCommon, kind: z.enum(['led', 'display']), adapter: ledAdapterSchema }),
  /** Buttons and sensors are GPIO only. */
  z.object({ ...deviceCommon, kind: z.enum(['button', 'sensor']), gpio: deviceGpioSchema }),
]);
export type DeviceConfig = z.infer<typeof deviceSchema>;
export type PrinterDeviceConfig = Extract<DeviceConfig, { kind: 'printer' }>;
export type SpeakerDeviceConfig = Extract<DeviceConfig, { kind: 'speaker' }>;
export type LedDeviceConfig = Extract<DeviceConfig, { kind: 'led' | 'display' }>;

export const bridgeConfigSchema = z
  .object({
    /** `mqtt://host:1883` (or mqtts://). */
    mqttUrl: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
    hallId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
    /** Where the per-device outbox and recent command results live. */
    stateDir: z.string().min(1).default('./data/bridge'),
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    reconnect: z
      .object({ minMs: z.number().int().min(50).default(1_000), maxMs: z.number().int().min(50).default(30_000) })
      .default({ minMs: 1_000, maxMs: 30_000 }),
    gpio: z
      .object({
        backend: z.enum(['auto', 'onoff', 'gpiod', 'simulated']).default('auto'),
        /** gpiod: the chip whose line offsets the pins are. onoff: pins are sysfs GPIO numbers. */
        chip: z.string().min(1).default('gpiochip0'),
        /** gpiod CLI major version; detected from `gpiomon --version` when absent. */
        gpiodVersion: z.union([z.literal(1), z.literal(2)]).optional(),
        debounceMs: z.number().int().min(0).max(10_000).default(50),
      })
      .default({ backend: 'auto', chip: 'gpiochip0', debounceMs: 50 }),
    devices: z.array(deviceSchema).min(1),
  })
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    const pins = new Map<number, string>();
    config.devices.forEach((device, i) => {
      if (ids.has(device.id))
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `duplicate device id ${device.id}` });
      ids.add(device.id);
      const gpio = device.gpio;
      if (!gpio) return;
      const names = new Set<string>();
      gpio.outputs.forEach((o, j) => {
        if (names.has(o.name))
          ctx.addIssue({
            code: 'custom',
            path: ['devices', i, 'gpio', 'outputs', j, 'name'],
            message: `duplicate output ${o.name}`,
          });
        names.add(o.name);
      });
      const used: Array<[number, (string | number)[]]> = [
        ...gpio.inputs.map((x, j): [number, (string | number)[]] => [
          x.pin,
          ['devices', i, 'gpio', 'inputs', j, 'pin'],
        ]),
        ...gpio.outputs.map((x, j): [number, (string | number)[]] => [
          x.pin,
          ['devices', i, 'gpio', 'outputs', j, 'pin'],
        ]),
      ];
      for (const [p, path] of used) {
        const owner = pins.get(p);
        if (owner) ctx.addIssue({ code: 'custom', path, message: `pin ${p} is already used by ${owner}` });
        pins.set(p, device.id);
      }
    });
  });
export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;

/** A config problem, its message naming the field (`devices[1].transport.host: …`). */
export class ConfigError extends Error {}

/** Validates an already-parsed config object. */
export function parseBridgeConfig(data: unknown, source = 'config'): BridgeConfig {
  const result = bridgeConfigSchema.safeParse(data);
  if (!result.success) throw new ConfigError(`${source}: ${describeZodError(result.error)}`);
  return result.data;
}

/** Reads and validates a bridge config file. */
export function loadBridgeConfig(file: string): BridgeConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseBridgeConfig(data, file);
}
