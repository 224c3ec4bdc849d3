/**
 * Tickets on paper, end to end: a kiosk ticket → the server renders ESC/POS → MQTT → the firmware bridge → a fake
 * TCP printer that captures the bytes. Paper out reaches the manager's alerts and the kiosk falls back to the screen.
 */
import iconv from 'iconv-lite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bridge } from '../../firmware-bridge/bridge.js';
import { parseBridgeConfig } from '../../firmware-bridge/config.js';
import { FakePrinter } from '../../firmware-bridge/sim/fake-printer.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

/** The bytes of a GS ( k QR "store data" block: the encoded text. */
function qrPayload(bytes: Buffer): string | undefined {
  for (let i = 0; i < bytes.length - 8; i++) {
    // GS ( k pL pH cn=49 fn=80 m=48 data…
    if (
      bytes[i] === 0x1d &&
      bytes[i + 1] === 0x28 &&
      bytes[i + 2] === 0x6b &&
      bytes[i + 5] === 0x31 &&
      bytes[i + 6] === 0x50
    ) {
      const len = bytes[i + 3] + bytes[i + 4] * 256 - 3;
      return bytes.subarray(i + 8, i + 8 + len).toString('utf8');
    }
  }
  return undefined;
}

describe('tickets on paper through the firmware bridge', () => {
  let hall: TestHall;
  let bridge: Bridge;
  const printer = new FakePrinter();
  let kiosk: string;
  let stateDir: string;

  beforeAll(async () => {
    hall = await startTestHall();
    stateDir = mkdtempSync(join(tmpdir(), 'hallq-bridge-'));
    await printer.start();
    kiosk = (await hall.device('kiosk-1', 'kiosk')).token;
    const reg = await hall.device('printer-k1', 'printer', { kioskId: 'kiosk-1' });
    bridge = new Bridge(
      parseBridgeConfig({
        mqttUrl: hall.running.mqttUrl,
        hallId: 'yunfu-realestate',
        stateDir,
        logLevel: 'silent',
        reconnect: { minMs: 100, maxMs: 400 },
        devices: [
          {
            id: 'printer-k1',
            kind: 'printer',
            mqtt: reg.mqtt,
            transport: { type: 'tcp', host: '127.0.0.1', port: printer.port },
            statusIntervalSec: 0.1,
            statusTimeoutMs: 300,
          },
        ],
      }),
      { log: silentLogger },
    );
    await bridge.start();
    await until('printer online and ok', async () => {
      const d = (await hall.api('GET', '/api/v1/devices', undefined, hall.managerToken)).body.devices.find(
        (x: any) => x.id === 'printer-k1',
      );
      return d?.online && d.lastStatus?.paper === 'ok';
    });
  });

  afterAll(async () => {
    await bridge?.stop();
    await printer.stop();
    await hall?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('prints the kiosk ticket: GB18030 text in Chinese mode, materials, verify code, QR to the status page, cut', async () => {
    const r = await hall.api('POST', '/api/v1/tickets', { serviceId: 'mortgage' }, kiosk);
    expect(r.status).toBe(201);
    expect(r.body.print).toEqual({ printerId: 'printer-k1', fallback: false });
    const ticket = r.body.ticket;
    await until(
      'bytes at the printer',
      () => printer.printed.length > 200 && printer.printed.subarray(-4).equals(Buffer.from([0x1d, 0x56, 0x42, 0x00])),
    );
    const bytes = printer.printed;
    const text = iconv.decode(bytes, 'gb18030');
    expect(bytes.includes(Buffer.from([0x1c, 0x26]))).toBe(true); // FS & — Chinese mode
    for (const piece of [
      '云浮市不动产登记中心',
      ticket.number,
      '抵押登记',
      '主债权合同',
      '抵押合同',
      ticket.verifyCode,
    ])
      expect(text).toContain(piece);
    expect(qrPayload(bytes)).toBe(`${hall.url}/t/${ticket.id}`);
  });

  it('reports paper out to the manager and falls back to the kiosk screen', async () => {
    printer.set({ paper: 'out' });
    const alert = await until('paper-out alert', async () =>
      (await hall.api('GET', '/api/v1/alerts', undefined, hall.managerToken)).body.alerts.find(
        (a: any) => a.deviceId === 'printer-k1' && a.kind === 'printer.problem',
      ),
    );
    expect(alert.message).toContain('paper out');
    const r = await hall.api('POST', '/api/v1/tickets', { serviceId: 'query' }, kiosk);
    expect(r.body.print).toMatchObject({
      printerId: null,
      fallback: true,
      reason: expect.stringContaining('paper out'),
    });
    printer.set({ paper: 'ok' });
    await until(
      'alert cleared',
      async () =>
        !(await hall.api('GET', '/api/v1/alerts', undefined, hall.managerToken)).body.alerts.some(
          (a: any) => a.deviceId === 'printer-k1',
        ),
    );
  });
});
