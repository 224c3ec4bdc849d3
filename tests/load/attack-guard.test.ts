/** The load run's attacks refuse any target but this machine, before they open a single connection. */
import { describe, expect, it } from 'vitest';
import { ATTACKS } from '../../scripts/load/attacks/index.js';

const target = {
  host: '127.0.0.1',
  from: '127.0.2.1',
  httpPort: 9,
  mqttPort: 9,
  hallId: 'h',
  flooder: { id: 'p', kind: 'printer', mqtt: { username: 'p', password: 'x' } },
};

describe('attack targets', () => {
  it.each(Object.keys(ATTACKS))('%s runs only against 127.0.0.1, from 127.x.y.z', async (name) => {
    const budget = { count: 1, holdMs: 1000 };
    await expect(ATTACKS[name].run({ ...target, host: '192.168.1.10' }, budget)).rejects.toThrow(
      /only against 127\.0\.0\.1/,
    );
    await expect(ATTACKS[name].run({ ...target, host: 'localhost' }, budget)).rejects.toThrow(
      /only against 127\.0\.0\.1/,
    );
    await expect(ATTACKS[name].run({ ...target, from: '10.0.0.5' }, budget)).rejects.toThrow(/only from this machine/);
  });
});
