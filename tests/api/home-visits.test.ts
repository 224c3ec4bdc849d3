/** Home visits (上门服务): booked by staff with the address sealed, listed for the visiting staff, every read audited. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectError, expectNoneOf, expectOk, manualClock, openWs, V1 } from './support.js';

const ADDRESS = '云城区河滨路88号3栋1201房';
const PHONE = '13912345678';

describe('home visits', () => {
  const clock = manualClock('2026-11-30T10:00:00+08:00');
  let h: TestHall;
  let staff: string;
  let visitId: string;

  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock });
    staff = await h.staffAt('1', 'visitor');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('staff book one; the answer, the stream and the database file never hold the address in clear', async () => {
    const ws = await openWs(h);
    const r = await h.api(
      'POST',
      `${V1}/home-visits`,
      { serviceId: 'one-window', date: '2026-12-02', address: ADDRESS, phone: PHONE },
      staff,
    );
    expectOk(r, 201);
    visitId = r.body.visit.id;
    expect(r.body.visit).toMatchObject({ date: '2026-12-02', status: 'booked', addressMasked: '云城区河滨路****' });
    expectNoneOf(r.body, [ADDRESS, '88号', PHONE]);
    const msgs = await ws.waitFor(2);
    expectNoneOf(ws.raw, [ADDRESS, '88号', PHONE]);
    expect(msgs.some((m) => m.type === 'homevisit.booked' || m.event?.type === 'homevisit.booked')).toBe(true);
    await ws.close();
    const files = readdirSync(h.dataDir).filter((f) => f.endsWith('.db') || f.endsWith('-wal'));
    for (const f of files) expect(readFileSync(join(h.dataDir, f)).includes(Buffer.from('河滨路88号'))).toBe(false);
    // The audit log shows that it was booked, never the sealed address or phone, not even as ciphertext.
    const booked = (await auditAll(h, 'type=homevisit.booked')).at(-1);
    expect(booked.data.visit).toMatchObject({ addressSealed: '[hidden]', phoneSealed: '[hidden]' });
  });

  it('refuses dates out of range or not real, and an empty address; nothing changes', async () => {
    const book = (body: object) =>
      h.api('POST', `${V1}/home-visits`, { serviceId: 'one-window', address: ADDRESS, ...body }, staff);
    expectError(await book({ date: '2026-11-29' }), 400, 'INVALID_DATE');
    expectError(await book({ date: '2027-06-01' }), 400, 'INVALID_DATE');
    expectError(await book({ date: '2026-02-30' }), 400, 'VALIDATION_FAILED');
    expectError(await book({ date: '2026-12-03', address: '   ' }), 400, 'ADDRESS_REQUIRED');
    expect(h.running.hall.state.homeVisits.size).toBe(1);
  });

  it('the visiting staff see the address; each read is on the query trail', async () => {
    const r = await h.api('GET', `${V1}/home-visits?date=2026-12-02`, undefined, staff);
    expectOk(r);
    expect(r.body.visits).toEqual([expect.objectContaining({ id: visitId, address: ADDRESS, phone: PHONE })]);
    expectError(await h.api('GET', `${V1}/home-visits`), 401, 'UNAUTHORIZED');
    const reads = (await auditAll(h, 'type=data.read')).filter((e) => e.data.resource === 'home-visits');
    expect(reads).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ query: { date: '2026-12-02' } }) }),
    ]);
    expect(reads[0].data.rows).toBe(1);
    expect(reads[0].actor).toMatch(/^user:/);
    expectNoneOf(await auditAll(h), [ADDRESS, PHONE]);
  });

  it('a visit assigned to one staff member: only they read the address; others see it masked or not at all', async () => {
    const other = await h.staffAt('2', 'colleague');
    const visitorId = (await h.api('GET', `${V1}/auth/me`, undefined, staff)).body.id;
    const book = (assignedTo: string) =>
      h.api(
        'POST',
        `${V1}/home-visits`,
        { serviceId: 'one-window', date: '2026-12-04', address: '云城区北山路9号', assignedTo },
        h.managerToken,
      );
    expectError(await book('u_nobody'), 404, 'UNKNOWN_STAFF');
    const r = await book(visitorId);
    expectOk(r, 201);
    expect(r.body.visit).toMatchObject({ assignedTo: visitorId, assignedName: expect.any(String) });
    const listOf = async (token: string) =>
      (await h.api('GET', `${V1}/home-visits?date=2026-12-04`, undefined, token)).body.visits;
    expect(await listOf(staff)).toEqual([expect.objectContaining({ address: '云城区北山路9号' })]);
    expect(await listOf(other)).toEqual([]);
    const managerList = await listOf(h.managerToken);
    expect(managerList).toEqual([expect.objectContaining({ address: null, addressMasked: expect.any(String) })]);
    expectNoneOf(managerList, ['北山路9号']);
    const reads = (await auditAll(h, 'type=data.read')).filter((e) => e.data.query?.date === '2026-12-04');
    expect(reads.map((e) => e.data.rows).sort()).toEqual([0, 0, 1]);
  });

  it('is marked done once', async () => {
    expectOk(await h.api('POST', `${V1}/home-visits/${visitId}/done`, {}, staff));
    expectError(await h.api('POST', `${V1}/home-visits/${visitId}/cancel`, {}, staff), 409, 'HOME_VISIT_CLOSED');
    expectError(await h.api('POST', `${V1}/home-visits/hv_x/done`, {}, staff), 404, 'UNKNOWN_HOME_VISIT');
  });
});
