// Small JSON state files written atomically (temp file + rename), so a crash never leaves half a file.
import fs from 'node:fs';
import path from 'node:path';

/** Reads and parses `file`; `fallback` when it does not exist or cannot be parsed (a broken file is kept aside as `.bad`). */
export function readJsonFile<T>(file: string, fallback: T): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    fs.renameSync(file, `${file}.bad`);
    return fallback;
  }
}

/** Writes `value` as JSON to `file` atomically, creating the folder if needed. Synchronous on purpose: it is small. */
export function writeJsonFile(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, JSON.stringify(value));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
