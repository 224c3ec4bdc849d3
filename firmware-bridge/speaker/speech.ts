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

/** Programs that run a command string: `{text}` (hall data) must never reach one of them. */
const SHELLS = new Set([
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'mksh',
  'ash',
  'csh',
  'tcsh',
  'fish',
  'busybox',
  'toybox',
  'cmd',
  'powershell',
  'pwsh',
]);
/** Programs that run the program named in their arguments (so `env bash -c …` is a shell too). */
const WRAPPERS = new Set([
  'env',
  'nice',
  'nohup',
  'setsid',
  'stdbuf',
  'timeout',
  'sudo',
  'doas',
  'su',
  'runuser',
  'ionice',
  'chrt',
  'taskset',
  'xargs',
  'flock',
  'chroot',
  'unshare',
  'nsenter',
  'systemd-run',
  'exec',
]);
/** Options after which an interpreter runs the next argument as code (`python3 -c`, `node -e`, `perl -e`, `php -r`). */
const CODE_OPTIONS = new Set([
  '-c',
  '-e',
  '-p',
  '-r',
  '--eval',
  '--print',
  '--command',
  '-command',
  '-encodedcommand',
  '/c',
  '/k',
]);

const programName = (arg: string) => (arg.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.exe$/, '');

/**
 * Why a `playCommand` template is unsafe, or null when it is fine. The text of an announcement comes from hall data
 * (ticket numbers, counter and service names an administrator typed), so it is only ever passed as one argv element:
 * `{text}` must appear, only as a whole argument, never as (or after) a shell, and never right after an interpreter's
 * code option (`-c`, `-e`, …). `index` is the offending element.
 * @example playCommandProblem(['sh', '-c', 'say {text}']) // { index: 0, message: 'sh is a shell: …' }
 */
export function playCommandProblem(template: string[]): { index?: number; message: string } | null {
  const [program] = template;
  if (program === undefined) return { message: 'empty play command' };
  if (/\{(text|lang|voice)\}/.test(program))
    return { index: 0, message: 'the program must be a fixed name or path, not a placeholder' };
  // After a wrapper (`env`, `timeout`, `sudo` …) any shell-named argument counts, unless it is the value of a long
  // option (`--voice ash`).
  const valueOfLongOption = (i: number) => /^--[^=]+$/.test(template[i - 1] ?? '');
  const shellAt = SHELLS.has(programName(program))
    ? 0
    : WRAPPERS.has(programName(program))
      ? template.findIndex((arg, i) => i > 0 && SHELLS.has(programName(arg)) && !valueOfLongOption(i))
      : -1;
  if (shellAt >= 0) {
    return {
      index: shellAt,
      message: `${programName(template[shellAt]!)} is a shell: name the speech program itself (the text must not reach a shell)`,
    };
  }
  let hasText = false;
  for (const [i, arg] of template.entries()) {
    if (!arg.includes('{text}')) continue;
    if (arg !== '{text}')
      return { index: i, message: '{text} must be a whole argument (the text is passed as one argv element)' };
    const before = template[i - 1]?.toLowerCase();
    if (before && CODE_OPTIONS.has(before))
      return { index: i, message: `{text} right after ${template[i - 1]} would run the text as code` };
    hasText = true;
  }
  return hasText ? null : { message: 'must pass {text} (as a whole argument)' };
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
  (text, lang) =>
    fillCommand(template, text, lang);

/**
 * Whether the kernel knows a sound card. espeak-ng plays to the default one and exits 0 when there is none, so every
 * call would be logged as said with nothing heard (QA-M: a USB sound card unplugged).
 */
export function soundCardPresent(cardsFile = '/proc/asound/cards'): boolean {
  try {
    return !/no soundcards/i.test(fs.readFileSync(cardsFile, 'utf8'));
  } catch {
    return false;
  }
}

/** Speaks by running a program once per utterance. */
export class CommandSpeech implements SpeechOutput {
  private current: ChildProcess | undefined;

  /** `soundCards`: for a program that plays to the default sound card (espeak-ng), the file that lists the cards. */
  constructor(
    private readonly command: SpeechCommand,
    private readonly timeoutMs = 30_000,
    private readonly soundCards?: string,
  ) {}

  problem(): string | null {
    const [cmd] = this.command('', 'zh-CN');
    if (!cmd) return 'empty play command';
    const found = cmd.includes('/') ? fs.existsSync(cmd) : onPath(cmd);
    if (!found) return `${cmd} not found (install it, or set playCommand)`;
    if (this.soundCards !== undefined && !soundCardPresent(this.soundCards))
      return `no sound card (${this.soundCards}): ${cmd} would speak to nothing; connect one, or set playCommand`;
    return null;
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
