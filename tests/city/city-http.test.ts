/** The city's HTTP app answers in the contract's error shape, as the hall does: unknown paths and a fault alike. */
import { describe, expect, it } from 'vitest';
import type { CityConsumer } from '../../server/city/consumer.js';
import { createCityApp } from '../../server/city/http.js';
import type { CityReadModel } from '../../server/city/read-model.js';

const failingModel = {
  sites: () => {
    throw new Error('the read model is gone');
  },
  days: () => [],
} as unknown as CityReadModel;
const app = createCityApp(failingModel, {} as CityConsumer);

describe('city HTTP errors', () => {
  it('answers an unknown path with NOT_FOUND in the error shape', async () => {
    const res = await app.request('/api/v1/city/nowhere');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such resource' } });
  });

  it('answers a fault inside a route with INTERNAL in the error shape, not a bare page', async () => {
    const res = await app.request('/api/v1/city/sites');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INTERNAL');
  });
});
