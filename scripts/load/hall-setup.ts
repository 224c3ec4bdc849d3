/** Prepares a fresh hall for the load run: staff signed in at every counter, a kiosk, and the hall's 40 devices. */
import { deviceToken, login, staffAt, BOOTSTRAP_MANAGER, type Api } from '../lib/hall-process.js';
import type { RegisteredDevice } from './device-fleet.js';

export interface PreparedHall {
  manager: string;
  kiosk: string;
  staff: Map<string, string>;
  pads: Map<string, string>;
  devices: RegisteredDevice[];
  /** A printer kept apart from the fleet, for the status-flood attack. */
  flooder: RegisteredDevice;
}

/** The device mix of a 12-counter hall (40 in all): a board and a pad per counter, then buttons, printers, speakers, sensors. */
function deviceMix(counters: string[]): Array<{ id: string; kind: string; extra: Record<string, string> }> {
  return [
    ...counters.map((c) => ({ id: `led-${c}`, kind: 'led', extra: { counterId: c } })),
    ...counters.map((c) => ({ id: `pad-${c}`, kind: 'pad', extra: { counterId: c } })),
    ...counters.slice(0, 6).map((c) => ({ id: `button-${c}`, kind: 'button', extra: { counterId: c } })),
    ...['1', '2', '3', '4'].map((k) => ({ id: `printer-${k}`, kind: 'printer', extra: { kioskId: 'kiosk-1' } })),
    { id: 'speaker-hall', kind: 'speaker', extra: {} },
    { id: 'speaker-2', kind: 'speaker', extra: { counterId: counters[0] } },
    ...['door', 'seats', 'ups', 'smoke'].map((s) => ({ id: `sensor-${s}`, kind: 'sensor', extra: {} })),
  ];
}

async function register(
  api: Api,
  manager: string,
  id: string,
  kind: string,
  extra: Record<string, string>,
): Promise<RegisteredDevice & { token: string }> {
  const r = await api('POST', '/api/v1/devices', { id, kind, ...extra }, manager);
  if (r.status !== 201) throw new Error(`register ${kind} ${id} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { id, kind, mqtt: r.body.mqtt, token: r.body.token };
}

export async function prepareHall(api: Api, counters: string[], deviceCount: number): Promise<PreparedHall> {
  const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
  const kiosk = await deviceToken(api, manager, 'kiosk-1', 'kiosk');
  const staff = new Map<string, string>();
  for (const c of counters) staff.set(c, await staffAt(api, manager, c, `staff-${c}`));
  const devices: RegisteredDevice[] = [];
  const pads = new Map<string, string>();
  for (const d of deviceMix(counters).slice(0, deviceCount)) {
    const reg = await register(api, manager, d.id, d.kind, d.extra);
    devices.push(reg);
    if (d.kind === 'pad') pads.set(d.extra.counterId, reg.token);
  }
  const flooder = await register(api, manager, 'printer-flood', 'printer', { kioskId: 'kiosk-1' });
  return { manager, kiosk, staff, pads, devices, flooder };
}
