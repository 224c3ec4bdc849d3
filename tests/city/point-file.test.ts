/** A convenience point is a small hall file: `hall.kind: "point"`; a hall file without a kind is a hall. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HALL_PATH, parseHallFile } from '../../server/config/load-hall.js';

describe('the hall file’s kind', () => {
  it('reads the sample point and defaults a hall file without a kind to a hall', () => {
    const point = parseHallFile(
      readFileSync(new URL('../../config/halls/yunfu-point-liudu.json', import.meta.url), 'utf8'),
    );
    expect(point.hall.kind).toBe('point');
    expect(point.counters.length).toBeLessThanOrEqual(2);
    expect(parseHallFile(readFileSync(DEFAULT_HALL_PATH, 'utf8')).hall.kind).toBe('hall');
  });
});
