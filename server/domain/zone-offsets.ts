/** UTC offsets of IANA zones, read from the system's compiled tz database (TZif, RFC 8536); Intl only as a fallback. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Why not Intl: the first Intl.DateTimeFormat with a timeZone maps ~8 MB of ICU zone and locale data into the
// process for good, while the hall only needs offsets, which Asia/Shanghai's 561-byte TZif file gives.
//
// Debian 12 (tzdata 2025b) ships "fat" files: Europe/London is 3664 bytes and `zdump -v` lists every change
// up to 2037 from the table itself, so a DST zone reads the table until 2037 and only later instants need the
// footer's rule. "Slim" files (e.g. Alpine, ~1.6 kB for London) stop at the last rule change (1996 for
// London) and leave the rest to the footer. Either way a DST rule in the footer is left to Intl.

/** What a TZif file says, reduced to what offsets need. */
export interface Tzif {
  version: 1 | 2 | 3 | 4;
  /** Transition instants in UTC seconds, strictly ascending. */
  transitions: number[];
  /** Seconds east of UTC from `transitions[i]` on. */
  offsets: number[];
  /** Seconds east of UTC before the first transition: time type 0 (RFC 8536 §3.2). */
  initialOffset: number;
  /** The POSIX TZ string after the data, e.g. 'CST-8'; '' when empty or in a version 1 file. */
  footer: string;
  /** Leap-second records present ("right/" zones), whose transition times are not plain UTC. */
  hasLeapSeconds: boolean;
}

const HEADER_BYTES = 44;
const MAX_DATE_MS = 8.64e15;
/** A zone name is path segments of these characters; no dots, so never '..'. */
const ZONE_NAME = /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/;

interface Header {
  version: Tzif['version'];
  isutcnt: number;
  isstdcnt: number;
  leapcnt: number;
  timecnt: number;
  typecnt: number;
  charcnt: number;
}

function readHeader(buf: Buffer, at: number): Header | undefined {
  if (buf.length < at + HEADER_BYTES || buf.toString('latin1', at, at + 4) !== 'TZif') return undefined;
  const v = buf[at + 4];
  const version: Tzif['version'] | undefined =
    v === 0 ? 1 : v >= 0x32 && v <= 0x34 ? ((v - 0x30) as 2 | 3 | 4) : undefined;
  if (version === undefined) return undefined;
  const count = (i: number) => buf.readUInt32BE(at + 20 + 4 * i);
  const h: Header = {
    version,
    isutcnt: count(0),
    isstdcnt: count(1),
    leapcnt: count(2),
    timecnt: count(3),
    typecnt: count(4),
    charcnt: count(5),
  };
  const indicatorsOk = (n: number) => n === 0 || n === h.typecnt;
  if (h.typecnt === 0 || h.charcnt === 0 || !indicatorsOk(h.isutcnt) || !indicatorsOk(h.isstdcnt)) return undefined;
  return h;
}

/** Bytes of the data block after a header, with 4- (v1) or 8-byte (v2+) times. */
function dataBytes(h: Header, timeSize: number): number {
  return h.timecnt * (timeSize + 1) + h.typecnt * 6 + h.charcnt + h.leapcnt * (timeSize + 4) + h.isstdcnt + h.isutcnt;
}

/** Parses a TZif file (versions 1–4; the 64-bit block when there is one). Undefined when it is malformed. */
export function parseTzif(buf: Buffer): Tzif | undefined {
  const first = readHeader(buf, 0);
  if (!first) return undefined;
  let header = first;
  let at = HEADER_BYTES;
  let timeSize = 4;
  if (first.version >= 2) {
    const second = readHeader(buf, at + dataBytes(first, 4));
    if (!second || second.version !== first.version) return undefined;
    header = second;
    at += dataBytes(first, 4) + HEADER_BYTES;
    timeSize = 8;
  }
  const end = at + dataBytes(header, timeSize);
  if (buf.length < end) return undefined;

  const { timecnt, typecnt } = header;
  const transitions: number[] = [];
  for (let i = 0; i < timecnt; i++) {
    const t = timeSize === 4 ? buf.readInt32BE(at + 4 * i) : Number(buf.readBigInt64BE(at + 8 * i));
    if (i > 0 && t <= transitions[i - 1]) return undefined;
    transitions.push(t);
  }
  const indexAt = at + timecnt * timeSize;
  const typesAt = indexAt + timecnt;
  const utoffs: number[] = [];
  for (let i = 0; i < typecnt; i++) {
    const utoff = buf.readInt32BE(typesAt + 6 * i);
    const isdst = buf[typesAt + 6 * i + 4];
    const desigidx = buf[typesAt + 6 * i + 5];
    // RFC 8536 §3.2: utoff should lie within (-25 h, +26 h).
    if (utoff < -89999 || utoff > 93599 || isdst > 1 || desigidx >= header.charcnt) return undefined;
    utoffs.push(utoff);
  }
  const offsets: number[] = [];
  for (let i = 0; i < timecnt; i++) {
    const type = buf[indexAt + i];
    if (type >= typecnt) return undefined;
    offsets.push(utoffs[type]);
  }

  let footer = '';
  if (header.version >= 2) {
    const close = buf.indexOf(0x0a, end + 1);
    if (buf[end] !== 0x0a || close < 0) return undefined;
    footer = buf.toString('latin1', end + 1, close);
    if (!/^[\x20-\x7e]*$/.test(footer)) return undefined;
  }
  return {
    version: header.version,
    transitions,
    offsets,
    initialOffset: utoffs[0],
    footer,
    hasLeapSeconds: header.leapcnt > 0,
  };
}

/** Seconds east of UTC of a POSIX TZ string without DST ('CST-8' → 28800, '<+06>-6' → 21600), else undefined. */
export function fixedFooterOffset(footer: string): number | undefined {
  const m = /^(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)([+-]?)(\d{1,3})(?::(\d{2})(?::(\d{2}))?)?$/.exec(footer);
  if (!m) return undefined;
  const [, sign, h, mi = '0', s = '0'] = m;
  if (+h > 167 || +mi > 59 || +s > 59) return undefined;
  const west = +h * 3600 + +mi * 60 + +s; // POSIX counts west of UTC: CST-8 is UTC+8
  return sign === '-' ? west : 0 - west;
}

/** Ms east of UTC at instant `ms`. */
type OffsetAt = (ms: number) => number;

interface Zone {
  fromFile: boolean;
  offsetAt: OffsetAt;
}

const zones = new Map<string, Zone>();

/**
 * Ms east of UTC in zone `tz` at instant `ms`. Throws a RangeError for a bad instant or an unknown zone.
 * @example zoneOffsetAt(Date.UTC(2026, 0, 1), 'Asia/Shanghai') // 28_800_000
 */
export function zoneOffsetAt(ms: number, tz: string): number {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) throw new RangeError(`not an instant: ${ms}`);
  return zone(tz).offsetAt(ms);
}

/** True when `tz` names a zone: its TZif file parses, or else Intl accepts it. */
export function isKnownTimeZone(tz: string): boolean {
  if (!ZONE_NAME.test(tz)) return false;
  // The zone folder also holds files that are not zones (localtime, posixrules, Factory, posix/…, right/…): the
  // database's own list, when it ships one, says which names are zones.
  const listed = zoneNames();
  if (listed) return listed.has(tz);
  if (zone(tz).fromFile) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function zone(tz: string): Zone {
  if (!ZONE_NAME.test(tz)) throw new RangeError(`not a time zone: ${JSON.stringify(tz)}`);
  let z = zones.get(tz);
  if (!z) {
    const tzif = readTzif(tz);
    z = tzif
      ? { fromFile: true, offsetAt: tableOffsets(tzif, intlOffsets(tz)) }
      : { fromFile: false, offsetAt: intlOffsets(tz) };
    zones.set(tz, z);
  }
  return z;
}

function readTzif(tz: string): Tzif | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(join(process.env.TZDIR ?? '/usr/share/zoneinfo', tz));
  } catch {
    return undefined; // missing, a directory, unreadable: Intl decides
  }
  const tzif = parseTzif(buf);
  return tzif && !tzif.hasLeapSeconds ? tzif : undefined;
}

/** Offsets from the table; on or after the last transition from a fixed footer, else from `fallback`. */
function tableOffsets(tzif: Tzif, fallback: OffsetAt): OffsetAt {
  const { transitions, offsets, initialOffset, footer } = tzif;
  const fixed = fixedFooterOffset(footer);
  const noRules = transitions.length === 0 && footer === '';
  const afterLast: OffsetAt = noRules
    ? () => initialOffset * 1000
    : fixed !== undefined
      ? () => fixed * 1000
      : fallback;
  const last = transitions.length - 1;
  return (ms) => {
    const s = Math.floor(ms / 1000);
    if (last < 0 || s >= transitions[last]) return afterLast(ms);
    if (s < transitions[0]) return initialOffset * 1000;
    let lo = 0; // transitions[lo] <= s < transitions[hi]
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (transitions[mid] <= s) lo = mid;
      else hi = mid;
    }
    return offsets[lo] * 1000;
  };
}

/** Offsets from Intl, whose formatter (and ICU's data) is made on first use only. */
function intlOffsets(tz: string): OffsetAt {
  let fmt: Intl.DateTimeFormat | undefined;
  return (ms) => {
    fmt ??= new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const parts: Record<string, string> = {};
    for (const p of fmt.formatToParts(new Date(ms))) parts[p.type] = p.value;
    const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
    return asUtc - Math.floor(ms / 1000) * 1000;
  };
}

let names: Set<string> | null | undefined;

/** Zone and link names from tzdata.zi (`Z name …`, `L target name`), or null when the system has no such file. */
function zoneNames(): Set<string> | null {
  if (names !== undefined) return names;
  try {
    const text = readFileSync(join(process.env.TZDIR ?? '/usr/share/zoneinfo', 'tzdata.zi'), 'utf8');
    names = new Set();
    for (const line of text.split('\n')) {
      const f = line.split(' ');
      if (f[0] === 'Z' && f[1]) names.add(f[1]);
      else if (f[0] === 'L' && f[2]) names.add(f[2]);
    }
  } catch {
    names = null;
  }
  return names;
}
