/**
 * A child process with the hall's handlers for uncaught errors (server/app/background-errors.ts, installed by main.ts):
 * a full disk under a timer's write or a promise is logged and the process goes on; any other error still ends it.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config/project-root.js';

function runChild(body: string) {
  const script = `
    import { BackgroundErrors } from './server/app/background-errors.ts';
    new BackgroundErrors().install();
    const fail = (code) => Object.assign(new Error('write failed: ' + code), { code });
    ${body}
    setTimeout(() => { console.log('still running'); process.exit(0); }, 100);
  `;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: projectRoot(),
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn' },
    timeout: 20_000,
  });
}

describe('errors no caller caught', () => {
  it('go on past a full disk, thrown from a timer or rejected, and say so once', () => {
    const r = runChild(`
      setTimeout(() => { throw fail('SQLITE_FULL'); }, 5);
      setTimeout(() => { Promise.reject(fail('ENOSPC')); }, 10);
    `);
    expect(r.stdout).toContain('still running');
    expect(r.status).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes('the disk is full'));
    expect(lines).toHaveLength(1); // the second within the minute is counted, not logged
  });

  it('end the process on any other error, with the error in the log', () => {
    const r = runChild(`setTimeout(() => { throw fail('EACCES'); }, 5);`);
    expect(r.stdout).not.toContain('still running');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('uncaught error');
    expect(r.stderr).toContain('write failed: EACCES');
  });
});
