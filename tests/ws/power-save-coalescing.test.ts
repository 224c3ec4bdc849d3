/**
 * Power saving on the live stream: while coalescing, staff consoles get each event at once and the screens get theirs
 * in one write per interval, in order, never twice; a playbook event reaches every screen at once with what was held.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { expectOk, issue, openWs, V1, type WsReader } from '../api/support.js';

describe('coalesced stream updates (UPS battery)', () => {
  let h: TestHall;
  let kiosk: string;
  let staff: WsReader;
  let screen: WsReader;
  const eventSeqs = (r: WsReader) => r.messages.filter((m) => m.type === 'event').map((m) => m.seq as number);
  const eventTypes = (r: WsReader) => r.messages.filter((m) => m.type === 'event').map((m) => m.event.type as string);

  beforeAll(async () => {
    h = await startTestHall();
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    staff = await openWs(h, `?token=${h.managerToken}`);
    screen = await openWs(h);
    await staff.waitFor(1);
    await screen.waitFor(1);
  });
  afterAll(async () => {
    h.running.stream.setCoalescing(undefined);
    await staff.close();
    await screen.close();
    await h.stop();
  });

  it('holds screen updates, sends staff theirs at once, and a playbook event flushes in order', async () => {
    h.running.stream.setCoalescing(60_000);
    await issue(h, kiosk, { serviceId: 'query' });
    await issue(h, kiosk, { serviceId: 'query' });
    await until('staff saw both', () => eventTypes(staff).filter((t) => t === 'ticket.issued').length === 2);
    // A round trip through the server after the staff console had both: a screen not held would have them too.
    expectOk(await h.api('GET', `${V1}/hall`));
    expect(eventTypes(screen)).toEqual([]);

    expectOk(await h.api('POST', `${V1}/emergency/activate`, { playbookId: 'illness' }, h.managerToken));
    await until('the screen got the banner', () => eventTypes(screen).includes('emergency.changed'));
    expect(eventTypes(screen).slice(0, 2)).toEqual(['ticket.issued', 'ticket.issued']);
    expect(eventSeqs(screen)).toEqual(eventSeqs(staff));
    expectOk(await h.api('POST', `${V1}/emergency/deactivate`, { playbookId: 'illness' }, h.managerToken));
    await until('the screen saw the end', () => eventSeqs(screen).length === eventSeqs(staff).length);
  });

  it('flushes every interval, and at once when coalescing ends; a screen joining meanwhile gets nothing twice', async () => {
    h.running.stream.setCoalescing(60_000);
    await issue(h, kiosk, { serviceId: 'query' });
    const late = await openWs(h); // its snapshot already counts the held ticket
    const [snapshot] = await late.waitFor(1);
    expect(snapshot.type).toBe('snapshot');
    h.running.stream.setCoalescing(50);
    await issue(h, kiosk, { serviceId: 'query' });
    await until('the interval flushed', () => eventSeqs(screen).length === eventSeqs(staff).length, 8000);
    await until('the late screen got the new one', () => eventSeqs(late).length === 1);
    expect(eventSeqs(late)).toEqual([snapshot.seq + 1]);
    h.running.stream.setCoalescing(60_000);
    await issue(h, kiosk, { serviceId: 'query' });
    h.running.stream.setCoalescing(undefined);
    await until('flushed when it ended', () => eventSeqs(screen).length === eventSeqs(staff).length);
    expect(eventSeqs(screen)).toEqual(eventSeqs(staff));
    await late.close();
  });
});
