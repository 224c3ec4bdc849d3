/**
 * Calls spoken by the browser (when the hall has no speaker device for them): a chime, then 请A零一二号到3号窗口办理,
 * the same words as devices/announce builds for the speakers — letter by letter, digit by digit.
 */

export type SpeechLang = 'cmn' | 'yue' | 'en';

const CHINESE_DIGITS = '零一二三四五六七八九';
const ENGLISH_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** 'A012' → 'A零一二' (cmn, yue) or 'A zero one two' (en). Mirrors devices/announce/speak-number.ts. */
export function speakNumber(number: string, lang: SpeechLang): string {
  const chars = [...number.normalize('NFKC').trim().toUpperCase()];
  if (lang === 'en')
    return chars
      .map((c) => (/[0-9]/.test(c) ? ENGLISH_DIGITS[Number(c)] : /[A-Z]/.test(c) ? c : ''))
      .filter((w) => w.length > 0)
      .join(' ');
  return chars.map((c) => (/[0-9]/.test(c) ? CHINESE_DIGITS[Number(c)] : c)).join('');
}

/** The hall's language tags as spoken languages, Mandarin always first. Mirrors speechLanguages(). */
export function speechLanguages(tags: readonly string[]): SpeechLang[] {
  const map: Record<string, SpeechLang> = {
    'zh-cn': 'cmn',
    zh: 'cmn',
    'zh-hans': 'cmn',
    cmn: 'cmn',
    yue: 'yue',
    'zh-hk': 'yue',
    'zh-yue': 'yue',
    en: 'en',
  };
  const spoken = tags.map((x) => x.trim().toLowerCase()).map((x) => map[x] ?? (x.startsWith('en-') ? 'en' : undefined));
  return [...new Set<SpeechLang>(['cmn', ...spoken.filter((x): x is SpeechLang => !!x)])];
}

/** Words of a call, as the speakers say them. Mirrors buildCallAnnouncements(). */
export function callText(
  number: string,
  counterId: string,
  counterName: string,
  lang: SpeechLang,
  recall = false,
): string {
  const digits = /^\d+$/.test(counterId) ? counterId : (/\d+/.exec(counterName.normalize('NFKC'))?.[0] ?? '');
  const spoken = speakNumber(number, lang);
  if (lang === 'en') {
    const where = digits ? `counter ${digits}` : 'the counter shown on the screen';
    return `${recall ? 'Once again, number' : 'Number'} ${spoken}, please go to ${where}`;
  }
  const call = `请${spoken}号到${digits ? `${digits}号窗口` : counterName}办理`;
  return recall ? `再次呼叫，${call}` : call;
}

const VOICE_LANG: Record<SpeechLang, RegExp> = {
  cmn: /^zh[-_](CN|Hans|SG)|^cmn/i,
  yue: /^zh[-_](HK|yue)|^yue/i,
  en: /^en/i,
};
const UTTER_LANG: Record<SpeechLang, string> = { cmn: 'zh-CN', yue: 'zh-HK', en: 'en-GB' };

interface Job {
  texts: { text: string; lang: SpeechLang }[];
}

/** Plays calls one after another: chime, each language once. Tells when the browser blocks sound until a tap. */
export class Announcer {
  private readonly queue: Job[] = [];
  private busy = false;
  private audio?: AudioContext;
  private started = false;
  enabled = true;
  onBlocked?: (blocked: boolean) => void;

  get supported(): boolean {
    return 'speechSynthesis' in window;
  }

  /** Call from a user gesture: unlocks sound in browsers that need one. */
  unlock(): void {
    try {
      this.audio ??= new AudioContext();
      void this.audio.resume();
      if (this.supported) speechSynthesis.speak(Object.assign(new SpeechSynthesisUtterance(' '), { volume: 0 }));
    } catch {
      /* nothing to unlock */
    }
    this.onBlocked?.(false);
  }

  say(texts: { text: string; lang: SpeechLang }[]): void {
    if (!this.enabled) return;
    this.queue.push({ texts });
    if (this.queue.length > 6) this.queue.splice(0, this.queue.length - 6); // a burst of calls: keep the newest
    void this.next();
  }

  private async next(): Promise<void> {
    if (this.busy) return;
    const job = this.queue.shift();
    if (!job) return;
    this.busy = true;
    try {
      await this.chime();
      for (const { text, lang } of job.texts) {
        if (lang !== 'cmn' && !this.voiceFor(lang)) continue; // only Mandarin is said without a matching voice
        await this.speak(text, lang);
      }
    } finally {
      this.busy = false;
      void this.next();
    }
  }

  private voiceFor(lang: SpeechLang): SpeechSynthesisVoice | undefined {
    if (!this.supported) return undefined;
    return speechSynthesis.getVoices().find((v) => VOICE_LANG[lang].test(v.lang));
  }

  private speak(text: string, lang: SpeechLang): Promise<void> {
    if (!this.supported) return Promise.resolve();
    return new Promise((resolve) => {
      const u = new SpeechSynthesisUtterance(text);
      u.lang = UTTER_LANG[lang];
      const voice = this.voiceFor(lang);
      if (voice) u.voice = voice;
      u.rate = lang === 'en' ? 0.95 : 0.9;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(guard);
        resolve();
      };
      u.onstart = () => {
        this.started = true;
        this.onBlocked?.(false);
      };
      u.onend = finish;
      u.onerror = (ev) => {
        if ((ev as SpeechSynthesisErrorEvent).error === 'not-allowed') this.onBlocked?.(true);
        finish();
      };
      // Never hang the queue on a silent engine: a call takes well under 12 s.
      const guard = setTimeout(() => {
        if (!this.started) this.onBlocked?.(true);
        speechSynthesis.cancel();
        finish();
      }, 12_000);
      speechSynthesis.speak(u);
    });
  }

  /** Two soft tones (叮咚) before a call. */
  private async chime(): Promise<void> {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      if (ctx.state === 'suspended') await Promise.race([ctx.resume(), new Promise((r) => setTimeout(r, 200))]);
      if (ctx.state !== 'running') return;
      const t0 = ctx.currentTime + 0.02;
      for (const [i, f] of [880, 660].entries()) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = 'sine';
        osc.frequency.value = f;
        gain.gain.setValueAtTime(0.0001, t0 + i * 0.45);
        gain.gain.exponentialRampToValueAtTime(0.35, t0 + i * 0.45 + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.45 + 0.8);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t0 + i * 0.45);
        osc.stop(t0 + i * 0.45 + 0.85);
      }
      await new Promise((r) => setTimeout(r, 1300));
    } catch {
      /* no audio: speak without the chime */
    }
  }
}
