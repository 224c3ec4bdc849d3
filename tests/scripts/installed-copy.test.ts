/**
 * A production install runs the hall: the shipped files plus the packages `npm ci --omit=dev` installs (nothing of
 * the devDependencies) start the built server, which serves its health check, the API and the screens. The systemd
 * unit starts it exactly as package.json "start" does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  makeTempDir,
  removeTempDir,
  SERVER_ENTRY,
  spawnServer,
  startCommand,
  type SpawnedServer,
} from '../../scripts/lib/hall-process.js';
import { makeInstalledCopy, productionPackages } from '../../scripts/lib/installed-copy.js';
import { projectRoot } from '../../server/config/project-root.js';

const root = projectRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

describe('an installed hall', () => {
  let copy: string;
  let data: string;
  let server: SpawnedServer;

  beforeAll(async () => {
    ensureBuilt();
    copy = makeTempDir('hallq-installed-');
    data = makeTempDir('hallq-installed-data-');
    makeInstalledCopy(copy);
    server = await spawnServer({
      entry: join(copy, SERVER_ENTRY),
      cwd: copy,
      nodeArgs: startCommand().nodeArgs,
      env: {
        ...startCommand().env,
        DATA_DIR: data,
        MQTT_PORT: '0',
        LOG_LEVEL: 'warn',
        HALLQ_BOOTSTRAP_MANAGER: 'boss:boss-password',
        HALL_CONFIG: '',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    removeTempDir(copy);
    removeTempDir(data);
  });

  it('holds no devDependency and no source', () => {
    // Some type packages come with production packages (mqtt needs @types/ws): only what nothing else needs goes.
    const kept = new Set(productionPackages().map((p) => p.replace(/^node_modules\//, '')));
    for (const name of ['typescript', 'tsx', 'vitest', 'esbuild', 'playwright-core', 'msw', 'fast-check', 'axe-core']) {
      expect(name in pkg.devDependencies || name === 'esbuild', name).toBe(true);
      expect(kept.has(name), name).toBe(false);
      expect(existsSync(join(copy, 'node_modules', name)), name).toBe(false);
    }
    expect(existsSync(join(copy, 'server'))).toBe(false);
    expect(existsSync(join(copy, 'tsconfig.json'))).toBe(false);
  });

  it('serves the health check, the API and the screens from the built output alone', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const hall = await fetch(`${server.url}/api/v1/hall`);
    expect(hall.status).toBe(200);
    const display = await fetch(`${server.url}/display`);
    expect(display.status).toBe(200);
    expect(await display.text()).toContain('<html');
  });

  it('needs no build at start: npm start runs node on dist/ only', () => {
    expect(pkg.scripts.prestart).toBeUndefined();
    expect(pkg.scripts.start).not.toMatch(/tsc|tsx|build/);
  });
});

describe('the systemd unit', () => {
  const unit = readFileSync(join(root, 'deploy', 'hallq.service'), 'utf8');

  it('starts the server as package.json "start" does, restarting it on failure', () => {
    const { env, nodeArgs } = startCommand();
    const exec = unit.match(/^ExecStart=(\S+) (.*)$/m)!;
    expect(exec[1]).toMatch(/\/node$/);
    expect(exec[2].split(' ')).toEqual([...nodeArgs, SERVER_ENTRY]);
    for (const [name, value] of Object.entries(env)) expect(unit).toContain(`Environment=${name}=${value}\n`);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^User=hallq$/m);
    expect(unit).toMatch(/^Environment=DATA_DIR=\/var\/lib\/hallq$/m);
  });
});
