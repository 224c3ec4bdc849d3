// Speech output: the SpeechOutput interface and a spawned program (espeak-ng by default) that speaks one text.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { espeakArgs, type SpeechLang } from '../../devices/announce/index.js';
import { onPath } from '../util/spawn.js';

export interface SpeechOutput {
  /** Resolves when the text has been spoken; rejects if it could not be. */
  speak(text: string, lang: string): Promise<void>;
  /** Cuts off whatever is being spoken (shutdown). */
  cancel(): void;
  /** A reason this output cannot work here (program missing), checked once at start. */
  problem?(): string | null;
}

/**
 * Spoken language (espeak-ng voice) of a cmd/announce `lang`: Mandarin `cmn`, Cantonese `yue`, English `en`.
 * @example espeakVoice('zh-CN') // 'cmn'
 */
export function espeakVoice(lang: string): SpeechLang {
  const l = lang.toLowerCase();
  if (l === 'yue' || l === 'zh-hk' || l === 'zh-mo' || l === 'zh-yue') return 'yue';
  if (l === 'en' || l.startsWith('en-')) return 'en';
  return 'cmn';
}

/**
 * Fills `{text}`, `{lang}` and `{voice}` in each argument of a configured play command (no shell is involved, so
 * the text needs no quoting).
 * @example fillCommand(['say', '{text}'], '请A012号', 'zh-CN') // ['say', '请A012号']
 */
export function fillCommand(template: string[], text: string, lang: string): string[] {
  const values: Record<string, string> = { text, lang, voice: espeakVoice(lang) };
  return template.map((arg) => arg.replace(/\{(text|lang|voice)\}/g, (_, key: string) => values[key] ?? ''));
}

/** argv of one utterance. */
export type SpeechCommand = (text: string, lang: string) => string[];

/** The default: `espeak-ng -v <voice> -s <speed> -b 1 -- <text>` (devices/announce builds the arguments). */
export const espeakCommand =
  (speed: number): SpeechCommand =>
  (text, lang) => ['espeak-ng', ...espeakArgs({ text, lang: espeakVoice(lang), repeat: 1 }, speed)];

/** A configured `playCommand` template. */
export const templateCommand =
  (template: string[]): SpeechCommand =>
  (text, lang) => fillCommand(template, text, lang);

/** Speaks by running a program once per utterance. */
export class CommandSpeech implements SpeechOutput {
  private current: ChildProcess | undefined;

  constructor(
    private readonly command: SpeechCommand,
    private readonly timeoutMs = 30_000,
  ) {}

  problem(): string | null {
    const [cmd] = this.command('', 'zh-CN');
    if (!cmd) return 'empty play command';
    const found = cmd.includes('/') ? fs.existsSync(cmd) : onPath(cmd);
    return found ? null : `${cmd} not found (install it, or set playCommand)`;
  }

  speak(text: string, lang: string): Promise<void> {
    const [cmd, ...args] = this.command(text, lang);
    if (!cmd) return Promise.reject(new Error('empty play command'));
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      this.current = child;
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-300)));
      const timer = setTimeout(() => child.kill('SIGKILL'), this.timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`${cmd}: ${err.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (this.current === child) this.current = undefined;
        if (code === 0) resolve();
        else reject(new Error(`${cmd} exited with ${signal ?? code}${stderr ? `: ${stderr.trim()}` : ''}`));
      });
    });
  }

  cancel(): void {
    this.current?.kill('SIGTERM');
  }
}
