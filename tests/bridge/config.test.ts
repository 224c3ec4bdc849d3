import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadBridgeConfig, parseBridgeConfig } from '../../firmware-bridge/config.js';
import { tempDir } from './helpers.js';

const base = { mqttUrl: 'mqtt://127.0.0.1:1883', hallId: 'yunfu' };
const creds = { username: 'u', password: 'p' };

describe('bridge config', () => {
  it('loads the example file with defaults filled in', () => {
    const config = loadBridgeConfig(path.join(import.meta.dirname, '../../firmware-bridge/bridge.example.json'));
    expect(config.gpio.debounceMs).toBe(50);
    const printer = config.devices.find((d) => d.id === 'printer-k2');
    expect(printer).toMatchObject({ kind: 'printer', statusIntervalSec: 10, statusTimeoutMs: 1500 });
  });

  it('names the bad field', () => {
    const bad = (devices: unknown[]) => () => parseBridgeConfig({ ...base, devices }, 'bridge.json');
    expect(bad([{ id: 'p1', kind: 'printer', mqtt: creds, transport: { type: 'tcp' } }])).toThrow(/^bridge\.json: devices\[0\]\.transport\.host: /);
    expect(bad([{ id: 'p1', kind: 'toaster', mqtt: creds }])).toThrow(/devices\[0\]\.kind/);
    expect(bad([{ id: 'b1', kind: 'button', mqtt: creds, gpio: { inputs: [{ pin: 4, event: 'press', button: 'panic' }] } }])).toThrow(
      /devices\[0\]\.gpio\.inputs\[0\]\.button/,
    );
    expect(bad([])).toThrow(/devices: /);
  });

  it('refuses duplicate device ids and pins', () => {
    const b = (id: string, pin: number) => ({ id, kind: 'button', mqtt: creds, gpio: { inputs: [{ pin, event: 'press', button: 'call' }] } });
    expect(() => parseBridgeConfig({ ...base, devices: [b('a', 1), b('a', 2)] })).toThrow(/devices\[1\]\.id: duplicate device id a/);
    expect(() => parseBridgeConfig({ ...base, devices: [b('a', 1), b('b', 1)] })).toThrow(/devices\[1\]\.gpio\.inputs\[0\]\.pin: pin 1 is already used by a/);
  });

  it('reports unreadable and non-JSON files as ConfigError', () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'bridge.json');
      fs.writeFileSync(file, '{ not json');
      expect(() => loadBridgeConfig(file)).toThrow(ConfigError);
      expect(() => loadBridgeConfig(path.join(tmp.dir, 'missing.json'))).toThrow(/cannot read/);
    } finally {
      tmp.remove();
    }
  });
});
