/** A hall wired to the platform stand-in through msw: the adapter, a hand-turned clock, and booking helpers. */
import { setupServer } from 'msw/node';
import { PlatformStandIn } from '../../scripts/lib/integrations-sim/platform-standin.js';
import type { PlatformAdapter } from '../../server/features/integrations/index.js';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { manualClock, V1 } from '../api/support.js';

export const PLATFORM_URL = 'http://platform.test/api';

export const platformEnv = {
  PLATFORM_URL,
  PLATFORM_TOKEN: 'platform-token',
  // The tests run each sync themselves.
  PLATFORM_SYNC_SECONDS: '3600',
  INTEGRATION_TIMEOUT_SECONDS: '0.3',
};

export function platformServer(clock: () => number) {
  const platform = new PlatformStandIn(PLATFORM_URL, 'platform-token', clock);
  const server = setupServer(...platform.handlers());
  return { platform, server };
}

export async function hallWithPlatform(clock: ReturnType<typeof manualClock>, dataDir?: string) {
  const h = await startTestHall({ clock: clock.clock, dataDir, env: platformEnv });
  const adapter = h.running.features.find((f) => f.name === 'platform-sync') as PlatformAdapter;
  // The sync that the start began is over before the test puts its bookings.
  await adapter.runNow();
  return { h, adapter };
}

/** A booking of one-window on Monday 2 March 2026 at `hhmm` (Asia/Shanghai), for the person with `serial`. */
export function booking(id: string, serial: number, hhmm = '14:00', extra: Record<string, unknown> = {}) {
  return {
    bookingId: id,
    code: String(4_000_000_000 + serial),
    serviceCode: 'one-window',
    slotStart: `2026-03-02T${hhmm}:00+08:00`,
    slotEnd: `2026-03-02T${hhmm.slice(0, 3)}${String(Number(hhmm.slice(3)) + 20).padStart(2, '0')}:00+08:00`,
    idNumber: makeIdNumber('19800101', serial),
    name: '张三',
    phone: '13800138000',
    ...extra,
  };
}

export async function appointments(h: TestHall): Promise<any[]> {
  const r = await h.api('GET', `${V1}/appointments`, undefined, h.managerToken);
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  return r.body.appointments;
}

export async function integrations(h: TestHall): Promise<any> {
  return (await h.api('GET', `${V1}/integrations`, undefined, h.managerToken)).body;
}
