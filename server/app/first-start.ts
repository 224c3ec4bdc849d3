/** Makes sure someone can log in: the bootstrap manager from the environment, or a generated one on first start. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { HallService } from '../core/hall-service.js';
import { SYSTEM_ACTOR } from '../domain/decide/context.js';
import { writeDurably } from '../security/hall-secret.js';
import type { Accounts } from '../store/accounts.js';

export const FIRST_LOGIN_FILE = 'first-login.txt';

export function ensureManager(
  accounts: Accounts,
  hall: HallService,
  bootstrap: string | undefined,
  dataDir: string,
  url: string,
  quiet = false,
): void {
  if (accounts.hasManager()) return;
  let username: string;
  let password: string;
  let generated = false;
  if (bootstrap) {
    const i = bootstrap.indexOf(':');
    username = bootstrap.slice(0, i);
    password = bootstrap.slice(i + 1);
  } else {
    username = 'manager';
    password = randomBytes(9).toString('base64url');
    generated = true;
  }
  const user = accounts.createUser({ username, password, name: '大厅负责人', role: 'manager' }, hall.clock());
  hall.audit(SYSTEM_ACTOR, { type: 'staff.created', data: { userId: user.id, username, role: 'manager' } });
  const lines = [
    '',
    '  HallQ is ready for its first login.',
    `  Manager dashboard: ${url}/manager`,
    `  Username: ${username}`,
    // Never the password itself: logs are read by others. The file is readable by this user only.
    generated
      ? `  Password: in ${join(dataDir, FIRST_LOGIN_FILE)} (readable by this user only); change it after the first login`
      : '  Password: the one given in HALLQ_BOOTSTRAP_MANAGER',
    '',
  ];
  if (generated) writeDurably(dataDir, FIRST_LOGIN_FILE, `username: ${username}\npassword: ${password}\n`);
  if (!quiet || generated) process.stdout.write(lines.join('\n') + '\n');
}
