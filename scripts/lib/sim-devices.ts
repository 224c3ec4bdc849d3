/**
 * Simulated hall hardware for demos: registers a kiosk printer (a fake TCP ESC/POS printer), a hall speaker that
 * prints what it would say, LED boards for every counter plus the hall board, and counter buttons, then runs the
 * real firmware bridge for them with simulated backends.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bridge } from '../../firmware-bridge/bridge.js';
import { parseBridgeConfig } from '../../firmware-bridge/config.js';
import { SimulatedGpio } from '../../firmware-bridge/gpio/simulated-backend.js';
import { FakePrinter } from '../../firmware-bridge/sim/fake-printer.js';
import { SimLed } from '../../firmware-bridge/sim/sim-led.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import type { SpeechOutput } from '../../firmware-bridge/speaker/speech.js';

export interface SimHall {
  bridge: Bridge;
  printer: FakePrinter;
  kioskToken: string;
  stop(): Promise<void>;
}

type Api = (method: string, path: string, body?: unknown, token?: string) => Promise<{ status: number; body: any }>;

/** Registers (or reuses) the simulated devices and starts the bridge for them. */
export async function startSimDevices(opts: {
  api: Api;
  managerToken: string;
  mqttUrl: string;
  hallId: string;
  counters: string[];
  say?: (text: string, lang: string) => void;
}): Promise<SimHall> {
  const { api, managerToken } = opts;
  const register = async (id: string, kind: string, extra: Record<string, string> = {}) => {
    const existing = (await api('GET', '/api/v1/devices', undefined, managerToken)).body.devices?.find(
      (d: any) => d.id === id,
    );
    // Credentials are shown only once: a device from an earlier run is replaced.
    if (existing) await api('DELETE', `/api/v1/devices/${id}`, undefined, managerToken);
    const r = await api('POST', '/api/v1/devices', { id, kind, ...extra }, managerToken);
    if (r.status !== 201) throw new Error(`cannot register ${id}: ${JSON.stringify(r.body)}`);
    return r.body as { token: string; mqtt: { username: string; password: string } };
  };
  const kiosk = await register('kiosk-1', 'kiosk');
  const printer = new FakePrinter();
  await printer.start();
  const devices: unknown[] = [];
  const printerReg = await register('printer-k1', 'printer', { kioskId: 'kiosk-1' });
  devices.push({
    id: 'printer-k1',
    kind: 'printer',
    mqtt: printerReg.mqtt,
    transport: { type: 'tcp', host: '127.0.0.1', port: printer.port },
    statusIntervalSec: 5,
  });
  const speakerReg = await register('speaker-hall', 'speaker');
  devices.push({ id: 'speaker-hall', kind: 'speaker', mqtt: speakerReg.mqtt, simulate: true, pauseMs: 300 });
  const hallLed = await register('led-hall', 'led');
  devices.push({ id: 'led-hall', kind: 'led', mqtt: hallLed.mqtt, adapter: { type: 'sim' } });
  for (const c of opts.counters) {
    const led = await register(`led-c${c}`, 'led', { counterId: c });
    devices.push({ id: `led-c${c}`, kind: 'led', mqtt: led.mqtt, adapter: { type: 'sim' } });
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'hallq-sim-'));
  const config = parseBridgeConfig({
    mqttUrl: opts.mqttUrl,
    hallId: opts.hallId,
    stateDir,
    logLevel: 'silent',
    gpio: { backend: 'simulated' },
    devices,
  });
  const speech: SpeechOutput = {
    async speak(text: string, lang: string) {
      opts.say?.(text, lang);
    },
    cancel() {},
  };
  const bridge = new Bridge(config, {
    log: silentLogger,
    gpio: new SimulatedGpio(),
    speech: () => speech,
    ledAdapter: () => new SimLed(),
  });
  await bridge.start();
  return {
    bridge,
    printer,
    kioskToken: kiosk.token,
    async stop() {
      await bridge.stop();
      await printer.stop();
    },
  };
}
