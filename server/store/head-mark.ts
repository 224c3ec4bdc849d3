/**
 * The log's head, kept beside the database in a file of its own (`log-head.json`, sealed with the chain key) and
 * written every second while the head moves. The chain's anchor lives in the database: a database that lost its
 * last commits (a torn or deleted `-wal`) lost the anchor with them, verified "intact", and handed out those numbers
 * again. The mark outlives such a loss: a start whose log ends before it knows entries were lost, and which numbers
 * of the day were handed out.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDurably, writeDurablyOffLoop } from '../security/hall-secret.js';
import type { Db } from './db.js';
import type { NumbersOfDay } from './numbers-handed-out.js';

export const HEAD_MARK_FILE = 'log-head.json';
/**
 * Numbers past the mark's taken as handed out once a loss is found: the mark is up to a second behind the log, and what
 * that second issued is unknown, not free (a few tickets a second per service; skipped numbers harm nobody).
 */
export const LOST_TAIL_MARGIN = 20;

export interface HeadMark {
  seq: number;
  hash: string;
  /** The hall day and the day's highest sequence per prefix at that head: the numbers a lost tail handed out. */
  day: string;
  sequences: Record<string, number>;
  at: number;
  /** Written at a clean stop, after the last entry: the log's head exactly, so no margin is needed past it. */
  clean?: boolean;
}

const macOf = (key: Buffer, m: HeadMark) =>
  createHmac('sha256', key)
    .update(JSON.stringify(['head-mark', m.seq, m.hash, m.day, m.sequences, m.at, m.clean === true]))
    .digest('hex');

const body = (key: Buffer, mark: HeadMark) => JSON.stringify({ ...mark, mac: macOf(key, mark) }) + '\n';

/** The mark, if there is one whose seal holds (one that does not is no evidence of anything, and says so). */
export function readHeadMark(dataDir: string, key: Buffer): HeadMark | 'unsealed' | undefined {
  const path = join(dataDir, HEAD_MARK_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const { mac, ...mark } = JSON.parse(readFileSync(path, 'utf8')) as HeadMark & { mac: string };
    const expected = Buffer.from(macOf(key, mark), 'hex');
    const given = Buffer.from(String(mac), 'hex');
    return given.length === expected.length && timingSafeEqual(expected, given) ? mark : 'unsealed';
  } catch {
    return 'unsealed';
  }
}

/** Writes the mark at shutdown (synchronously: the process is about to end). */
export function writeHeadMarkNow(dataDir: string, key: Buffer, mark: HeadMark): void {
  writeDurably(dataDir, HEAD_MARK_FILE, body(key, mark));
}

/** Writes the mark off the event loop (a temp name of its own: the one at a stop may run while this is under way). */
export function writeHeadMark(dataDir: string, key: Buffer, mark: HeadMark): Promise<void> {
  return writeDurablyOffLoop(dataDir, HEAD_MARK_FILE, body(key, mark), `.${HEAD_MARK_FILE}.async.tmp`);
}

/** The entries lost at the log's end, when the log no longer holds the marked head (or holds another entry there). */
export function lostTail(db: Db, head: number, mark: HeadMark): { from: number; to: number } | undefined {
  if (mark.seq > head) return { from: head + 1, to: mark.seq };
  // Another entry at that seq: the log lost its end and went on past it (written by a start that did not check).
  const hash = db.prepare('SELECT hash FROM events WHERE seq = ?').pluck().get(mark.seq) as string | undefined;
  return hash !== undefined && hash !== mark.hash ? { from: mark.seq, to: mark.seq } : undefined;
}

/**
 * The numbers a log that lost its end may have handed out: the mark's, each with LOST_TAIL_MARGIN more unless the mark
 * was written at a clean stop (then it is the head exactly).
 */
export function numbersAfterLoss(mark: HeadMark): NumbersOfDay {
  const margin = mark.clean ? 0 : LOST_TAIL_MARGIN;
  const sequences = Object.fromEntries(Object.entries(mark.sequences).map(([p, n]) => [p, n + margin]));
  return { day: mark.day, sequences };
}
