import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadBridgeConfig, parseBridgeConfig } from '../../firmware-bridge/config.js';
import { tempDir } from './helpers.js';

const base = { mqttUrl: 'mqtt://127.0.0.1:1883', hallId: 'yunfu' };
const creds = { username: 'u', password: 'p' };

describe('bridge config', () => {
  it('loads the example file with defaults filled in', () => {
    const config = loadBridgeConfig(path.join(import.meta.dirname, '../../firmware-bridge/bridge.example.json'));
    expect(config.gpio.debounceMs).toBe(50);
    const printer = config.devices.find((d) => d.id === 'printer-k2');
    expect(printer).toMatchObject({ kind: 'printer', statusIntervalSec: 10, statusTimeoutMs: 1500 });
  });

  it('names the bad field', () => {
    const bad = (devices: unknown[]) => () => parseBridgeConfig({ ...base, devices }, 'bridge.json');
    expect(bad([{ id: 'p1', kind: 'printer', mqtt: creds, transport: { type: 'tcp' } }])).toThrow(
      /^bridge\.json: devices\[0\]\.transport\.host: /,
    );
    expect(bad([{ id: 'p1', kind: 'toaster', mqtt: creds }])).toThrow(/devices\[0\]\.kind/);
    expect(
      bad([{ id: 'b1', kind: 'button', mqtt: creds, gpio: { inputs: [{ pin: 4, event: 'press', button: 'panic' }] } }]),
    ).toThrow(/devices\[0\]\.gpio\.inputs\[0\]\.button/);
    expect(bad([])).toThrow(/devices: /);
  });

  it('refuses duplicate device ids and pins', () => {
    const b = (id: string, pin: number) => ({
      id,
      kind: 'button',
      mqtt: creds,
      gpio: { inputs: [{ pin, event: 'press', button: 'call' }] },
    });
    expect(() => parseBridgeConfig({ ...base, devices: [b('a', 1), b('a', 2)] })).toThrow(
      /devices\[1\]\.id: duplicate device id a/,
    );
    expect(() => parseBridgeConfig({ ...base, devices: [b('a', 1), b('b', 1)] })).toThrow(
      /devices\[1\]\.gpio\.inputs\[0\]\.pin: pin 1 is already used by a/,
    );
  });

  it('refuses a playCommand that could hand the announcement text to a shell or an interpreter', () => {
    const speaker = (playCommand: string[]) => () =>
      parseBridgeConfig({ ...base, devices: [{ id: 's1', kind: 'speaker', mqtt: creds, playCommand }] }, 'bridge.json');
    const refused: Array<[string[], RegExp]> = [
      [['sh', '-c', 'say {text}'], /^bridge\.json: devices\[0\]\.playCommand\[0\]: sh is a shell/],
      [['/bin/bash', '/opt/say.sh', '{text}'], /playCommand\[0\]: bash is a shell/],
      [['/usr/bin/env', 'LANG=C', 'dash', '-c', 'say "$1"', '_', '{text}'], /playCommand\[2\]: dash is a shell/],
      [['timeout', '10', 'busybox', 'sh', '-c', 'x'], /playCommand\[2\]: busybox is a shell/],
      [['say', 'Number {text}'], /playCommand\[1\]: \{text\} must be a whole argument/],
      [['say', '--text={text}'], /playCommand\[1\]: \{text\} must be a whole argument/],
      [['python3', '-c', '{text}'], /playCommand\[2\]: \{text\} right after -c would run the text as code/],
      [['node', '-e', '{text}'], /playCommand\[2\]: \{text\} right after -e/],
      [['perl', '--eval', '{text}'], /playCommand\[2\]: \{text\} right after --eval/],
      [['{text}'], /playCommand\[0\]: the program must be a fixed name or path/],
      [['say', '--lang', '{lang}'], /playCommand: must pass \{text\}/],
    ];
    for (const [command, message] of refused) expect(speaker(command), JSON.stringify(command)).toThrow(message);

    const accepted = [
      ['/usr/local/bin/say-ticket', '--lang', '{lang}', '{text}'],
      ['espeak-ng', '-v', '{voice}', '--', '{text}'],
      ['python3', '-c', 'import sys, tts; tts.say(sys.argv[1])', '{text}'],
      ['env', 'LANG=C.UTF-8', 'say', '--voice', 'ash', '{text}'],
    ];
    for (const command of accepted) expect(speaker(command), JSON.stringify(command)).not.toThrow();
  });

  it('reports unreadable and non-JSON files as ConfigError', () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'bridge.json');
      fs.writeFileSync(file, '{ not json');
      expect(() => loadBridgeConfig(file)).toThrow(ConfigError);
      expect(() => loadBridgeConfig(path.join(tmp.dir, 'missing.json'))).toThrow(/cannot read/);
    } finally {
      tmp.remove();
    }
  });
});
