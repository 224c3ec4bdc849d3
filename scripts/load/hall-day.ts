/**
 * A hall day played faster than real time: kiosks issue tickets (some with an ID number, some priority), a manager
 * books appointments that kiosks check in, counter staff call, recall, transfer, mark no-shows, serve and finish, and
 * pads rate finished tickets. Rates are a real day's (about 150 arrivals an hour, 3–20 minute services) × `speed`.
 */
import { checkChar } from '../../server/domain/identity.js';
import { sleep as pause } from '../lib/hall-process.js';
import type { Tally } from './tally.js';

export interface HallDayOptions {
  speed: number;
  /** Arrivals per real hour at the kiosks. */
  arrivalsPerHour: number;
  /** Appointments booked per real hour (checked in at once). */
  appointmentsPerHour: number;
  counters: string[];
  tokens: { manager: string; kiosk: string; staff: Map<string, string>; pads: Map<string, string> };
}

/** Services and how often visitors ask for each (the reference hall's mix). */
const SERVICE_MIX: Array<[serviceId: string, weight: number]> = [
  ['one-window', 40],
  ['mortgage', 20],
  ['enterprise', 5],
  ['query', 10],
  ['payment', 10],
  ['certificate', 8],
  ['consult', 5],
  ['unresolved', 2],
];
/** Real minutes a counter spends on one visitor, per service (the hall file's averages). */
const SERVICE_MINUTES: Record<string, number> = {
  'one-window': 15,
  mortgage: 12,
  enterprise: 20,
  query: 5,
  payment: 3,
  certificate: 4,
  consult: 6,
  unresolved: 15,
};

const V1 = '/api/v1';

function pick<T>(items: Array<[T, number]>): T {
  let r = Math.random() * items.reduce((s, [, w]) => s + w, 0);
  for (const [item, w] of items) if ((r -= w) < 0) return item;
  return items[items.length - 1][0];
}

/** Exponential wait with the given mean: arrivals of a Poisson process. */
const expWait = (meanMs: number) => -Math.log(1 - Math.random()) * meanMs;

/** A valid resident ID number with a random birth date and serial. */
export function randomIdNumber(): string {
  const year = 1940 + Math.floor(Math.random() * 65);
  const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  const first17 = `445302${year}${month}${day}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  return first17 + checkChar(first17);
}

/** Runs until `stopAt` (epoch ms); waits are cut short there, so every loop ends within one request of it. */
export async function playHallDay(o: HallDayOptions, tally: Tally, stopAt: number): Promise<void> {
  const until = () => Date.now() >= stopAt;
  /** Waits `ms`, but never past the end of the run. */
  const sleep = (ms: number) => pause(Math.max(0, Math.min(ms, stopAt - Date.now())));
  const realMs = (minutes: number) => (minutes * 60_000) / o.speed;
  const arrivalMeanMs = 3_600_000 / o.arrivalsPerHour / o.speed;
  const appointmentMeanMs = 3_600_000 / Math.max(o.appointmentsPerHour, 0.001) / o.speed;

  // Two kiosks share the arrivals.
  async function kiosk(): Promise<void> {
    while (!until()) {
      await sleep(expWait(2 * arrivalMeanMs));
      const serviceId = pick(SERVICE_MIX);
      const body: Record<string, unknown> = { serviceId };
      if (Math.random() < 0.3) body.idNumber = randomIdNumber();
      if (Math.random() < 0.08) Object.assign(body, { priority: 'priority', priorityReason: '老年人' });
      const res = await tally.call('POST', `${V1}/tickets`, body, o.tokens.kiosk);
      if (res?.status === 201) tally.tickets.push({ id: res.body.ticket.id, number: res.body.ticket.number });
      tally.count(`issue ${res?.status ?? 'no answer'}`);
    }
  }

  async function appointments(): Promise<void> {
    while (!until()) {
      await sleep(expWait(appointmentMeanMs));
      const start = new Date(Date.now() + 5 * 60_000);
      const slot = { slotStart: start.toISOString(), slotEnd: new Date(start.getTime() + 30 * 60_000).toISOString() };
      const booked = await tally.call(
        'POST',
        `${V1}/appointments`,
        { serviceId: pick(SERVICE_MIX), ...slot, idNumber: randomIdNumber() },
        o.tokens.manager,
      );
      tally.count(`appointment ${booked?.status ?? 'no answer'}`);
      if (booked?.status !== 201 && booked?.status !== 200) continue;
      const checkIn = await tally.call(
        'POST',
        `${V1}/appointments/check-in`,
        { code: booked.body.appointment.code },
        o.tokens.kiosk,
      );
      if (checkIn?.status === 201)
        tally.tickets.push({ id: checkIn.body.ticket.id, number: checkIn.body.ticket.number });
      tally.count(`check-in ${checkIn?.status ?? 'no answer'}`);
    }
  }

  async function counter(counterId: string): Promise<void> {
    const token = o.tokens.staff.get(counterId)!;
    const act = (action: string, body: unknown = {}) =>
      tally.call('POST', `${V1}/counters/${counterId}/${action}`, body, token);
    while (!until()) {
      const called = await act('call-next');
      if (called?.status !== 200) {
        await sleep(realMs(1)); // nobody waiting: look again in a (hall) minute
        continue;
      }
      const ticket = called.body.ticket;
      tally.count('call');
      await sleep(realMs(0.5));
      if (Math.random() < 0.15) {
        await act('recall');
        tally.count('recall');
        await sleep(realMs(0.5));
      }
      if (Math.random() < 0.07) {
        await sleep(realMs(1)); // the holder's minute to come (noShowAfterSeconds) before a no-show
        await act('no-show');
        tally.count('no-show');
        continue;
      }
      await act('start');
      await sleep(realMs((SERVICE_MINUTES[ticket.serviceId] ?? 10) * (0.5 + Math.random())));
      if (Math.random() < 0.05) {
        const to = ticket.serviceId === 'payment' ? 'certificate' : 'payment';
        await act('transfer', { serviceId: to });
        tally.count('transfer');
        continue;
      }
      await act('finish', {});
      tally.count('finish');
      const pad = o.tokens.pads.get(counterId);
      if (pad && Math.random() < 0.6) {
        const rated = await tally.call(
          'POST',
          `${V1}/evaluations`,
          { ticketId: ticket.id, score: 1 + Math.floor(Math.random() * 5) },
          pad,
        );
        tally.count(`rating ${rated?.status ?? 'no answer'}`);
      }
    }
  }

  await Promise.all([kiosk(), kiosk(), appointments(), ...o.counters.map(counter)]);
}
