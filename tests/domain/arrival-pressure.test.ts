/** Arrivals per 15 minutes against what the open counters can serve in 15 minutes (a surge metric). */
import { describe, expect, it } from 'vitest';
import { arrivalPressure } from '../../server/domain/arrival-pressure.js';
import { issueTicket } from '../../server/domain/decide/tickets.js';
import { KIOSK, PureHall } from './harness.js';

function hallWith(open: string[]): PureHall {
  const h = new PureHall();
  for (const id of open) h.state.counters.get(id)!.status = 'open';
  return h;
}
const issue = (h: PureHall, serviceId: string, n: number) => {
  for (let i = 0; i < n; i++) h.run((ctx, s) => issueTicket(ctx, s, { serviceId }), KIOSK);
};
const pressure = (h: PureHall) => arrivalPressure(h.hall, h.state, h.now);

describe('arrivalPressure', () => {
  it("divides the last 15 minutes' tickets by what the open counters serve in 15 minutes", () => {
    const h = hallWith(['7']); // counter 7 serves query, 5 minutes each: 3 people per 15 minutes
    issue(h, 'query', 6);
    expect(pressure(h)).toEqual({ arrivals: 6, capacity: 3, ratio: 2 });
    h.advance(10);
    issue(h, 'query', 3);
    expect(pressure(h).arrivals).toBe(9);
    h.advance(6); // the first six are older than 15 minutes
    expect(pressure(h)).toEqual({ arrivals: 3, capacity: 3, ratio: 1 });
  });

  it('uses the learned service times, and weights a mixed counter by what is arriving', () => {
    const h = hallWith(['7', '12']); // 12 serves one-window (15 min) and query (5 min) among others
    issue(h, 'query', 6);
    // Only queries arrive: counter 12 serves them at 5 minutes too.
    expect(pressure(h)).toMatchObject({ capacity: 6, ratio: 1 });
    issue(h, 'one-window', 2);
    // Counter 12's mix: 6 × 5 min and 2 × 15 min = 7.5 min a person: 2 per 15 min.
    expect(pressure(h)).toMatchObject({ arrivals: 8, capacity: 5, ratio: 1.6 });
    h.state.avgServiceMs.query = 15 * 60_000; // queries turned out to take 15 minutes
    expect(pressure(h)).toMatchObject({ capacity: 2, ratio: 4 });
  });

  it('counts only open counters; with none open the ratio is the arrivals themselves', () => {
    const h = hallWith([]);
    issue(h, 'query', 4);
    expect(pressure(h)).toEqual({ arrivals: 4, capacity: 0, ratio: 4 });
    h.state.counters.get('7')!.status = 'paused';
    expect(pressure(h).capacity).toBe(0);
    expect(pressure(new PureHall())).toEqual({ arrivals: 0, capacity: 0, ratio: 0 });
  });
});
