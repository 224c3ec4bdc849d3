/** Makes sure someone can log in: the bootstrap manager from the environment, or a generated one on first start. */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HallService } from '../core/hall-service.js';
import { SYSTEM_ACTOR } from '../domain/decide/context.js';
import type { Accounts } from '../store/accounts.js';

export function ensureManager(accounts: Accounts, hall: HallService, bootstrap: string | undefined, dataDir: string, url: string, quiet = false): void {
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
    generated ? `  Password: ${password}   (also saved in ${join(dataDir, 'first-login.txt')}; change it)` : '  Password: the one given in HALLQ_BOOTSTRAP_MANAGER',
    '',
  ];
  if (generated) writeFileSync(join(dataDir, 'first-login.txt'), `username: ${username}\npassword: ${password}\n`, { mode: 0o600 });
  if (!quiet || generated) process.stdout.write(lines.join('\n') + '\n');
}
