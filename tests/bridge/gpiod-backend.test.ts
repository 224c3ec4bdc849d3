// The gpiod backend against stand-in gpiomon/gpioget/gpioset programs that speak the v1 or v2 output formats.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Level } from '../../firmware-bridge/gpio/backend.js';
import { GpiodBackend, detectGpiodVersion } from '../../firmware-bridge/gpio/gpiod-backend.js';
import { selectGpioBackend } from '../../firmware-bridge/gpio/select-backend.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import { tempDir, waitFor } from './helpers.js';

const tmp = tempDir();
const setLog = path.join(tmp.dir, 'gpioset.log');

/** Writes an executable node script named `name` into the fake PATH folder. */
function tool(name: string, body: string): void {
  const file = path.join(tmp.dir, name);
  fs.writeFileSync(file, `#!${process.execPath}\nconst args = process.argv.slice(2);\n${body}\n`);
  fs.chmodSync(file, 0o755);
}

function installTools(version: 1 | 2): void {
  const lines =
    version === 1
      ? [
          'event:  RISING EDGE offset: 17 timestamp: [1600099266.881113987]',
          'event: FALLING EDGE offset: 17 timestamp: [1600099267.083712921]',
        ]
      : ['10002.907638045\trising\tgpiochip0 17', '10003.100000000\tfalling\tgpiochip0 17 "CALL"'];
  tool(
    'gpiomon',
    `if (args[0] === '--version') { console.log('gpiomon (libgpiod) v${version}.6.3'); process.exit(0); }
     const lines = ${JSON.stringify(lines)};
     lines.forEach((l, i) => setTimeout(() => process.stdout.write(l + '\\n'), 50 * (i + 1)));
     setInterval(() => {}, 1000);`,
  );
  tool('gpioget', `console.log(${version === 1 ? "'0'" : '\'"17"=inactive\''});`);
  tool(
    'gpioset',
    `require('fs').appendFileSync(${JSON.stringify(setLog)}, args.join(' ') + '\\n');
     process.on('SIGTERM', () => process.exit(0));
     setInterval(() => {}, 1000);`,
  );
}

describe('gpiod backend', () => {
  const originalPath = process.env.PATH;
  process.env.PATH = `${tmp.dir}${path.delimiter}${originalPath}`;
  afterAll(() => {
    process.env.PATH = originalPath;
    tmp.remove();
  });

  for (const version of [1, 2] as const) {
    it(`watches an input and drives an output with v${version} tools`, async () => {
      installTools(version);
      fs.rmSync(setLog, { force: true });
      expect(await detectGpiodVersion()).toBe(version);
      const backend = new GpiodBackend('gpiochip0', version, silentLogger);
      const levels: Level[] = [];
      backend.input(17, 'both', (v) => levels.push(v));
      await waitFor('initial level and two edges', () => levels.length === 3);
      expect(levels).toEqual([0, 1, 0]);

      // The stand-in gpioset is a node script: on a busy machine it can take longer to start than the backend waits
      // before it takes a still-running gpioset as holding the line, so each step waits for the log line.
      const logged = () => (fs.existsSync(setLog) ? fs.readFileSync(setLog, 'utf8').trim().split('\n') : []);
      const out = backend.output(5, 0);
      await waitFor('the initial level set', () => logged().length === 1);
      await out.write(1);
      await waitFor('the second level set', () => logged().length === 2);
      const expected =
        version === 1
          ? ['--mode=signal gpiochip0 5=0', '--mode=signal gpiochip0 5=1']
          : ['-c gpiochip0 5=0', '-c gpiochip0 5=1'];
      expect(logged()).toEqual(expected);
      await backend.close();
    });
  }
});

describe('GPIO backend selection', () => {
  const cfg = { backend: 'auto' as const, chip: 'gpiochip0', debounceMs: 50 };
  const probe = (sysfs: boolean, gpiomon: boolean) => ({ hasSysfs: () => sysfs, hasGpiomon: () => gpiomon });

  it('falls back to simulated without sysfs or gpiod tools', async () => {
    expect((await selectGpioBackend(cfg, silentLogger, probe(false, false))).name).toBe('simulated');
  });

  it('uses the gpiod tools when gpiomon is on PATH', async () => {
    const backend = await selectGpioBackend({ ...cfg, gpiodVersion: 2 }, silentLogger, probe(false, true));
    expect(backend.name).toBe('gpiod');
    await backend.close();
  });

  it('honours an explicit choice, and refuses onoff where sysfs GPIO is unusable', async () => {
    expect((await selectGpioBackend({ ...cfg, backend: 'simulated' }, silentLogger, probe(true, true))).name).toBe(
      'simulated',
    );
    if (!fs.existsSync('/sys/class/gpio')) {
      await expect(selectGpioBackend({ ...cfg, backend: 'onoff' }, silentLogger, probe(true, true))).rejects.toThrow(
        /onoff cannot be used/,
      );
    }
  });
});
