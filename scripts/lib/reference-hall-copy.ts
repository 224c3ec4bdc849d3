/** A copy of the reference hall file, changed for a run (its own timers or limits), written as `<dir>/hall.json`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HallFile } from '../../server/config/hall-schema.js';
import { projectRoot } from '../../server/config/project-root.js';

/** Returns the file's path, for HALL_CONFIG. */
export function writeReferenceHallCopy(dir: string, change: (hall: HallFile) => void): string {
  const hall = JSON.parse(readFileSync(join(projectRoot(), 'config', 'halls', 'yunfu-realestate.json'), 'utf8'));
  change(hall);
  const file = join(dir, 'hall.json');
  writeFileSync(file, JSON.stringify(hall));
  return file;
}
