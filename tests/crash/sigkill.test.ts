/** SIGKILL the real server process mid-traffic, 20 times: nothing acknowledged is lost, numbers never gap or repeat, the chain holds. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config/project-root.js';
import { openDb } from '../../server/store/db.js';
import { verifyChain } from '../../server/store/event-log.js';
import {
  apiClient,
  BOOTSTRAP_MANAGER,
  deviceToken,
  login,
  sleep,
  staffAt,
  startHallProcess,
  type Api,
  type ApiResponse,
  type SpawnedServer,
} from '../../scripts/lib/hall-process.js';
import { writeReferenceHallCopy } from '../../scripts/lib/reference-hall-copy.js';
import { realHallFolder } from '../helpers/real-hall-folder.js';
import { makeIdNumber } from '../helpers/id-numbers.js';

/** 20 in the default suite; `npm run test:slow` sets HALLQ_SIGKILL_CYCLES=100. */
const CYCLES = Number(process.env.HALLQ_SIGKILL_CYCLES ?? 20);
const KILL_AFTER_MS = { min: 50, max: 400 };
/** Four issuers, each on its own service. */
const ISSUED_SERVICES = ['one-window', 'mortgage', 'enterprise', 'query'];
/** Three counters calling: 1 serves one-window, 4 mortgage, 12 (green lane) all four of the services above. */
const CALLING_COUNTERS = ['1', '4', '12'];
const AUDIT_CLI = join(projectRoot(), 'dist', 'scripts', 'audit-verify.js');

/** Where an acknowledgement happened: the kill cycle and the hall day (numbers restart and tickets expire each day). */
interface When {
  cycle: number;
  day: string;
}
interface IssuedAck extends When {
  id: string;
  number: string;
  serviceId: string;
}
interface CounterAck extends When {
  ticketId: string;
  counterId: string;
}

/** Everything the server acknowledged (answered 2xx) before it was killed, and anything it answered unexpectedly. */
class Acks {
  issued: IssuedAck[] = [];
  called: CounterAck[] = [];
  started: CounterAck[] = [];
  finished: CounterAck[] = [];
  unexpected: string[] = [];
  /** Requests that got no answer because the process died under them. */
  lost = 0;
}

let server: SpawnedServer | undefined;
const dataDir = realHallFolder('hallq-sigkill-', () => server);

/**
 * The reference hall without its limit on a kiosk's numbers without an ID (6 a minute; docs/queue-rule.md): this test
 * issues them as fast as it can, and is about what a kill does to acknowledged writes.
 */
function hallConfig(): string {
  return writeReferenceHallCopy(dataDir, (hall) => (hall.policy.kioskTicketsWithoutIdPerMinute = 0));
}

/** One request; undefined when the server gave no answer (it was killed). */
async function attempt(
  acks: Acks,
  api: Api,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<ApiResponse | undefined> {
  try {
    return await api(method, path, body, token);
  } catch {
    acks.lost++;
    return undefined;
  }
}

const describeResponse = (what: string, r: ApiResponse) =>
  `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;

/** Issues tickets for one service until told to stop; every fourth carries a fresh resident ID number. */
async function issuer(
  acks: Acks,
  api: Api,
  token: string,
  serviceId: string,
  when: When,
  stop: () => boolean,
  serials: { next: number },
) {
  while (!stop()) {
    const n = serials.next++;
    const body: Record<string, unknown> = { serviceId };
    // Unique identities: one birth date per thousand serials, born in the 1980s (no elderly priority).
    if (n % 4 === 0) body.idNumber = makeIdNumber(birthDate(Math.floor(n / 4 / 1000)), (n / 4) % 1000);
    const r = await attempt(acks, api, 'POST', '/api/v1/tickets', body, token);
    if (!r) return;
    if (r.status === 201) acks.issued.push({ id: r.body.ticket.id, number: r.body.ticket.number, serviceId, ...when });
    else acks.unexpected.push(describeResponse(`issue ${serviceId}`, r));
  }
}

function birthDate(offsetDays: number): string {
  const d = new Date(Date.UTC(1980, 0, 1) + offsetDays * 86_400_000);
  return d.toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Calls, starts and finishes tickets at one counter until told to stop. After a restart the counter may hold a ticket
 * whose call or start was committed but never answered: the refusals that say so move it on.
 */
async function counterWorker(acks: Acks, api: Api, token: string, counterId: string, when: When, stop: () => boolean) {
  let step: 'call' | 'start' | 'finish' = 'call';
  while (!stop()) {
    const r = await attempt(
      acks,
      api,
      'POST',
      `/api/v1/counters/${counterId}/${step === 'call' ? 'call-next' : step}`,
      {},
      token,
    );
    if (!r) return;
    const code: string | undefined = r.body?.error?.code;
    const ticketId: string | undefined = r.body?.ticket?.id;
    if (step === 'call') {
      if (r.status === 200 && ticketId) {
        acks.called.push({ ticketId, counterId, ...when });
        step = 'start';
      } else if (r.status === 404 && code === 'QUEUE_EMPTY') await sleep(5);
      else if (r.status === 409 && code === 'TICKET_IN_PROGRESS') step = 'start';
      else acks.unexpected.push(describeResponse(`call-next at ${counterId}`, r));
    } else if (step === 'start') {
      if (r.status === 200 && ticketId) {
        acks.started.push({ ticketId, counterId, ...when });
        step = 'finish';
      } else if (r.status === 409 && code === 'TICKET_NOT_CALLED') step = 'finish';
      else if (r.status === 409 && code === 'NO_CURRENT_TICKET') step = 'call';
      else acks.unexpected.push(describeResponse(`start at ${counterId}`, r));
    } else {
      if (r.status === 200 && ticketId) acks.finished.push({ ticketId, counterId, ...when });
      else if (!(r.status === 409 && code === 'NO_CURRENT_TICKET'))
        acks.unexpected.push(describeResponse(`finish at ${counterId}`, r));
      step = 'call';
    }
  }
}

/** Offline checks on the files a killed process left: the chain, read directly, and the audit CLI when it is built. */
function verifyOffline(cycle: number): void {
  const db = openDb(dataDir, { readonly: true });
  try {
    const chain = verifyChain(db);
    expect(chain, `offline chain after kill ${cycle}`).toMatchObject({ ok: true });
  } finally {
    db.close();
  }
  if (existsSync(AUDIT_CLI)) {
    const r = spawnSync(process.execPath, [AUDIT_CLI, dataDir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, `audit-verify CLI after kill ${cycle}:\n${r.stdout}\n${r.stderr}`).toBe(0);
  }
}

interface Tokens {
  manager: string;
  kiosk: string;
  counters: Map<string, string>;
}

/** After a restart: every acknowledged write is there, numbering is 1..N per prefix, the audit chain verifies. */
async function verifyRestarted(api: Api, tokens: Tokens, acks: Acks, cycle: number, last: { auditEntries: number }) {
  const where = `after restart ${cycle}`;
  // Tokens survive restarts; the bootstrap manager exists once and still logs in.
  expect((await api('GET', '/api/v1/auth/me', undefined, tokens.manager)).status, `old manager token ${where}`).toBe(
    200,
  );
  const fresh = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
  const staff = await api<{ staff: Array<{ username: string; role: string }> }>(
    'GET',
    '/api/v1/staff',
    undefined,
    fresh,
  );
  expect(
    staff.body.staff.filter((u) => u.role === 'manager').map((u) => u.username),
    where,
  ).toEqual([BOOTSTRAP_MANAGER.username]);

  const list = await api<{
    day: string;
    tickets: Array<{ id: string; number: string; serviceId: string; status: string; counterId?: string }>;
  }>('GET', '/api/v1/tickets', undefined, tokens.manager);
  expect(list.status, where).toBe(200);
  const byId = new Map(list.body.tickets.map((t) => [t.id, t]));
  expect(byId.size, `ticket ids are unique ${where}`).toBe(list.body.tickets.length);
  // Should the hall day turn during the run, yesterday's tickets have expired and left the list: check today's.
  const today = <T extends When>(xs: T[]) => xs.filter((a) => a.day === list.body.day);
  const issued = today(acks.issued);

  // The acknowledged tickets of the cycle just killed, each through the public status route.
  const fromLastCycle = issued.filter((a) => a.cycle === cycle - 1);
  for (let i = 0; i < fromLastCycle.length; i += 16) {
    await Promise.all(
      fromLastCycle.slice(i, i + 16).map(async (a) => {
        const r = await api('GET', `/api/v1/tickets/${a.id}`);
        expect(r.status, `acknowledged ticket ${a.number} (${a.id}) ${where}`).toBe(200);
        expect(r.body.ticket.number, `acknowledged ticket ${a.id} ${where}`).toBe(a.number);
      }),
    );
  }

  // Every acknowledgement so far, against the full list.
  for (const a of issued) {
    const t = byId.get(a.id);
    expect(t, `acknowledged ticket ${a.number} (${a.id}, cycle ${a.cycle}) ${where}`).toBeDefined();
    expect({ number: t!.number, serviceId: t!.serviceId }, `ticket ${a.id} ${where}`).toEqual({
      number: a.number,
      serviceId: a.serviceId,
    });
  }
  const statusOf = (a: CounterAck) => {
    const t = byId.get(a.ticketId);
    expect(t, `ticket ${a.ticketId} acknowledged at counter ${a.counterId} (cycle ${a.cycle}) ${where}`).toBeDefined();
    expect(t!.counterId, `counter of ticket ${t!.number} ${where}`).toBe(a.counterId);
    return t!.status;
  };
  for (const a of today(acks.called))
    expect(['called', 'serving', 'done'], `acknowledged call of ${a.ticketId} ${where}`).toContain(statusOf(a));
  for (const a of today(acks.started))
    expect(['serving', 'done'], `acknowledged start of ${a.ticketId} ${where}`).toContain(statusOf(a));
  for (const a of today(acks.finished))
    expect(statusOf(a), `acknowledged finish of ${a.ticketId} ${where}`).toBe('done');
  // Two counters never got the same ticket.
  const calledIds = acks.called.map((a) => a.ticketId);
  expect(new Set(calledIds).size, `a ticket was acknowledged as called twice ${where}`).toBe(calledIds.length);

  // Numbering per prefix is exactly 1..N: in-flight issues may have committed too, but nothing is skipped or repeated.
  const byPrefix = new Map<string, number[]>();
  for (const t of list.body.tickets) {
    const m = /^([A-Z]+)(\d+)$/.exec(t.number);
    expect(m, `ticket number ${t.number}`).not.toBeNull();
    (byPrefix.get(m![1]) ?? byPrefix.set(m![1], []).get(m![1])!).push(Number(m![2]));
  }
  for (const [prefix, numbers] of byPrefix) {
    numbers.sort((a, b) => a - b);
    expect(numbers, `numbers of ${prefix} ${where}`).toEqual(numbers.map((_, i) => i + 1));
  }

  const audit = await api<{ ok: boolean; entries: number }>('GET', '/api/v1/audit/verify', undefined, tokens.manager);
  expect(audit.status, where).toBe(200);
  expect(audit.body, `audit chain ${where}`).toMatchObject({ ok: true });
  expect(audit.body.entries, `audit entries never shrink ${where}`).toBeGreaterThanOrEqual(last.auditEntries);
  last.auditEntries = audit.body.entries;
  return {
    day: list.body.day,
    tickets: list.body.tickets.length,
    unacknowledgedButCommitted: list.body.tickets.length - issued.length,
  };
}

describe('SIGKILL of the real server process', () => {
  it(
    `keeps every acknowledged write, numbering without gap or repeat, and a valid audit chain across ${CYCLES} kills`,
    async () => {
      const acks = new Acks();
      const serials = { next: 0 };
      const last = { auditEntries: 0 };
      let tokens: Tokens | undefined;
      let checked: Awaited<ReturnType<typeof verifyRestarted>> | undefined;
      const cutOffPerKill: number[] = [];

      for (let cycle = 0; ; cycle++) {
        server = await startHallProcess(dataDir, { env: { HALL_CONFIG: hallConfig() } });
        const api = apiClient(server.url);
        if (!tokens) {
          const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
          const counters = new Map<string, string>();
          for (const id of CALLING_COUNTERS) counters.set(id, await staffAt(api, manager, id, `crash-staff-${id}`));
          tokens = { manager, kiosk: await deviceToken(api, manager, 'crash-kiosk', 'kiosk'), counters };
        } else {
          checked = await verifyRestarted(api, tokens, acks, cycle, last);
        }
        if (cycle === CYCLES) {
          api.close();
          break; // the start after the last kill only verifies
        }

        const when: When = { cycle, day: (await api<{ day: string }>('GET', '/api/v1/hall')).body.day };
        let stopped = false;
        const stop = () => stopped;
        const t = tokens;
        const workers = [
          ...ISSUED_SERVICES.map((s) => issuer(acks, api, t.kiosk, s, when, stop, serials)),
          ...CALLING_COUNTERS.map((c) => counterWorker(acks, api, t.counters.get(c)!, c, when, stop)),
        ];
        await sleep(KILL_AFTER_MS.min + Math.random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
        const lostBefore = acks.lost;
        stopped = true;
        const exit = await server.kill('SIGKILL');
        expect(exit.signal, `the server died of the kill, not before it:\n${server.output()}`).toBe('SIGKILL');
        await Promise.all(workers);
        api.close();
        cutOffPerKill.push(acks.lost - lostBefore);
        verifyOffline(cycle);
      }

      const exit = await server.stop();
      expect(exit.code, `clean shutdown on SIGTERM:\n${server.output()}`).toBe(0);
      verifyOffline(CYCLES + 1);

      expect(acks.unexpected, 'answers the workers did not expect').toEqual([]);
      // The test proves something only if traffic was acknowledged and kills hit requests in flight.
      expect(acks.issued.length).toBeGreaterThan(CYCLES);
      expect(acks.called.length).toBeGreaterThan(0);
      expect(acks.finished.length).toBeGreaterThan(0);
      expect(cutOffPerKill.filter((n) => n > 0).length, 'kills that landed on requests in flight').toBeGreaterThan(
        CYCLES / 2,
      );
      console.log(
        `[sigkill] ${CYCLES} kills: ${acks.issued.length} issues, ${acks.called.length} calls, ${acks.started.length} starts, ` +
          `${acks.finished.length} finishes acknowledged; ${acks.lost} requests cut off by kills; ` +
          `${checked!.unacknowledgedButCommitted} tickets committed without an answer; ${checked!.tickets} tickets on ${checked!.day}`,
      );
    },
    CYCLES * 12_000,
  );
});
