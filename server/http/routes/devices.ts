/** Device registration (manager): returns the device's API token and MQTT credentials once. */
import { Hono } from 'hono';
import { z } from 'zod';
import { DEVICE_KINDS } from '../../../protocol/codes.js';
import { deviceTokenRole, type DeviceKind } from '../../store/accounts.js';
import type { ApiDeps } from '../deps.js';
import { devicesNow } from '../devices-now.js';
import { ApiError } from '../errors.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { idParam, readBody, readParam } from '../validation.js';

const registerBody = z.object({
  id: idParam,
  kind: z.enum(DEVICE_KINDS),
  counterId: idParam.optional(),
  kioskId: idParam.optional(),
});

export function deviceRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall, accounts } = deps;

  app.post('/devices', async (c) => {
    const p = requireRole(c, 'manager');
    const b = await readBody(c, registerBody);
    if (b.counterId && !hall.hallFile.counters.some((x) => x.id === b.counterId))
      throw new ApiError(404, 'UNKNOWN_COUNTER', `no counter "${b.counterId}" in this hall`);
    if (b.kioskId && accounts.getDevice(b.kioskId)?.kind !== 'kiosk')
      throw new ApiError(404, 'UNKNOWN_KIOSK', `no kiosk "${b.kioskId}" is registered`);
    if (accounts.getDevice(b.id)) throw new ApiError(409, 'DEVICE_EXISTS', `a device "${b.id}" is already registered`);
    // The id is also the device's MQTT login and client id: the server's own names are not to be had.
    if (b.id.toLowerCase().startsWith('hallq'))
      throw new ApiError(400, 'RESERVED_ID', 'device ids starting with "hallq" are reserved');
    const now = hall.clock();
    const { device, mqttPassword } = accounts.createDevice(
      b as { id: string; kind: DeviceKind; counterId?: string; kioskId?: string },
      now,
    );
    const { token } = accounts.issueToken({ kind: 'device', id: device.id, role: deviceTokenRole(device.kind) }, now);
    hall.audit(actorOf(p), {
      type: 'device.registered',
      data: { deviceId: device.id, kind: device.kind, counterId: b.counterId, kioskId: b.kioskId },
    });
    deps.devices?.added?.(device);
    return c.json({ device, token, mqtt: { username: device.mqttUsername, password: mqttPassword } }, 201);
  });

  app.get('/devices', (c) => {
    requireRole(c, 'manager');
    return c.json({ devices: devicesNow(deps) });
  });

  app.delete('/devices/:id', (c) => {
    const p = requireRole(c, 'manager');
    const id = readParam(c, 'id');
    if (!accounts.getDevice(id)) throw new ApiError(404, 'UNKNOWN_DEVICE', `no device "${id}"`);
    accounts.removeDevice(id);
    hall.audit(actorOf(p), { type: 'device.removed', data: { deviceId: id } });
    deps.devices?.removed?.(id);
    return c.json({ ok: true });
  });

  return app;
}
