// The espeak-ng command line for one announcement, to spawn without a shell.

import type { Announcement, SpeechLang } from './announcement.js';

const VOICE: Record<SpeechLang, string> = { cmn: 'cmn', yue: 'yue', en: 'en' };

/** Words per minute: slower than espeak's 175, for an echoing hall and elderly visitors. */
export const HALL_SPEECH_RATE = 140;

/**
 * Arguments for `espeak-ng` (one play; the bridge plays it `repeat` times).
 * '-b 1' reads the text as UTF-8 whatever the bridge's locale; '--' keeps a text
 * starting with '-' from being taken as an option.
 */
export function espeakArgs(a: Announcement, rate: number = HALL_SPEECH_RATE): string[] {
  return ['-v', VOICE[a.lang], '-s', String(Math.round(rate)), '-b', '1', '--', a.text];
}
