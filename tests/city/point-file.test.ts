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

  it('reads a site’s optional location and refuses one out of range', () => {
    const text = readFileSync(DEFAULT_HALL_PATH, 'utf8');
    const hall = parseHallFile(text).hall;
    expect(hall.location).toEqual({ lat: expect.closeTo(22.9, 0) as number, lng: expect.closeTo(112, 0) as number });
    const point = parseHallFile(
      readFileSync(new URL('../../config/halls/yunfu-point-liudu.json', import.meta.url), 'utf8'),
    );
    expect(point.hall.location).toEqual({ lat: 23.052, lng: 111.972 });
    const withLocation = (location: unknown) => {
      const file = JSON.parse(text) as { hall: Record<string, unknown> };
      file.hall.location = location;
      return JSON.stringify(file);
    };
    expect(() => parseHallFile(withLocation({ lat: 91, lng: 112 }))).toThrow(/latitude/);
    expect(() => parseHallFile(withLocation({ lat: 22.9, lng: 181 }))).toThrow(/longitude/);
    expect(() => parseHallFile(withLocation({ lat: 22.9, lon: 112 }))).toThrow();
    const file = JSON.parse(text) as { hall: Record<string, unknown> };
    delete file.hall.location;
    expect(parseHallFile(JSON.stringify(file)).hall.location).toBeUndefined();
  });
});
