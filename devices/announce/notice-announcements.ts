// What the speakers say for an emergency playbook notice.

import { playCount, speechLanguages, type Announcement } from './announcement.js';

export interface NoticeOptions {
  /** English wording; without it the notice is not given in English (no machine translation). */
  textEn?: string;
  repeat?: number;
}

/** The Chinese notice in Mandarin (and Cantonese if the hall speaks it), English only if given. */
export function buildNoticeAnnouncements(
  text: string,
  languages: readonly string[],
  options: NoticeOptions = {},
): Announcement[] {
  const zh = oneLine(text);
  const en = oneLine(options.textEn ?? '');
  const repeat = playCount(options.repeat);
  const out: Announcement[] = [];
  for (const lang of speechLanguages(languages)) {
    if (lang === 'en') {
      if (en) out.push({ text: en, lang, repeat });
    } else if (zh) {
      out.push({ text: zh, lang, repeat });
    }
  }
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
