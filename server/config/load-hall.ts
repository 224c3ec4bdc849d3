/** Loads and validates the hall file; a bad file stops the start with the field and the reason. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './project-root.js';
import { hallFileSchema, type HallFile } from './hall-schema.js';

export const DEFAULT_HALL_PATH = join(projectRoot(), 'config', 'halls', 'yunfu-realestate.json');

export class HallConfigError extends Error {}

/** Parses hall JSON text; throws HallConfigError naming each bad field, e.g. `services[2].prefix: duplicate prefix "A"`. */
export function parseHallFile(text: string, source = 'hall file'): HallFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new HallConfigError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  const result = hallFileSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${formatPath(i.path)}: ${i.message}`);
    throw new HallConfigError(`${source} is invalid:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function loadHallFile(path = DEFAULT_HALL_PATH): HallFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HallConfigError(`cannot read hall file ${path}: ${(err as Error).message}`);
  }
  return parseHallFile(text, path);
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}
