/** The acceptance receipt on paper: a case opened at a counter prints its number and due date on that counter's printer. */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qrPayload, startPrinterBridge, type PrinterBridge } from '../helpers/printer-bridge.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { callNext, expectOk, issue, manualClock, V1 } from '../api/support.js';

const CUT = Buffer.from([0x1d, 0x56, 0x42, 0x00]);

describe('the acceptance receipt at the counter', () => {
  // Wednesday 30 September 2026: the National Day holiday (1–7 Oct) lies inside the deadline.
  const clock = manualClock('2026-09-30T10:00:00+08:00');
  let hall: TestHall;
  let counterPrinter: PrinterBridge;
  let staff: string;

  beforeAll(async () => {
    hall = await startTestHall({ clock: clock.clock });
    counterPrinter = await startPrinterBridge(hall, 'printer-c1', { counterId: '1' });
    staff = await hall.staffAt('1', 'receipt');
  });

  afterAll(async () => {
    await counterPrinter?.stop();
    await hall?.stop();
  });

  it('prints the case number, the due date and a QR code to the look-up, and nothing for a plain finish', async () => {
    const { printer } = counterPrinter;
    await issue(hall, staff, { serviceId: 'one-window' }); // issued by staff: no kiosk ticket is printed
    await callNext(hall, '1', staff);
    expectOk(await hall.api('POST', `${V1}/counters/1/finish`, {}, staff));
    await issue(hall, staff, { serviceId: 'one-window' }); // issued by staff: no kiosk ticket is printed
    await callNext(hall, '1', staff);
    const r = await hall.api('POST', `${V1}/counters/1/finish`, { accepted: true }, staff);
    expectOk(r);
    // Thu 8 Oct (1), Fri 9 Oct (2), Sat 10 Oct, a make-up working day (3).
    expect(r.body.case.dueOn).toBe('2026-10-10');
    await until(
      'receipt at the printer',
      () => printer.printed.length > 200 && printer.printed.subarray(-4).equals(CUT),
    );
    const text = iconv.decode(printer.printed, 'gb18030');
    for (const piece of [
      '受理回执',
      r.body.case.number,
      '2026-10-10',
      '2026-09-30',
      '一窗受理',
      '1号窗口',
      r.body.ticket.number,
    ])
      expect(text).toContain(piece);
    expect(qrPayload(printer.printed)).toBe(`${hall.url}/case?n=${r.body.case.number}`);
    // One job only: the plain finish printed nothing.
    expect(text.split('受理回执').length).toBe(2);
  });
});
