/**
 * Arbitrary text (any Unicode, lone surrogates, NUL and other controls, very long strings) in every field of every
 * command and of the login, through the real HTTP server, MQTT broker and SQLite file: the audit chain stays intact,
 * for GET /audit/verify and the offline `audit:verify`, before and after a restart.
 */
import fc from 'fast-check';
import mqtt from 'mqtt';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { OUT_OF_TURN_CATEGORIES } from '../../server/domain/types.js';
import { apiFrom } from '../helpers/from-address.js';
import { startTestHall, type ApiResponse, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { openWs, V1 } from './support.js';

const RUNS = Number(process.env.RUNS ?? 12);

/** Strings meant to hurt: any code unit (lone surrogates, NUL, controls), any code point, the known culprits, long. */
const nasty: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\ud800',
    '\u0000',
    'a\u0000b',
    'x\udfffy',
    '\u200b',
    '\u202eevil',
    '\ud83d\ude00',
    'a\nb',
    '\u2028',
    '\ufeff',
  ),
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    minLength: 300,
    maxLength: 3000,
  }),
);

/** Percent-encodes the UTF-8 of `s` (a lone surrogate as EF BF BD: encodeURIComponent would throw), then a raw lone surrogate. */
const pct = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('') + '%ED%A0%80';

function verifyCli(dataDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', dataDir], { encoding: 'utf8' });
}

describe('the audit chain under arbitrary text', () => {
  let dir: string;
  let h: TestHall;
  let staff: string;
  let pad: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-unicode-'));
    h = await startTestHall({ dataDir: dir });
    staff = await h.staffAt('7', 'clerk7');
    pad = (await h.device('pad-7', 'pad', { counterId: '7' })).token;
  });
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function verifyOk(where: string): Promise<void> {
    const r = await h.api('GET', `${V1}/audit/verify`, undefined, h.managerToken);
    expect(r.body, where).toMatchObject({ ok: true });
  }

  /**
   * A failed login from an address of its own each time (127.0.0.x): 20 failures a minute from one address block it,
   * and a blocked attempt is refused before it is logged, which would test nothing.
   */
  let loginAddress = 1;
  async function login(body: unknown): Promise<ApiResponse> {
    loginAddress = (loginAddress % 250) + 1;
    const r = await apiFrom(`127.0.0.${loginAddress}`, `${h.url}${V1}/auth/login`, 'POST', body);
    expect(r.status, `login ${JSON.stringify(body)?.slice(0, 200)}`).toBeLessThan(500);
    return r;
  }

  /** Sends a request and insists the server answered without failing. */
  async function send(method: string, path: string, body: unknown, token?: string): Promise<any> {
    const r = await h.api(method, path, body, token);
    expect(
      r.status,
      `${method} ${path} ${JSON.stringify(body)?.slice(0, 200)}: ${JSON.stringify(r.body).slice(0, 200)}`,
    ).toBeLessThan(500);
    return r;
  }

  it('stays intact whatever text the API is sent', { timeout: 60_000 }, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(nasty, { minLength: 12, maxLength: 12 }), async (s) => {
        n++;
        const m = h.managerToken;
        await login({ username: s[0], password: s[1] });
        await login({ username: 'boss', password: s[2] });
        await login({ [s[3]]: 'x', username: `${s[3]}`, password: 'x' });
        await send(
          'POST',
          `${V1}/tickets`,
          { serviceId: 'query', priority: 'priority', priorityReason: s[4], channel: s[5] },
          m,
        );
        await send('POST', `${V1}/tickets`, { serviceId: s[5], idNumber: s[6], phone: s[7] }, m);
        const issued = await send(
          'POST',
          `${V1}/tickets`,
          { serviceId: 'query', priority: 'priority', priorityReason: s[4] },
          m,
        );
        if (issued.status === 201) {
          await send(
            'POST',
            `${V1}/counters/7/call`,
            { ticketId: issued.body.ticket.id, reason: s[8], category: OUT_OF_TURN_CATEGORIES[n % 5] },
            staff,
          );
          await send(
            'POST',
            `${V1}/counters/7/call`,
            { ticketId: issued.body.ticket.id, reason: `${s[8]}因故`, category: 'other' },
            staff,
          );
          await send('POST', `${V1}/counters/7/start`, {}, staff);
          await send('POST', `${V1}/counters/7/finish`, {}, staff);
          const rated = await send(
            'POST',
            `${V1}/evaluations`,
            { ticketId: issued.body.ticket.id, score: 1, comment: s[9] },
            pad,
          );
          if (rated.body.followUpId)
            await send('POST', `${V1}/followups/${rated.body.followUpId}/answer`, { answer: s[10] }, m);
        }
        await send('POST', `${V1}/counters/7/pause`, { reason: s[11] }, staff);
        await send('POST', `${V1}/counters/7/resume`, {}, staff);
        await send('POST', `${V1}/emergency/activate`, { playbookId: 'petition', note: s[0] }, m);
        await send('POST', `${V1}/emergency/deactivate`, {}, m);
        await send('POST', `${V1}/staff`, { username: s[1], password: s[2], name: s[3], role: 'counter' }, m);
        await send(
          'POST',
          `${V1}/staff`,
          { username: `u${n}`, password: 'long-enough-1', name: s[4], role: 'counter' },
          m,
        );
        await send('POST', `${V1}/devices`, { id: s[5], kind: 'led', counterId: s[6] }, m);
        await send(
          'POST',
          `${V1}/appointments`,
          {
            serviceId: 'query',
            slotStart: '2026-12-01T09:00:00+08:00',
            slotEnd: '2026-12-01T09:30:00+08:00',
            idNumber: s[6],
            name: s[7],
          },
          m,
        );
        await send('POST', `${V1}/appointments/check-in`, { idNumber: s[8], channel: s[9] }, m);
        await send('GET', `${V1}/audit?type=${pct(s[10])}&limit=1`, undefined, m);
        await verifyOk(`run ${n}`);
      }),
      { numRuns: RUNS, endOnFailure: true } /* no shrinking: each try is a dozen requests */,
    );
  });

  it('stays intact with the culprits of issue 14 at the login, raw bytes included', async () => {
    for (const username of ['\ud800', '\u0000', 'a\u0000b', 'x\udfffy', '\u200b', '?\ud800'])
      await login({ username, password: 'x' });
    // Invalid UTF-8 on the wire (a lone surrogate's 3-byte form): decoded to U+FFFD before anything reads it.
    const raw = Buffer.concat([
      Buffer.from('{"username":"x'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('y","password":"x"}'),
    ]);
    const res = await fetch(`${h.url}${V1}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    expect([401, 429]).toContain(res.status); // 429: the login throttle, after the property's failed logins
    await verifyOk('after the culprits');
  });

  it(
    'stays intact whatever device events say over MQTT, and a WebSocket with odd queries changes nothing',
    { timeout: 60_000 },
    async () => {
      const t = topics('yunfu-realestate');
      // The device's row keeps its last status even where the log keeps only faults that changed.
      const lastStatusError = (id: string) => String(h.running.accounts.getDevice(id)?.lastStatus?.error ?? '');
      let n = 0;
      await fc.assert(
        fc.asyncProperty(nasty, nasty, async (a, b) => {
          n++;
          // A printer of its own each run: a device's reports are rate-limited (20 at once, then one per 2 s).
          const id = `printer-${n}`;
          const printer = await h.device(id, 'printer');
          const client = mqtt.connect(h.running.mqttUrl, {
            username: printer.mqtt.username,
            password: printer.mqtt.password,
            clientId: printer.mqtt.username,
            reconnectPeriod: 0,
          });
          await new Promise<void>((resolve, reject) => {
            client.once('connect', () => resolve());
            client.once('error', reject);
          });
          try {
            const publish = (topic: string, payload: string | Buffer) =>
              new Promise<void>((r) => client.publish(topic, payload, { qos: 1 }, () => r()));
            await publish(
              t.deviceEvt(id, 'status'),
              JSON.stringify({ id: `e${n}a`, paper: 'ok', cover: 'closed', error: a.slice(0, 60) }),
            );
            await publish(
              t.deviceEvt(id, 'status'),
              JSON.stringify({ id: b.slice(0, 60), paper: 'low', cover: 'closed', error: null }),
            );
            await publish(
              t.deviceEvt(id, 'status'),
              JSON.stringify({
                id: `e${n}b`,
                paper: 'ok',
                cover: 'open',
                [a.slice(0, 60)]: b.slice(0, 60),
                error: b.slice(0, 60),
              }),
            );
            await publish(t.deviceAck(id), JSON.stringify({ id: `c${n}`, ok: false, error: a.slice(0, 300) }));
            await publish(
              t.deviceEvt(id, 'status'),
              Buffer.concat([
                Buffer.from(`{"id":"e${n}c","paper":"out","cover":"closed","error":"`),
                Buffer.from([0xed, 0xa0, 0x80, 0]),
                Buffer.from('"}'),
              ]),
            );
            // Each payload stays under the 2 kB an event or ack may have (a longer one is cut with the connection); a
            // lone surrogate or control character takes 6 bytes in JSON.
            // A sentinel last: once its status is in the log, everything before it was handled (QoS 1, in order).
            await publish(
              t.deviceEvt(id, 'status'),
              JSON.stringify({ id: `e${n}z`, paper: 'ok', cover: 'closed', error: `done ${n}` }),
            );
            await until('the sentinel status', () => lastStatusError(id) === `done ${n}`);
          } finally {
            client.end(true);
          }
          const ws = await openWs(h, `?token=${pct(a)}&since=${pct(b)}`).catch(() => undefined);
          await ws?.close();
          await verifyOk(`mqtt run ${n}`);
        }),
        { numRuns: RUNS, endOnFailure: true } /* no shrinking: each try is a dozen requests */,
      );
    },
  );

  it('verifies offline and after a restart', async () => {
    await h.stop();
    const offline = verifyCli(dir);
    expect(offline.stdout).toMatch(/intact/);
    expect(offline.status).toBe(0);
    h = await startTestHall({ dataDir: dir });
    await verifyOk('after the restart');
    await h.api('POST', `${V1}/auth/login`, { username: 'x\udfffy', password: 'x' });
    await verifyOk('after a login once restarted');
  });
});
