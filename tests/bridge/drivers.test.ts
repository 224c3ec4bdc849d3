// Drivers on their own: a printer on a device file, a speaker running a real program, the text LED frame.
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EventBody, EventName } from '../../devices/protocol/mqtt-topics.js';
import type { DriverContext } from '../../firmware-bridge/drivers/driver.js';
import { PrinterDriver } from '../../firmware-bridge/drivers/printer-driver.js';
import { SpeakerDriver } from '../../firmware-bridge/drivers/speaker-driver.js';
import { LedDriver } from '../../firmware-bridge/drivers/led-driver.js';
import { TextLedAdapter, textFrame } from '../../firmware-bridge/led/led-adapter.js';
import { SimLed } from '../../firmware-bridge/sim/sim-led.js';
import { FilePrinterTransport } from '../../firmware-bridge/printer/file-transport.js';
import {
  CommandSpeech,
  espeakCommand,
  espeakVoice,
  fillCommand,
  templateCommand,
} from '../../firmware-bridge/speaker/speech.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import { tempDir } from './helpers.js';

function recordingContext() {
  const events: Array<{ name: EventName; body: unknown }> = [];
  const ctx: DriverContext = {
    emit: <N extends EventName>(name: N, body: EventBody<N>) => void events.push({ name, body }),
    log: silentLogger,
  };
  return { ctx, events };
}

const speakerOpts = { pauseMs: 0, maxQueue: 5, staleAfterMs: 60_000 };

/** A call (no priority) or a playbook's notice (urgent, at `priority`), its text its id. */
function announceAs(driver: SpeakerDriver, id: string, priority?: number): Promise<void> {
  const notice = priority !== undefined ? { urgent: true, priority } : {};
  return driver.commands.announce!({ id, text: id, lang: 'zh-CN', repeat: 1, ...notice });
}

/** Speech that takes `ms` per utterance and records what it said. */
function slowSpeech(ms: number) {
  const spoken: string[] = [];
  const speech = {
    speak: (text: string) => new Promise<void>((resolve) => setTimeout(() => (spoken.push(text), resolve()), ms)),
    cancel: () => undefined,
  };
  return { spoken, speech };
}

describe('drivers', () => {
  const tmp = tempDir();
  afterEach(() => {
    fs.rmSync(tmp.dir, { recursive: true, force: true });
    fs.mkdirSync(tmp.dir, { recursive: true });
  });
  afterAll(() => tmp.remove());

  it('printer on a device file: writes the bytes, and a device that never answers is offline', async () => {
    const file = path.join(tmp.dir, 'lp0');
    fs.writeFileSync(file, '');
    const driver = new PrinterDriver(new FilePrinterTransport(file), { statusIntervalMs: 0, statusTimeoutMs: 100 });
    const { ctx, events } = recordingContext();
    await driver.start(ctx);
    const bytes = Buffer.from([0x1b, 0x40, 0x41, 0x0a, 0x1d, 0x56, 0x00]);
    await driver.commands.print!({ id: 'c1', ticketId: 'T1', escpos: bytes.toString('base64') });
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    const status = await driver.pollStatus();
    expect(status).toEqual({ paper: 'ok', cover: 'closed', error: 'offline' });
    expect(events).toEqual([{ name: 'status', body: status }]);
    await driver.pollStatus();
    expect(events).toHaveLength(1); // unchanged: not published again
    await driver.stop();
  });

  it('printer on a missing device fails the print with offline', async () => {
    const driver = new PrinterDriver(new FilePrinterTransport(path.join(tmp.dir, 'nope')), {
      statusIntervalMs: 0,
      statusTimeoutMs: 50,
    });
    await driver.start(recordingContext().ctx);
    await expect(driver.commands.print!({ id: 'c1', ticketId: 'T1', escpos: 'G0A=' })).rejects.toThrow(
      /^offline: .*ENOENT/,
    );
    await driver.stop();
  });

  it('speaker runs the configured program without a shell, once per repeat, and acks when queued', async () => {
    const out = path.join(tmp.dir, 'said.txt');
    const script = 'require("fs").appendFileSync(process.argv[1], process.argv[2] + "\\n")';
    const speech = new CommandSpeech(templateCommand([process.execPath, '-e', script, out, '{voice}|{lang}|{text}']));
    expect(speech.problem()).toBeNull();
    const driver = new SpeakerDriver(speech, { ...speakerOpts, pauseMs: 0 });
    await driver.start(recordingContext().ctx);
    const text = '请A012号到3号窗口办理 $(touch pwned) `x`';
    await driver.commands.announce!({ id: 'a1', text, lang: 'zh-CN', repeat: 2 });
    expect(fs.existsSync(out)).toBe(false); // acked on queueing, before speaking
    await driver.idle();
    expect(fs.readFileSync(out, 'utf8')).toBe(`cmn|zh-CN|${text}\n`.repeat(2));
    expect(fs.existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
    await driver.stop();
  });

  it('speaker logs a program that fails, and names a missing one at start', async () => {
    const warnings: string[] = [];
    const log = {
      ...silentLogger,
      warn: (m: string) => void warnings.push(m),
      error: (m: string) => void warnings.push(m),
    };
    const driver = new SpeakerDriver(
      new CommandSpeech(templateCommand([process.execPath, '-e', 'process.exit(3)'])),
      speakerOpts,
    );
    await driver.start({ ...recordingContext().ctx, log });
    await driver.commands.announce!({ id: 'a1', text: 'x', lang: 'en', repeat: 1 });
    await driver.idle();
    expect(warnings).toEqual([expect.stringMatching(/announcement a1 not spoken: .*exited with 3/)]);
    await driver.stop();

    const missing = new SpeakerDriver(
      new CommandSpeech(templateCommand(['no-such-speech-program', '{text}'])),
      speakerOpts,
    );
    await missing.start({ ...recordingContext().ctx, log });
    expect(warnings.at(-1)).toMatch(/no-such-speech-program not found/);
    await missing.stop();
  });

  it('speaker names a missing sound card at start, for a program that plays to the default one', () => {
    const dir = tempDir();
    const cards = (text: string) => (fs.writeFileSync(path.join(dir.dir, 'cards'), text), path.join(dir.dir, 'cards'));
    const speech = (file: string) => new CommandSpeech(templateCommand([process.execPath, '{text}']), 1000, file);
    expect(speech(cards(' 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n')).problem()).toBeNull();
    expect(speech(cards('--- no soundcards ---\n')).problem()).toMatch(/^no sound card/);
    expect(speech(path.join(dir.dir, 'absent')).problem()).toMatch(/^no sound card/);
    // A configured playCommand may play anywhere (a network speaker): not checked.
    expect(new CommandSpeech(templateCommand([process.execPath, '{text}'])).problem()).toBeNull();
    dir.remove();
  });

  it('speaker refuses beyond its queue limit', async () => {
    const slow = { speak: () => new Promise<void>((resolve) => setTimeout(resolve, 50)), cancel: () => undefined };
    const driver = new SpeakerDriver(slow, { ...speakerOpts, maxQueue: 2 });
    await driver.start(recordingContext().ctx);
    const say = (id: string) => driver.commands.announce!({ id, text: id, lang: 'en', repeat: 1 });
    await say('a1');
    await say('a2');
    await expect(say('a3')).rejects.toThrow('queue-full');
    await driver.idle();
    await driver.stop();
  });

  it('speaker says a playbook notice before the calls still waiting, and takes it past a full queue', async () => {
    const { spoken, speech: slow } = slowSpeech(30);
    const driver = new SpeakerDriver(slow, { ...speakerOpts, maxQueue: 3 });
    await driver.start(recordingContext().ctx);
    const say = (id: string, urgent?: boolean) =>
      driver.commands.announce!({ id, text: id, lang: 'zh-CN', repeat: 1, ...(urgent ? { urgent } : {}) });
    for (const id of ['call-1', 'call-2', 'call-3']) await say(id);
    await expect(say('call-4')).rejects.toThrow('queue-full');
    await say('evacuate', true);
    await driver.idle();
    expect(spoken).toEqual(['call-1', 'evacuate', 'call-2', 'call-3']);
    await driver.stop();
  });

  it('speaker says a more severe notice first, cutting off a less severe one and saying that again after it', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    let cut: (() => void) | undefined;
    const speech = {
      speak: (text: string) =>
        new Promise<void>((resolve, reject) => {
          started.push(text);
          const timer = setTimeout(() => (finished.push(text), resolve()), 40);
          cut = () => (clearTimeout(timer), reject(new Error('killed')));
        }),
      cancel: () => cut?.(),
    };
    const driver = new SpeakerDriver(speech, speakerOpts);
    await driver.start(recordingContext().ctx);
    const say = (id: string, priority?: number) => announceAs(driver, id, priority);
    await say('power', 2);
    await new Promise((r) => setTimeout(r, 10)); // the power cut's notice is being said
    await say('call-1');
    await say('illness', 1);
    await say('fire', 3);
    await driver.idle();
    // The call waiting is dropped: a life-safety notice came after it (below).
    expect(started).toEqual(['power', 'fire', 'power', 'illness']);
    expect(finished).toEqual(['fire', 'power', 'illness']);
    // A less severe notice, or a call, never cuts one off.
    started.length = 0;
    finished.length = 0;
    await say('fire-again', 3);
    await new Promise((r) => setTimeout(r, 10));
    await say('power-again', 2);
    await say('call-2');
    await driver.idle();
    expect(finished).toEqual(['fire-again', 'power-again', 'call-2']);
    await driver.stop();
  });

  it('speaker says a cut-off notice again before its other languages, and makes room for a more severe one', async () => {
    const { spoken, speech } = slowSpeech(30);
    const driver = new SpeakerDriver(speech, { ...speakerOpts, maxQueue: 1 });
    await driver.start(recordingContext().ctx);
    for (const id of ['power-zh', 'power-yue', 'power-en', 'illness-1', 'illness-2']) await announceAs(driver, id, 2);
    // 5 taken of the 6 a notice may use (maxQueue 1 + 5): one more fits, then the queue is full for equals.
    await announceAs(driver, 'power-again', 2);
    await expect(announceAs(driver, 'power-more', 2)).rejects.toThrow('queue-full');
    await announceAs(driver, 'fire', 3); // the latest of the least severe goes
    await driver.idle();
    expect(spoken).toEqual(['power-zh', 'fire', 'power-zh', 'power-yue', 'power-en', 'illness-1', 'illness-2']);
    await driver.stop();
  });

  it('speaker drops the calls waiting when a life-safety notice comes; a lesser notice keeps them', async () => {
    const { spoken, speech: slow } = slowSpeech(20);
    const driver = new SpeakerDriver(slow, speakerOpts);
    await driver.start(recordingContext().ctx);
    const say = (id: string, priority?: number) => announceAs(driver, id, priority);
    for (const id of ['call-1', 'call-2']) await say(id);
    await say('power', 2);
    await driver.idle();
    expect(spoken).toEqual(['call-1', 'power', 'call-2']);
    spoken.length = 0;
    for (const id of ['call-3', 'call-4', 'call-5']) await say(id);
    await say('fire', 3);
    await say('call-6'); // after the notice: said (the hall decides whether to call during a fire)
    await driver.idle();
    expect(spoken).toEqual(['call-3', 'fire', 'call-6']);
    await driver.stop();
  });

  it('speaker stopped with announcements queued logs them as not spoken, never as announced', async () => {
    const lines: string[] = [];
    const log = { ...silentLogger, info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m) };
    const slow = {
      speak: () => new Promise<void>((resolve) => setTimeout(resolve, 30)),
      cancel: () => undefined,
    };
    const driver = new SpeakerDriver(slow, { ...speakerOpts, pauseMs: 5 });
    await driver.start({ ...recordingContext().ctx, log });
    await driver.commands.announce!({ id: 'a1', text: 'call-1', lang: 'zh-CN', repeat: 2 });
    await driver.commands.announce!({ id: 'a2', text: 'call-2', lang: 'zh-CN', repeat: 2 });
    await new Promise((r) => setTimeout(r, 10));
    await driver.stop();
    expect(lines.filter((l) => l.startsWith('announced'))).toEqual([]);
    expect(lines).toEqual([
      'announcement a1 not spoken: cut off: the bridge is stopping',
      'announcement a2 not spoken: dropped: the bridge is stopping',
    ]);
  });

  it('speaker drops unspoken the queued announcements of a cancelled tag, and says the rest', async () => {
    const { spoken, speech: slow } = slowSpeech(30);
    const driver = new SpeakerDriver(slow, speakerOpts);
    await driver.start(recordingContext().ctx);
    const say = (id: string, tag?: string) =>
      driver.commands.announce!({ id, text: id, lang: 'zh-CN', repeat: 1, ...(tag ? { tag } : {}) });
    await say('call-1');
    await say('evacuate-zh', 'playbook:fire');
    await say('evacuate-yue', 'playbook:fire');
    await say('call-2');
    await driver.commands['announce-cancel']!({ id: 'c1', tag: 'playbook:fire' });
    await say('evacuate-again', 'playbook:fire'); // a new one after the cancel is said
    await driver.idle();
    expect(spoken).toEqual(['call-1', 'call-2', 'evacuate-again']);
    await driver.stop();
  });

  it('maps languages to espeak-ng voices and builds the espeak-ng command line', () => {
    expect(espeakVoice('zh-CN')).toBe('cmn');
    expect(espeakVoice('yue')).toBe('yue');
    expect(espeakVoice('en')).toBe('en');
    expect(espeakCommand(140)('-A012', 'yue')).toEqual([
      'espeak-ng',
      '-v',
      'yue',
      '-s',
      '140',
      '-b',
      '1',
      '--',
      '-A012',
    ]);
    expect(fillCommand(['aplay-tts', '--voice', '{voice}', '{lang}', '{text}'], 'A012', 'zh-CN')).toEqual([
      'aplay-tts',
      '--voice',
      'cmn',
      'zh-CN',
      'A012',
    ]);
  });

  it('text LED adapter writes GB18030 lines joined by CR LF after a form feed', async () => {
    expect(textFrame(['A1'], 'utf8', 'after').toString('latin1')).toBe('A1\f');
    const file = path.join(tmp.dir, 'ttyUSB0');
    fs.writeFileSync(file, '');
    const led = new TextLedAdapter({ path: file, encoding: 'gb18030', formFeed: 'before' }, silentLogger);
    await led.show(['A012', '3号窗口']);
    await led.show(['暂停']);
    await led.close();
    const expected = Buffer.concat([iconv.encode('\fA012\r\n3号窗口', 'gb18030'), iconv.encode('\f暂停', 'gb18030')]);
    expect(fs.readFileSync(file).equals(expected)).toBe(true);
  });

  it('a display on power-save dims and stops blinking, keeps its lines, and is back as it was on mains', async () => {
    const board = new SimLed();
    const led = new LedDriver(board);
    await led.start(recordingContext().ctx);
    const powerSave = led.commands['power-save'];
    expect(powerSave, 'cmd/power-save is handled (not unsupported-command)').toBeDefined();
    await led.commands.show!({ id: 's1', lines: ['A012', '请到3号窗口'], blink: true });
    expect(board.current).toMatchObject({ lines: ['A012', '请到3号窗口'], blink: true });

    await powerSave!({ id: 'p1', on: true });
    expect(board.dimmed).toBe(true);
    expect(board.current).toMatchObject({ lines: ['A012', '请到3号窗口'], blink: false });
    await led.commands.show!({ id: 's2', lines: ['A013', '请到4号窗口'], blink: true });
    expect(board.current).toMatchObject({ lines: ['A013', '请到4号窗口'], blink: false });
    const frames = board.frames.length;
    await powerSave!({ id: 'p2', on: true }); // a resend changes nothing
    expect(board.frames.length).toBe(frames);

    await powerSave!({ id: 'p3', on: false });
    expect(board.dimmed).toBe(false);
    expect(board.current).toMatchObject({ lines: ['A013', '请到4号窗口'], blink: true });
    await led.stop();
  });
});
