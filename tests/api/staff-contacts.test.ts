/**
 * Staff mobiles and duties: set with the account or by PATCH /staff/:id, validated (a mainland mobile, known duties),
 * recorded through the write path (`staff.contact_set`, the number sealed), listed masked, and back after a restart.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hallStateJson } from '../helpers/canonical-state.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectError, expectOk, V1 } from './support.js';

const PHONE = '13912345678';
let h: TestHall;
let dataDir = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hallq-staff-contacts-'));
  h = await startTestHall({ dataDir });
});
afterAll(async () => {
  await h?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const staffList = async () => (await h.api('GET', `${V1}/staff`, undefined, h.managerToken)).body.staff as any[];
const create = (body: Record<string, unknown>) =>
  h.api('POST', `${V1}/staff`, { password: 'first-password', name: '员工', role: 'counter', ...body }, h.managerToken);

describe('staff mobiles and duties', () => {
  it('creates an account with a mobile and duties; lists the mobile masked only', async () => {
    const r = await create({ username: 'guard1', phone: '+86 139-1234-5678', duties: ['security', 'first-aid'] });
    expectOk(r, 201);
    expect(r.body.user).toMatchObject({ username: 'guard1', phone: '139****5678', duties: ['security', 'first-aid'] });
    const listed = (await staffList()).find((s) => s.username === 'guard1');
    expect(listed).toMatchObject({ phone: '139****5678', duties: ['security', 'first-aid'], disabled: false });
    expect(JSON.stringify(await staffList())).not.toContain(PHONE);
    // One manager's account without either: listed with none.
    expect((await staffList()).find((s) => s.username === 'boss')).toMatchObject({ phone: null, duties: [] });
  });

  it('refuses a number that is not a mainland mobile, an unknown duty and an empty change, changing nothing', async () => {
    const before = hallStateJson(h.running.hall, h.running.accounts);
    expectError(await create({ username: 'bad1', phone: '12345678901' }), 400, 'VALIDATION_FAILED');
    expectError(await create({ username: 'bad2', phone: '0766-1234567' }), 400, 'VALIDATION_FAILED');
    expectError(await create({ username: 'bad3', duties: ['cook'] }), 400, 'VALIDATION_FAILED');
    const id = (await staffList()).find((s) => s.username === 'guard1').id;
    const refused = await h.api('PATCH', `${V1}/staff/${id}`, { phone: '1391234567' }, h.managerToken);
    expectError(refused, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(refused.body)).not.toContain('1391234567');
    expectError(await h.api('PATCH', `${V1}/staff/${id}`, {}, h.managerToken), 400, 'VALIDATION_FAILED');
    expectError(await h.api('PATCH', `${V1}/staff/u_nobody`, { duties: [] }, h.managerToken), 404, 'UNKNOWN_STAFF');
    expect(hallStateJson(h.running.hall, h.running.accounts)).toBe(before);
  });

  it('PATCH changes duties alone, the mobile alone, or removes the mobile; each change is in the audit log', async () => {
    const id = (await staffList()).find((s) => s.username === 'guard1').id;
    const duties = await h.api('PATCH', `${V1}/staff/${id}`, { duties: ['standby'] }, h.managerToken);
    expectOk(duties);
    expect(duties.body.user).toMatchObject({ phone: '139****5678', duties: ['standby'] });
    const phone = await h.api('PATCH', `${V1}/staff/${id}`, { phone: '13800138000' }, h.managerToken);
    expect(phone.body.user).toMatchObject({ phone: '138****8000', duties: ['standby'] });
    const cleared = await h.api('PATCH', `${V1}/staff/${id}`, { phone: null }, h.managerToken);
    expect(cleared.body.user).toMatchObject({ phone: null, duties: ['standby'] });
    await h.api('PATCH', `${V1}/staff/${id}`, { phone: PHONE, duties: ['security'] }, h.managerToken);

    const changes = await auditAll(h, 'type=staff.contact_set');
    expect(changes.filter((e) => e.data.staffId === id)).toHaveLength(5);
    expect(JSON.stringify(changes)).not.toContain(PHONE);
    expect(JSON.stringify(changes)).not.toContain('13800138000');
  });

  it('keeps them across a restart, sealed at rest: the clear number is nowhere in the database', async () => {
    await h.stop();
    h = await startTestHall({ dataDir });
    expect((await staffList()).find((s) => s.username === 'guard1')).toMatchObject({
      phone: '139****5678',
      duties: ['security'],
    });
    for (const file of ['hallq.sqlite', 'hallq.sqlite-wal']) {
      const bytes = existsSync(join(dataDir, file)) ? readFileSync(join(dataDir, file)) : Buffer.alloc(0);
      expect(bytes.includes(PHONE)).toBe(false);
      expect(bytes.includes('13800138000')).toBe(false);
    }
  });
});
