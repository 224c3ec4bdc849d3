// What the speakers say when a counter calls (or recalls) a ticket.

import { playCount, speechLanguages, type Announcement, type SpeechLang } from './announcement.js';
import { speakNumber } from './speak-number.js';

export interface CallAnnouncementInput {
  number: string;
  /** The counter as the hall names it, e.g. '3号窗口'. */
  counterName: string;
  /** The counter's number, e.g. '3'; preferred over the name when given. */
  counterNumber?: string;
  /** English name for counters without a number, e.g. 'the green-lane counter'. */
  counterNameEn?: string;
  /** The hall's languages, e.g. ['zh-CN', 'yue', 'en']. */
  languages: readonly string[];
  repeat: number;
  /** A recall: the same call, said to be a second call. */
  recall?: boolean;
}

/** One announcement per spoken language, Mandarin first. */
export function buildCallAnnouncements(input: CallAnnouncementInput): Announcement[] {
  const repeat = playCount(input.repeat);
  return speechLanguages(input.languages).map((lang) => ({ text: callText(input, lang), lang, repeat }));
}

function callText(input: CallAnnouncementInput, lang: SpeechLang): string {
  const number = speakNumber(input.number, lang);
  if (lang === 'en') {
    const lead = input.recall ? 'Once again, number' : 'Number';
    return `${lead} ${number}, please go to ${englishCounter(input)}`;
  }
  // Cantonese speakers read the same written Chinese; only the voice differs.
  const call = `请${number}号到${chineseCounter(input)}办理`;
  return input.recall ? `再次呼叫，${call}` : call;
}

function chineseCounter(input: CallAnnouncementInput): string {
  const given = input.counterNumber?.trim();
  return given ? `${given}号窗口` : input.counterName.trim();
}

function englishCounter(input: CallAnnouncementInput): string {
  const given = input.counterNumber?.trim();
  if (given) return `counter ${given}`;
  const nameEn = input.counterNameEn?.trim();
  if (nameEn) return nameEn;
  const inName = /\d+/.exec(input.counterName.normalize('NFKC'))?.[0];
  // An English voice cannot read a Chinese-only name; send the visitor to the board instead.
  return inName ? `counter ${inName}` : 'the counter shown on the screen';
}
