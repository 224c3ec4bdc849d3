/**
 * A demo hall for screenshots and hands-on trials of the screens: a simulated morning (08:30 → 10:50) of tickets,
 * calls, service and ratings, then a paused counter, an out-of-turn call, a recall, a green-lane ticket and devices.
 * After the simulation the hall's clock runs on in real time from 10:50.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHallServer, type RunningHall } from '../server/app/hall-server.js';
import { readEnv } from '../server/config/env.js';
import { checkChar } from '../server/domain/identity.js';
import { log } from '../server/log.js';

export interface DemoHall {
  running: RunningHall;
  url: string;
  managerToken: string;
  kioskToken: string;
  displayToken: string;
  padTokens: Record<string, string>;
  /** Staff username per counter; every demo password is DEMO_PASSWORD. */
  staffUsers: Record<string, string>;
  /** A ticket still waiting, for the phone page. */
  waitingTicketId: string;
  /** The ID number that holds that ticket (a second number for the same service is refused). */
  demoIdNumber: string;
  /** The hall clock's time now (ms), for pages that should agree with it. */
  now(): number;
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export const DEMO_PASSWORD = 'demo-password';
const MIN = 60_000;

const STAFF: Array<[counter: string, username: string, name: string]> = [
  ['1', 'wangfang', '王芳'],
  ['2', 'liming', '李明'],
  ['3', 'chenjing', '陈静'],
  ['4', 'zhangwei', '张伟'],
  ['5', 'liuyang', '刘洋'],
  ['6', 'huangli', '黄丽'],
  ['7', 'zhouqiang', '周强'],
  ['8', 'wumin', '吴敏'],
  ['9', 'zhenghua', '郑华'],
  ['10', 'sunyan', '孙燕'],
  ['12', 'heping', '何平'],
];

/** Service mix of a morning: one-window and mortgage dominate. */
const MIX: Array<[string, number]> = [
  ['one-window', 34],
  ['mortgage', 20],
  ['enterprise', 6],
  ['query', 9],
  ['payment', 11],
  ['certificate', 12],
  ['consult', 6],
  ['unresolved', 2],
];

/** Small deterministic PRNG, so every run draws the same morning. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function idNumber(birth: string, serial: number): string {
  const first17 = `445302${birth}${String(serial % 1000).padStart(3, '0')}`;
  return first17 + checkChar(first17);
}

/** Today's date in Shanghai, YYYY-MM-DD. */
function shanghaiDay(ms = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
}

export async function startDemoHall(opts: { port?: number; dataDir?: string } = {}): Promise<DemoHall> {
  log.setLevel('silent');
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hallq-demo-'));
  const start = Date.parse(`${shanghaiDay()}T08:30:00+08:00`);
  let simulated: number | null = start;
  let live = { sim: start, wall: Date.now() };
  const clock = () => simulated ?? live.sim + (Date.now() - live.wall);
  const at = (ms: number) => (simulated = ms);

  const env = readEnv({
    PORT: String(opts.port ?? 0),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    MQTT_PORT: '0',
    HALLQ_HOURS: 'always',
    HALLQ_BOOTSTRAP_MANAGER: `boss:${DEMO_PASSWORD}`,
  });
  const running = await startHallServer(env, { clock });
  const url = running.url;

  async function api<T = any>(method: string, path: string, body?: unknown, token?: string) {
    const res = await fetch(url + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
  const must = async <T = any>(method: string, path: string, body?: unknown, token?: string) => {
    const r = await api<T>(method, path, body, token);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  const managerToken = (await must('POST', '/api/v1/auth/login', { username: 'boss', password: DEMO_PASSWORD }))
    .token as string;
  const device = async (id: string, kind: string, extra: Record<string, string> = {}) =>
    (await must('POST', '/api/v1/devices', { id, kind, ...extra }, managerToken)).token as string;

  const kioskToken = await device('kiosk-1', 'kiosk');
  await device('kiosk-2', 'kiosk');
  await device('printer-1', 'printer', { kioskId: 'kiosk-1' });
  await device('printer-2', 'printer', { kioskId: 'kiosk-2' });
  const displayToken = await device('display-hall', 'display');
  await device('display-c5', 'display', { counterId: '5' });
  await device('speaker-hall', 'speaker');
  await device('ups-1', 'sensor');
  const padTokens: Record<string, string> = {};
  for (const c of ['1', '2', '3', '4', '5', '6']) padTokens[c] = await device(`pad-${c}`, 'pad', { counterId: c });
  for (const c of ['7', '8', '9']) await device(`led-${c}`, 'led', { counterId: c });

  const staff: Record<string, string> = {};
  const staffUsers: Record<string, string> = {};
  for (const [counter, username, name] of STAFF) {
    await must('POST', '/api/v1/staff', { username, password: DEMO_PASSWORD, name, role: 'counter' }, managerToken);
    staff[counter] = (await must('POST', '/api/v1/auth/login', { username, password: DEMO_PASSWORD })).token;
    staffUsers[counter] = username;
    await must('POST', `/api/v1/counters/${counter}/sign-in`, {}, staff[counter]);
  }
  await must(
    'POST',
    '/api/v1/staff',
    { username: 'zhaomin', password: DEMO_PASSWORD, name: '赵敏', role: 'manager' },
    managerToken,
  );

  // ---- the morning ------------------------------------------------------------------------------------------------
  const rnd = prng(20231126);
  const pick = () => {
    let r = rnd() * MIX.reduce((a, [, w]) => a + w, 0);
    for (const [id, w] of MIX) if ((r -= w) < 0) return id;
    return MIX[0][0];
  };
  const arrivals: number[] = [];
  for (let m = 0; m < 138; m++) {
    const rate = m < 20 ? 0.9 : m < 95 ? 1.6 : 1.1;
    for (let n = Math.floor(rate + rnd()); n > 0; n--) arrivals.push(m);
  }
  const avg: Record<string, number> = {
    'one-window': 15,
    mortgage: 12,
    enterprise: 20,
    query: 5,
    payment: 3,
    certificate: 4,
    consult: 6,
    unresolved: 15,
  };
  type Phase = { phase: 'idle' | 'called' | 'serving'; until: number; serviceId?: string; ticketId?: string };
  const counters: Record<string, Phase> = Object.fromEntries(STAFF.map(([c]) => [c, { phase: 'idle', until: 0 }]));
  let serial = 0;
  let lastWaiting = '';

  for (let m = 0; m <= 140; m++) {
    at(start + m * MIN + Math.floor(rnd() * 40_000));
    for (const a of arrivals.filter((x) => x === m)) {
      void a;
      const serviceId = pick();
      const body: Record<string, string> = { serviceId };
      if (rnd() < 0.45)
        body.idNumber = idNumber(
          `19${50 + Math.floor(rnd() * 50)}0${1 + Math.floor(rnd() * 9)}1${Math.floor(rnd() * 9)}`,
          ++serial,
        );
      // A kiosk sends a reason's code; elderly is read from an ID number, so a visitor with one claims another.
      if (rnd() < 0.08)
        Object.assign(body, {
          priority: 'priority',
          priorityReason: body.idNumber ? 'disabled' : rnd() < 0.6 ? 'elderly' : 'disabled',
        });
      const r = await api('POST', '/api/v1/tickets', body, kioskToken);
      if (r.status === 201 && serviceId === 'one-window') lastWaiting = r.body.ticket.id;
    }
    for (const [counter] of STAFF) {
      const c = counters[counter];
      const token = staff[counter];
      if (m > 128 && (counter === '5' || counter === '2')) continue; // these two finish early for the set pieces below
      if (c.phase === 'idle') {
        const r = await api('POST', `/api/v1/counters/${counter}/call-next`, {}, token);
        if (r.status === 200)
          Object.assign(c, {
            phase: 'called',
            until: m + 1,
            serviceId: r.body.ticket.serviceId,
            ticketId: r.body.ticket.id,
          });
      } else if (c.phase === 'called' && m >= c.until) {
        if (rnd() < 0.05) {
          await must('POST', `/api/v1/counters/${counter}/no-show`, {}, token);
          c.phase = 'idle';
        } else {
          await must('POST', `/api/v1/counters/${counter}/start`, {}, token);
          const base = avg[c.serviceId!] ?? 8;
          Object.assign(c, { phase: 'serving', until: m + Math.max(2, Math.round(base * (0.6 + rnd() * 0.8))) });
        }
      } else if (c.phase === 'serving' && m >= c.until) {
        await must('POST', `/api/v1/counters/${counter}/finish`, {}, token);
        c.phase = 'idle';
        const pad = padTokens[counter];
        if (pad && rnd() < 0.8) {
          const x = rnd();
          const score = x < 0.62 ? 5 : x < 0.86 ? 4 : x < 0.95 ? 3 : 2;
          await api('POST', '/api/v1/evaluations', { ticketId: c.ticketId, score }, pad);
        }
      }
    }
  }

  // ---- set pieces at about 10:50 ----------------------------------------------------------------------------------
  at(start + 141 * MIN);
  const finishAt = async (counter: string) => {
    const c = counters[counter];
    if (c.phase === 'called') await api('POST', `/api/v1/counters/${counter}/start`, {}, staff[counter]);
    if (c.phase !== 'idle') await api('POST', `/api/v1/counters/${counter}/finish`, {}, staff[counter]);
    c.phase = 'idle';
  };
  // A poor rating opens a follow-up; one earlier follow-up has been answered.
  await finishAt('4');
  const poor = await api('POST', `/api/v1/counters/4/call-next`, {}, staff['4']);
  if (poor.status === 200) {
    await must('POST', '/api/v1/counters/4/start', {}, staff['4']);
    at(start + 148 * MIN);
    await must('POST', '/api/v1/counters/4/finish', {}, staff['4']);
    await api(
      'POST',
      '/api/v1/evaluations',
      { ticketId: poor.body.ticket.id, score: 2, comment: '等候时间较长' },
      padTokens['4'],
    );
    await api('POST', '/api/v1/counters/4/call-next', {}, staff['4']);
    await api('POST', '/api/v1/counters/4/start', {}, staff['4']);
  }
  const followUps = (await must('GET', '/api/v1/followups', undefined, managerToken)).followUps as Array<{
    id: string;
    open: boolean;
  }>;
  const older = followUps.filter((f) => f.open).slice(1);
  for (const f of older)
    await api(
      'POST',
      `/api/v1/followups/${f.id}/answer`,
      { answer: '已电话回访，群众表示理解；已提醒窗口加快办理。' },
      managerToken,
    );

  // Counter 2: an out-of-turn call, with its category, for an elderly visitor led in by the hall guide.
  at(start + 149 * MIN);
  await finishAt('2');
  const queue = (await must('GET', '/api/v1/counters/2/queue', undefined, staff['2'])).groups[0].waiting as Array<{
    id: string;
  }>;
  if (queue.length > 2)
    await must(
      'POST',
      '/api/v1/counters/2/call',
      { ticketId: queue[queue.length - 1].id, reason: '行动不便老人，由导办人员引导至窗口', category: 'special-group' },
      staff['2'],
    );
  // Counter 5 steps away; counter 1 calls again; the green lane takes an urgent case.
  await finishAt('5');
  await must('POST', '/api/v1/counters/5/pause', { reason: '暂时离开，10分钟后返回' }, staff['5']);
  at(start + 150 * MIN);
  if (counters['1'].phase === 'called') await api('POST', '/api/v1/counters/1/recall', {}, staff['1']);
  await finishAt('12');
  await must(
    'POST',
    '/api/v1/tickets',
    { serviceId: 'mortgage', priority: 'green', priorityReason: '异地来办，当日返程', channel: 'counter' },
    staff['12'],
  );
  await must('POST', '/api/v1/counters/12/call-next', {}, staff['12']);
  // A fresh number for the phone page.
  at(start + 151 * MIN);
  const demoIdNumber = idNumber('19680315', 777);
  const mine = await must('POST', '/api/v1/tickets', { serviceId: 'one-window', idNumber: demoIdNumber }, kioskToken);
  const waitingTicketId = (mine.ticket?.id as string) ?? lastWaiting;

  // Devices report in as they would over MQTT.
  const now = clock();
  for (const d of running.accounts.listDevices())
    if (d.id !== 'led-9' && d.id !== 'kiosk-2') running.accounts.setDeviceOnline(d.id, true, now);
  running.accounts.setDeviceStatus('printer-1', { paper: 'ok', cover: 'closed', error: null }, now);
  running.accounts.setDeviceStatus('printer-2', { paper: 'low', cover: 'closed', error: null }, now);
  running.accounts.setDeviceStatus('ups-1', { onBattery: false }, now);

  live = { sim: clock(), wall: Date.now() };
  simulated = null;

  return {
    running,
    url,
    managerToken,
    kioskToken,
    displayToken,
    padTokens,
    staffUsers,
    waitingTicketId,
    demoIdNumber,
    now: clock,
    api,
    async stop() {
      await running.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
