import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatLocalTime } from '../../devices/ticket/local-time.js';
import { localTime, zonedInstant, type LocalTime } from '../../server/domain/clock.js';
import { fixedFooterOffset, isKnownTimeZone, parseTzif, zoneOffsetAt } from '../../server/domain/zone-offsets.js';

const ZONES = [
  'Asia/Shanghai',
  'Asia/Urumqi',
  'Asia/Hong_Kong',
  'Asia/Kolkata',
  'UTC',
  'Europe/London',
  'America/New_York',
  'Australia/Lord_Howe',
];
const FROM = Date.UTC(1970, 0, 1);
const TO = Date.UTC(2040, 0, 1);
const HOUR = 3_600_000;

// ---- The old Intl way, kept here as the reference ----

const intlFormatters = new Map<string, Intl.DateTimeFormat>();
function intlParts(ms: number, tz: string): Record<string, string> {
  let f = intlFormatters.get(tz);
  if (!f) {
    const opts = { timeZone: tz, hourCycle: 'h23', weekday: 'short', second: '2-digit' } as const;
    f = new Intl.DateTimeFormat('en-US', {
      ...opts,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    intlFormatters.set(tz, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) parts[p.type] = p.value;
  return parts;
}
function intlOffset(ms: number, tz: string): number {
  const p = intlParts(ms, tz);
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000;
}
function intlLocalTime(ms: number, tz: string): LocalTime {
  const p = intlParts(ms, tz);
  const hh = Number(p.hour);
  const mm = Number(p.minute);
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: p.weekday.toLowerCase().slice(0, 3) as LocalTime['weekday'],
    minutes: hh * 60 + mm,
    hh,
    mm,
  };
}
function intlZonedInstant(date: string, minutes: number, tz: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const naive = Date.UTC(y, m - 1, d) + minutes * 60_000;
  return naive - intlOffset(naive - intlOffset(naive, tz), tz);
}

/** Every ~37 h from 1970 to 2040, plus each of the zone's transitions in that span ±1 s. */
function instantsFor(tz: string): number[] {
  const out: number[] = [];
  for (let ms = FROM; ms < TO; ms += 37 * HOUR + 1234) out.push(ms);
  const tzif = parseTzif(readFileSync(`/usr/share/zoneinfo/${tz}`));
  for (const t of tzif?.transitions ?? []) {
    if (t * 1000 < FROM || t * 1000 > TO) continue;
    out.push(t * 1000 - 1000, t * 1000 - 1, t * 1000, t * 1000 + 1000);
  }
  return out;
}

describe('zone offsets agree with Intl', () => {
  for (const tz of ZONES) {
    it(`${tz}, 1970–2040 and every transition ±1 s`, () => {
      const wrong: string[] = [];
      for (const ms of instantsFor(tz)) {
        const ours = { offset: zoneOffsetAt(ms, tz), ...localTime(ms, tz) };
        const theirs = { offset: intlOffset(ms, tz), ...intlLocalTime(ms, tz) };
        if (JSON.stringify(ours) !== JSON.stringify(theirs))
          wrong.push(`${new Date(ms).toISOString()}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    });
  }

  it("sees Shanghai's summer time of 1986–1991 and none since", () => {
    expect(zoneOffsetAt(Date.parse('1988-07-01T00:00:00Z'), 'Asia/Shanghai')).toBe(9 * HOUR);
    expect(zoneOffsetAt(Date.parse('1991-09-14T16:59:59Z'), 'Asia/Shanghai')).toBe(9 * HOUR);
    expect(zoneOffsetAt(Date.parse('1991-09-14T17:00:00Z'), 'Asia/Shanghai')).toBe(8 * HOUR);
    expect(zoneOffsetAt(Date.parse('2026-07-01T00:00:00Z'), 'Asia/Shanghai')).toBe(8 * HOUR);
    expect(zoneOffsetAt(Date.parse('2200-07-01T00:00:00Z'), 'Asia/Shanghai')).toBe(8 * HOUR);
  });

  it('refuses a bad instant like Intl did', () => {
    expect(() => localTime(Number.NaN, 'Asia/Shanghai')).toThrow(RangeError);
    expect(() => zoneOffsetAt(9e15, 'Asia/Shanghai')).toThrow(RangeError);
  });
});

describe('zonedInstant', () => {
  for (const tz of ['Asia/Shanghai', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe']) {
    it(`round-trips ${tz}, and matches the Intl way in gaps and overlaps`, () => {
      const wrong: string[] = [];
      for (let day = Date.UTC(1985, 0, 1); day < Date.UTC(2040, 0, 1); day += 3 * 86_400_000 + 86_400_000 / 8) {
        const date = new Date(day).toISOString().slice(0, 10);
        for (const minutes of [0, 90, 120, 150, 510, 1439, 1440]) {
          const ms = zonedInstant(date, minutes, tz);
          if (ms !== intlZonedInstant(date, minutes, tz)) wrong.push(`${tz} ${date} +${minutes}: differs from Intl`);
          const back = localTime(ms, tz);
          const inGap = intlLocalTime(ms, tz).minutes !== minutes % 1440;
          if (!inGap && minutes < 1440 && (back.date !== date || back.minutes !== minutes))
            wrong.push(`${tz} ${date} +${minutes}: ${JSON.stringify(back)}`);
        }
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    });
  }

  it('puts a Shanghai hall morning at 08:30+08:00', () => {
    expect(zonedInstant('2026-11-26', 8 * 60 + 30, 'Asia/Shanghai')).toBe(Date.parse('2026-11-26T08:30:00+08:00'));
    expect(zonedInstant('1988-07-01', 8 * 60 + 30, 'Asia/Shanghai')).toBe(Date.parse('1988-07-01T08:30:00+09:00'));
  });
});

// ---- Hand-built TZif files ----

interface TypeSpec {
  utoff: number;
  isdst?: 0 | 1;
}
interface TzifSpec {
  transitions: number[];
  indices: number[];
  types: TypeSpec[];
  leapcnt?: number;
}

function header(version: string, s: TzifSpec): Buffer {
  const h = Buffer.alloc(44);
  h.write('TZif', 0, 'latin1');
  h[4] = version === '1' ? 0 : version.charCodeAt(0);
  const counts = [s.types.length, s.types.length, s.leapcnt ?? 0, s.transitions.length, s.types.length, 4];
  counts.forEach((n, i) => h.writeUInt32BE(n, 20 + 4 * i));
  return h;
}

function dataBlock(s: TzifSpec, timeSize: 4 | 8): Buffer {
  const parts: Buffer[] = [];
  for (const t of s.transitions) {
    const b = Buffer.alloc(timeSize);
    if (timeSize === 4) b.writeInt32BE(t);
    else b.writeBigInt64BE(BigInt(t));
    parts.push(b);
  }
  parts.push(Buffer.from(s.indices));
  for (const type of s.types) {
    const b = Buffer.alloc(6);
    b.writeInt32BE(type.utoff);
    b[4] = type.isdst ?? 0;
    b[5] = 0;
    parts.push(b);
  }
  parts.push(Buffer.from('ABC\0', 'latin1'));
  parts.push(Buffer.alloc((s.leapcnt ?? 0) * (timeSize + 4)));
  parts.push(Buffer.alloc(s.types.length * 2)); // standard/wall and UT/local indicators
  return Buffer.concat(parts);
}

function tzifV1(s: TzifSpec): Buffer {
  return Buffer.concat([header('1', s), dataBlock(s, 4)]);
}

/** A version 2+ file whose 32-bit block is a stub (as in slim files), so only the 64-bit block is right. */
function tzifV2(version: '2' | '3' | '4', s: TzifSpec, footer: string): Buffer {
  const stub: TzifSpec = { transitions: [], indices: [], types: [{ utoff: 12345 }] };
  return Buffer.concat([
    header(version, stub),
    dataBlock(stub, 4),
    header(version, s),
    dataBlock(s, 8),
    Buffer.from(`\n${footer}\n`, 'latin1'),
  ]);
}

const beijing: TzifSpec = {
  transitions: [-(2 ** 40), 0, 1_000_000],
  indices: [1, 2, 1],
  types: [{ utoff: 29143 }, { utoff: 28800 }, { utoff: 32400, isdst: 1 }],
};
/** The same in 32 bits, as a version 1 file holds it. */
const beijing32: TzifSpec = { ...beijing, transitions: [-(2 ** 31), 0, 1_000_000] };

describe('parseTzif', () => {
  it('reads a version 1 file', () => {
    expect(parseTzif(tzifV1(beijing32))).toEqual({
      version: 1,
      transitions: [-(2 ** 31), 0, 1_000_000],
      offsets: [28800, 32400, 28800],
      initialOffset: 29143,
      footer: '',
      hasLeapSeconds: false,
    });
  });

  it('reads the 64-bit block and the footer of version 2 and 3 files', () => {
    for (const version of ['2', '3', '4'] as const) {
      expect(parseTzif(tzifV2(version, beijing, 'CST-8'))).toEqual({
        version: Number(version),
        transitions: [-(2 ** 40), 0, 1_000_000],
        offsets: [28800, 32400, 28800],
        initialOffset: 29143,
        footer: 'CST-8',
        hasLeapSeconds: false,
      });
    }
    expect(parseTzif(tzifV2('3', beijing, '<+1030>-10:30<+11>-11,M10.1.0,M4.1.0'))?.footer).toBe(
      '<+1030>-10:30<+11>-11,M10.1.0,M4.1.0',
    );
    expect(parseTzif(tzifV2('2', { ...beijing, leapcnt: 1 }, 'CST-8'))?.hasLeapSeconds).toBe(true);
  });

  it('reads the real Asia/Shanghai file', () => {
    const tzif = parseTzif(readFileSync('/usr/share/zoneinfo/Asia/Shanghai'));
    expect(tzif?.footer).toBe('CST-8');
    expect(tzif?.transitions.at(-1)).toBe(Date.parse('1991-09-14T17:00:00Z') / 1000);
  });

  it('refuses garbage and broken files', () => {
    const good = tzifV2('2', beijing, 'CST-8');
    const broken = (edit: (b: Buffer) => void) => {
      const b = Buffer.from(good);
      edit(b);
      return b;
    };
    const secondHeader = good.indexOf('TZif', 4);
    const cases: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from('not a tz file at all, just some text that is long enough to look like a header'),
      Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 7919) % 256)),
      broken((b) => (b[4] = 0x39)), // unknown version
      broken((b) => (b[secondHeader + 4] = 0x33)), // versions disagree
      broken((b) => b.writeUInt32BE(0, secondHeader + 36)), // typecnt 0
      broken((b) => b.writeUInt32BE(9999, secondHeader + 32)), // timecnt past the end
      broken((b) => (b[secondHeader + 44 + 3 * 8] = 7)), // type index out of range
      broken((b) => b.writeBigInt64BE(5_000_000n, secondHeader + 44 + 8)), // transitions out of order
      broken((b) => (b[good.length - 1] = 0x20)), // footer not closed
      tzifV1({ transitions: [], indices: [], types: [{ utoff: -(2 ** 31) }] }), // impossible offset
    ];
    for (let cut = 0; cut < good.length; cut += 3) cases.push(good.subarray(0, cut));
    for (const buf of cases) expect(parseTzif(buf)).toBeUndefined();
  });
});

describe('fixedFooterOffset', () => {
  it('reads POSIX offsets, which count west of UTC', () => {
    expect(fixedFooterOffset('CST-8')).toBe(8 * 3600);
    expect(fixedFooterOffset('UTC0')).toBe(0);
    expect(Object.is(fixedFooterOffset('UTC0'), 0)).toBe(true);
    expect(fixedFooterOffset('<+06>-6')).toBe(6 * 3600);
    expect(fixedFooterOffset('IST-5:30')).toBe(5.5 * 3600);
    expect(fixedFooterOffset('<-03>3')).toBe(-3 * 3600);
    expect(fixedFooterOffset('EST5')).toBe(-5 * 3600);
  });

  it('leaves DST rules and nonsense alone', () => {
    for (const footer of [
      '',
      'GMT0BST,M3.5.0/1,M10.5.0',
      'EST5EDT',
      '<+1030>-10:30<+11>-11,M10.1.0,M4.1.0',
      'CST',
      'CS-8',
      'CST-8:99',
    ]) {
      expect(fixedFooterOffset(footer)).toBeUndefined();
    }
  });
});

// ---- Zone names, files and the Intl fallback ----

describe('zone names', () => {
  it('refuses names that are not zones, without reading outside the zone folder', () => {
    for (const name of [
      '../../etc/passwd',
      'Asia/../etc',
      '',
      'Not/AZone',
      '/etc/passwd',
      'Asia/',
      'zone.tab',
      'Asia',
    ]) {
      expect(isKnownTimeZone(name)).toBe(false);
      expect(() => zoneOffsetAt(0, name)).toThrow(RangeError);
    }
  });

  it('lets the ticket printer refuse an unknown zone', () => {
    expect(() => formatLocalTime('2025-12-31T16:30:00Z', 'Not/AZone')).toThrow(RangeError);
    expect(() => formatLocalTime('2025-12-31T16:30:00Z', '../../etc/passwd')).toThrow(RangeError);
  });

  it('knows the zones the hall may use', () => {
    for (const tz of ZONES) expect(isKnownTimeZone(tz)).toBe(true);
  });

  it.runIf(existsSync('/usr/share/zoneinfo/tzdata.zi'))(
    'refuses files of the zone folder that are not zones (tzdata.zi lists the zones)',
    () => {
      for (const name of ['localtime', 'posixrules', 'posix/Asia/Shanghai', 'right/Asia/Shanghai', 'zone1970.tab'])
        expect(isKnownTimeZone(name)).toBe(false);
      for (const name of ['UTC', 'PRC', 'Asia/Chongqing', 'Asia/Urumqi']) expect(isKnownTimeZone(name)).toBe(true);
    },
  );
});

describe('sources', () => {
  const savedTzdir = process.env.TZDIR;
  afterEach(() => {
    vi.restoreAllMocks();
    if (savedTzdir === undefined) delete process.env.TZDIR;
    else process.env.TZDIR = savedTzdir;
  });

  /** Counts `new Intl.DateTimeFormat(...)` while still handing out real formatters. */
  function spyOnDateTimeFormat() {
    const Real = Intl.DateTimeFormat;
    return vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(function (...args: ConstructorParameters<typeof Real>) {
      return new Real(...args);
    } as unknown as typeof Real);
  }

  /** Fresh modules, so that no zone is cached yet. */
  async function freshModules() {
    vi.resetModules();
    const clock = await import('../../server/domain/clock.js');
    const offsets = await import('../../server/domain/zone-offsets.js');
    return { ...clock, ...offsets };
  }

  it('never makes an Intl.DateTimeFormat for Asia/Shanghai', async () => {
    const m = await freshModules();
    const spy = spyOnDateTimeFormat();
    expect(m.isKnownTimeZone('Asia/Shanghai')).toBe(true);
    for (let ms = Date.UTC(1900, 0, 1); ms < Date.UTC(2100, 0, 1); ms += 97 * HOUR) m.localTime(ms, 'Asia/Shanghai');
    expect(m.localTime(Date.parse('2025-12-31T16:30:00Z'), 'Asia/Shanghai')).toMatchObject({
      date: '2026-01-01',
      hh: 0,
      mm: 30,
      weekday: 'thu',
    });
    expect(m.zonedInstant('2026-11-26', 510, 'Asia/Shanghai')).toBe(Date.parse('2026-11-26T08:30:00+08:00'));
    expect(m.zoneOffsetAt(Date.now(), 'Asia/Urumqi')).toBe(6 * HOUR); // footer '<+06>-6'
    expect(spy).not.toHaveBeenCalled();
  });

  it('asks Intl for instants past the table when the footer has a DST rule, and gets them right', async () => {
    const m = await freshModules();
    const lastLondon = parseTzif(readFileSync('/usr/share/zoneinfo/Europe/London'))!.transitions.at(-1)! * 1000;
    const spy = spyOnDateTimeFormat();
    if (lastLondon > Date.UTC(2025, 6, 1)) {
      // Fat files list London's changes up to 2037: today comes from the table.
      expect(m.zoneOffsetAt(Date.UTC(2025, 6, 1), 'Europe/London')).toBe(HOUR);
      expect(spy).not.toHaveBeenCalled();
    }
    expect(m.zoneOffsetAt(Date.UTC(2040, 6, 1), 'Europe/London')).toBe(HOUR);
    expect(m.zoneOffsetAt(Date.UTC(2040, 0, 15), 'Europe/London')).toBe(0);
    expect(m.zoneOffsetAt(Date.UTC(2045, 6, 1), 'America/New_York')).toBe(-4 * HOUR);
    expect(m.zoneOffsetAt(Date.UTC(2045, 0, 15), 'America/New_York')).toBe(-5 * HOUR);
    expect(m.zoneOffsetAt(Date.UTC(2045, 0, 15), 'Australia/Lord_Howe')).toBe(11 * HOUR);
    expect(m.zoneOffsetAt(Date.UTC(2045, 6, 15), 'Australia/Lord_Howe')).toBe(10.5 * HOUR);
    expect(m.localTime(Date.parse('2040-03-25T01:00:00Z'), 'Europe/London')).toMatchObject({ hh: 2, mm: 0 }); // BST begins
    expect(spy).toHaveBeenCalled();
  });

  it('reads the zone folder named by TZDIR, and falls back to Intl for a zone it lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tzdir-'));
    try {
      mkdirSync(join(dir, 'Test'));
      // Summer time from 0 to 1_000_000 s, then a fixed +05:30 from the footer.
      writeFileSync(join(dir, 'Test/Fixed'), tzifV2('2', beijing, '<+0530>-5:30'));
      writeFileSync(join(dir, 'Test/Old'), tzifV1(beijing32));
      writeFileSync(join(dir, 'Test/Leap'), tzifV2('2', { ...beijing, leapcnt: 1 }, 'CST-8'));
      process.env.TZDIR = dir;
      const m = await freshModules();
      const spy = spyOnDateTimeFormat();
      expect(m.zoneOffsetAt(-1000, 'Test/Fixed')).toBe(8 * HOUR);
      expect(m.zoneOffsetAt(0, 'Test/Fixed')).toBe(9 * HOUR);
      expect(m.zoneOffsetAt(999_999_000, 'Test/Fixed')).toBe(9 * HOUR);
      expect(m.zoneOffsetAt(1_000_000_000, 'Test/Fixed')).toBe(5.5 * HOUR);
      expect(m.zoneOffsetAt(-(2 ** 41) * 1000, 'Test/Fixed')).toBe(29143_000);
      expect(m.zoneOffsetAt(500_000_000, 'Test/Old')).toBe(9 * HOUR);
      expect(m.isKnownTimeZone('Test/Fixed')).toBe(true);
      expect(spy).not.toHaveBeenCalled();
      // No footer in version 1, leap seconds, or no file at all: Intl decides, and it knows none of these.
      expect(() => m.zoneOffsetAt(2_000_000_000, 'Test/Old')).toThrow(RangeError);
      expect(m.isKnownTimeZone('Test/Leap')).toBe(false);
      expect(m.zoneOffsetAt(0, 'Asia/Shanghai')).toBe(8 * HOUR); // not in this TZDIR: from Intl
      expect(spy).toHaveBeenCalled();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
