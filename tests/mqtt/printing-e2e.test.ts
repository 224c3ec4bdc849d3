/**
 * Tickets on paper, end to end: a kiosk ticket → the server renders ESC/POS → MQTT → the firmware bridge → a fake
 * TCP printer that captures the bytes. Paper out reaches the manager's alerts and the kiosk falls back to the screen.
 */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakePrinter } from '../../firmware-bridge/sim/fake-printer.js';
import { qrPayload, startPrinterBridge, type PrinterBridge } from '../helpers/printer-bridge.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

describe('tickets on paper through the firmware bridge', () => {
  let hall: TestHall;
  let printer: FakePrinter;
  let kiosk: string;
  let printerBridge: PrinterBridge;

  beforeAll(async () => {
    hall = await startTestHall();
    kiosk = (await hall.device('kiosk-1', 'kiosk')).token;
    printerBridge = await startPrinterBridge(hall, 'printer-k1', { kioskId: 'kiosk-1' });
    printer = printerBridge.printer;
  });

  afterAll(async () => {
    await printerBridge?.stop();
    await hall?.stop();
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

  it('has the job stored before the kiosk is answered: a power cut after the answer loses no paper', async () => {
    const { bus } = hall.running.hall;
    const stored = (ticketId: string) =>
      (
        hall.running.db
          .prepare("SELECT COUNT(*) AS n FROM device_commands WHERE name = 'print' AND payload LIKE ?")
          .get(`%"ticketId":"${ticketId}"%`) as { n: number }
      ).n;
    // Listeners run in the order they came, so this one runs after the printing feature's, in the same turn as the
    // commit's fan-out — before the answer is written.
    const atFanOut: number[] = [];
    const off = bus.on('ticket.issued', (c) => atFanOut.push(stored(c.event.data.ticket.id)));
    try {
      for (let i = 0; i < 3; i++)
        expect((await hall.api('POST', '/api/v1/tickets', { serviceId: 'query' }, kiosk)).status).toBe(201);
    } finally {
      off();
    }
    expect(atFanOut).toEqual([1, 1, 1]);
  });

  it('an appointment checked in at the kiosk is printed there, and the answer says so', async () => {
    const now = Date.now();
    const booked = await hall.api(
      'POST',
      '/api/v1/appointments',
      {
        serviceId: 'query',
        slotStart: new Date(now + 10 * 60_000).toISOString(),
        slotEnd: new Date(now + 40 * 60_000).toISOString(),
        idNumber: '11010519491231002X',
      },
      hall.managerToken,
    );
    expect(booked.status).toBe(201);
    const before = printer.printed.length;
    const r = await hall.api('POST', '/api/v1/appointments/check-in', { code: booked.body.appointment.code }, kiosk);
    expect(r.status).toBe(201);
    expect(r.body.print).toEqual({ printerId: 'printer-k1', fallback: false });
    await until('the ticket at the printer', () => printer.printed.length > before + 200);
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
