import { describe, expect, it } from 'vitest';
import { bookHomeVisit, MAX_BOOKED_HOME_VISITS } from '../../server/domain/decide/home-visits.js';
import { MAX_OPEN_PREREVIEWS, submitPrereview } from '../../server/domain/decide/prereviews.js';
import { PureHall } from './harness.js';

describe('what outsiders can make the hall hold is bounded', () => {
  it('refuses a pre-review past the open limit, and takes one again once one is answered', () => {
    const h = new PureHall();
    for (let i = 0; i < MAX_OPEN_PREREVIEWS; i++)
      h.run((ctx, s) => submitPrereview(ctx, s, { serviceId: 'one-window', reference: `R${i}` }));
    expect(() => h.run((ctx, s) => submitPrereview(ctx, s, { serviceId: 'one-window', reference: 'more' }))).toThrow(
      /waiting already/,
    );
    h.state.prereviews.values().next().value!.answeredAt = h.now;
    h.run((ctx, s) => submitPrereview(ctx, s, { serviceId: 'one-window', reference: 'more' }));
  });

  it('refuses a home visit past the booked limit', () => {
    const h = new PureHall();
    const book = () =>
      h.run((ctx, s) => bookHomeVisit(ctx, s, { serviceId: 'mortgage', date: '2026-11-24', address: '某路1号' }));
    for (let i = 0; i < MAX_BOOKED_HOME_VISITS; i++) book();
    expect(book).toThrow(/booked already/);
  });
});
