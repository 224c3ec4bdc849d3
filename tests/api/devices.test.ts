/** Device registration (manager): one token and MQTT credentials per device, shown once; listing; removal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectError, expectNoneOf, V1 } from './support.js';

describe('devices', () => {
  let h: TestHall;
  const secrets: string[] = [];
  beforeAll(async () => {
    h = await startTestHall();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const register = (body: unknown, token = h.managerToken) => h.api('POST', `${V1}/devices`, body, token);

  it('registers every kind of device and returns {token, mqtt: {username, password}} once', async () => {
    const bodies = [
      { id: 'kiosk-1', kind: 'kiosk' },
      { id: 'printer-1', kind: 'printer', kioskId: 'kiosk-1' },
      { id: 'led-3', kind: 'led', counterId: '3' },
      { id: 'speaker-3', kind: 'speaker', counterId: '3' },
      { id: 'speaker-hall', kind: 'speaker' },
      { id: 'pad-3', kind: 'pad', counterId: '3' },
      { id: 'board-1', kind: 'display' },
      { id: 'button-3', kind: 'button', counterId: '3' },
      { id: 'door-counter', kind: 'sensor' },
    ];
    for (const body of bodies) {
      const r = await register(body);
      expect(r.status).toBe(201);
      expect(r.body.device).toMatchObject({ ...body, online: false });
      expect(r.body.token).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
      expect(r.body.mqtt.username).toEqual(expect.any(String));
      expect(r.body.mqtt.password).toEqual(expect.any(String));
      expect(r.body.mqtt.password.length).toBeGreaterThanOrEqual(16);
      secrets.push(r.body.token, r.body.mqtt.password);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('lists devices with their online state, never their secrets', async () => {
    const r = await h.api('GET', `${V1}/devices`, undefined, h.managerToken);
    expect(r.status).toBe(200);
    expect(r.body.devices.map((d: any) => d.id)).toEqual(
      expect.arrayContaining([
        'kiosk-1',
        'printer-1',
        'led-3',
        'speaker-3',
        'speaker-hall',
        'pad-3',
        'board-1',
        'button-3',
        'door-counter',
      ]),
    );
    expect(r.body.devices.every((d: any) => d.online === false)).toBe(true);
    expect(r.body.devices.find((d: any) => d.id === 'printer-1')).toMatchObject({
      kind: 'printer',
      kioskId: 'kiosk-1',
    });
    expect(r.body.devices.find((d: any) => d.id === 'led-3')).toMatchObject({ kind: 'led', counterId: '3' });
    expectNoneOf(r.body, secrets);
    expect(JSON.stringify(r.body)).not.toMatch(/scrypt|password/i);
    expectNoneOf(await auditAll(h), secrets);
  });

  it('gives each device token its role on the API', async () => {
    const me = async (id: string, kind: string, extra: Record<string, string> = {}) => {
      const r = await register({ id, kind, ...extra });
      return (await h.api('GET', `${V1}/auth/me`, undefined, r.body.token)).body;
    };
    expect(await me('kiosk-2', 'kiosk')).toMatchObject({ id: 'kiosk-2', kind: 'device', role: 'kiosk' });
    expect(await me('board-2', 'display')).toMatchObject({ role: 'display' });
    expect(await me('pad-5', 'pad', { counterId: '5' })).toMatchObject({ role: 'pad', counterId: '5' });
    expect(await me('printer-2', 'printer', { kioskId: 'kiosk-2' })).toMatchObject({
      role: 'device',
      kioskId: 'kiosk-2',
    });
  });

  it('refuses duplicates, unknown counters and kiosks, and bad input', async () => {
    expectError(await register({ id: 'kiosk-1', kind: 'kiosk' }), 409, 'DEVICE_EXISTS');
    expectError(await register({ id: 'hallq-server', kind: 'display' }), 400, 'RESERVED_ID');
    expectError(await register({ id: 'led-99', kind: 'led', counterId: '99' }), 404, 'UNKNOWN_COUNTER');
    expectError(await register({ id: 'printer-9', kind: 'printer', kioskId: 'kiosk-9' }), 404, 'UNKNOWN_KIOSK');
    expectError(await register({ id: 'printer-9', kind: 'printer', kioskId: 'board-1' }), 404, 'UNKNOWN_KIOSK'); // not a kiosk
    expectError(await register({ id: 'toaster-1', kind: 'toaster' }), 400, 'VALIDATION_FAILED');
    expectError(await register({ id: 'bad id/1', kind: 'kiosk' }), 400, 'VALIDATION_FAILED');
    expectError(await register({ kind: 'kiosk' }), 400, 'VALIDATION_FAILED');
    expectError(await register({ id: 'x'.repeat(81), kind: 'kiosk' }), 400, 'VALIDATION_FAILED');
    const list = (await h.api('GET', `${V1}/devices`, undefined, h.managerToken)).body.devices.map((d: any) => d.id);
    expect(list).not.toContain('led-99');
    expect(list).not.toContain('printer-9');
  });

  it('removing a device revokes its token', async () => {
    const r = await register({ id: 'kiosk-temp', kind: 'kiosk' });
    expect((await h.api('POST', `${V1}/tickets`, { serviceId: 'consult' }, r.body.token)).status).toBe(201);
    expect(await h.api('DELETE', `${V1}/devices/kiosk-temp`, undefined, h.managerToken)).toEqual({
      status: 200,
      body: { ok: true },
    });
    expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'consult' }, r.body.token), 401, 'UNAUTHORIZED');
    expectError(await h.api('DELETE', `${V1}/devices/kiosk-temp`, undefined, h.managerToken), 404, 'UNKNOWN_DEVICE');
    const types = (await auditAll(h, 'type=device.')).map((e) => [e.type, e.data.deviceId]);
    expect(types).toContainEqual(['device.removed', 'kiosk-temp']);
    expect(types).toContainEqual(['device.registered', 'kiosk-temp']);
  });
});
