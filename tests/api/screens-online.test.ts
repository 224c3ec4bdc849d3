/**
 * A registered screen (kiosk, hall board, pad) follows the hall over the live stream, not MQTT: it is online while a
 * stream with its token is open (QA-L: the dashboard called every working screen offline).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { openWs, V1 } from './support.js';

let h: TestHall;
beforeAll(async () => {
  h = await startTestHall();
});
afterAll(async () => {
  await h?.stop();
});

const device = async (id: string) =>
  (await h.api('GET', `${V1}/devices`, undefined, h.managerToken)).body.devices.find((d: any) => d.id === id);
const offlineAlert = async (id: string) =>
  (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts.find(
    (a: any) => a.kind === 'device.offline' && a.deviceId === id,
  );

describe('a screen’s online state', () => {
  it('is online while a stream with its token is open, and offline since it closed', async () => {
    const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    await h.device('board-1', 'display');
    expect(await device('kiosk-1')).toMatchObject({ online: false, streams: 0 });
    expect(await offlineAlert('kiosk-1')).toBeDefined();

    const first = await openWs(h, `?token=${kiosk}`);
    const second = await openWs(h, `?token=${kiosk}`); // a reload overlaps the old page's stream
    expect(await device('kiosk-1')).toMatchObject({ online: true, streams: 2 });
    expect(await offlineAlert('kiosk-1')).toBeUndefined();
    expect(await device('board-1')).toMatchObject({ online: false, streams: 0 }); // only its own token counts
    await first.close();
    expect(await until('one left', async () => (await device('kiosk-1')).streams === 1)).toBe(true);
    expect((await device('kiosk-1')).online).toBe(true);

    const before = Date.now();
    await second.close();
    const gone = await until('offline', async () => {
      const d = await device('kiosk-1');
      return d.online ? undefined : d;
    });
    expect(gone.lastSeen).toBeGreaterThanOrEqual(before);
    expect(await offlineAlert('kiosk-1')).toMatchObject({ since: new Date(gone.lastSeen).toISOString() });
  });

  it('holds at most 8 streams per device token, closing the oldest (4409)', async () => {
    const token = (await h.device('board-2', 'display')).token;
    const streams = [];
    const closedWith: number[] = [];
    for (let i = 0; i < 10; i++) {
      const s = await openWs(h, `?token=${token}`);
      s.ws.once('close', (code) => closedWith.push(code));
      streams.push(s);
    }
    expect(await until('the oldest two closed', () => closedWith.length === 2)).toBe(true);
    expect(closedWith).toEqual([4409, 4409]);
    expect(streams.slice(0, 2).every((s) => s.ws.readyState !== s.ws.OPEN)).toBe(true);
    expect(await device('board-2')).toMatchObject({ online: true, streams: 8 });
    for (const s of streams) await s.close();
  });

  it('does not count for a device that is no screen: a printer is online by MQTT only', async () => {
    const printer = (await h.device('printer-9', 'printer')).token;
    const stream = await openWs(h, `?token=${printer}`);
    expect(await device('printer-9')).toMatchObject({ online: false, streams: 0 });
    expect(await offlineAlert('printer-9')).toBeDefined();
    await stream.close();
  });
});
