// What a hall speaker says: the text, its spoken language, and how many times.

export type SpeechLang = 'cmn' | 'yue' | 'en';

export interface Announcement {
  text: string;
  lang: SpeechLang;
  /** Times the speaker plays it in a row. */
  repeat: number;
}

// Hall files list languages as tags ('zh-CN', 'yue', 'en'); speakers need spoken languages.
const SPOKEN: Record<string, SpeechLang> = {
  'zh-cn': 'cmn',
  zh: 'cmn',
  'zh-hans': 'cmn',
  cmn: 'cmn',
  yue: 'yue',
  'zh-hk': 'yue',
  'zh-yue': 'yue',
  en: 'en',
};

/**
 * Spoken languages for a hall's language list, Mandarin always first and always present:
 * 普通话 is the hall's working language whatever else it offers. Unknown tags are skipped.
 */
export function speechLanguages(hallLanguages: readonly string[]): SpeechLang[] {
  const spoken = hallLanguages
    .map((tag) => tag.trim().toLowerCase())
    .map((tag) => SPOKEN[tag] ?? (tag.startsWith('en-') ? 'en' : undefined))
    .filter((lang): lang is SpeechLang => lang !== undefined);
  return [...new Set<SpeechLang>(['cmn', ...spoken])];
}

/** The hall tag for a spoken language, as cmd/announce's `lang` carries it ('cmn' → 'zh-CN'). */
export function hallLanguageTag(lang: SpeechLang): 'zh-CN' | 'yue' | 'en' {
  return lang === 'cmn' ? 'zh-CN' : lang;
}

/** Most plays in a row that cmd/announce accepts (devices/protocol: repeat 1–5). */
export const MAX_PLAYS = 5;

/** A play count the speaker accepts: a whole number from 1 to MAX_PLAYS. */
export function playCount(repeat: number | undefined): number {
  if (repeat === undefined || !Number.isFinite(repeat)) return 1;
  return Math.min(MAX_PLAYS, Math.max(1, Math.floor(repeat)));
}
