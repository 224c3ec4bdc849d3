/**
 * Masks what looks like a resident ID number or a mobile number in free text typed by people (reasons, comments,
 * notes), so it is never stored or shown in clear: 110105198203041234 → 1****************4, 13812345678 → 138****5678.
 *
 * People type numbers in many ways: full-width digits from a Chinese IME in 全角 mode (１３９…), groups split by an
 * ideographic or a no-break space, by dots, slashes or dashes, an ID in fours. The text is read through a copy with
 * those folded to ASCII, one character for one, so a match's place in the copy is its place in the text.
 */

/**
 * Between two characters of a number: up to three characters a person might put there (after folding): spaces, line
 * breaks and tabs, zero-width characters, dashes, dots (also the ideographic 。, what a Chinese IME's full stop key
 * gives), slashes, brackets, plus signs, commas, colons and semicolons, bars, stars, tildes, ellipses, hashes, equals
 * signs and apostrophes.
 */
const SEP = "[\\s\\-./_()+,:;|*~#='\u3001\u3002\u2026\u00b7\u200b-\u200d\u2060\ufeff]{0,3}";
const digitsWithSeps = (n: number) => `\\d(?:${SEP}\\d){${n - 1}}`;
// Not glued to other digits: a longer run of digits is some other number (an order, a bank account).
const ID_18 = new RegExp(`(?<![\\dXx])${digitsWithSeps(17)}${SEP}[\\dXx](?![\\dXx])`, 'g');
const ID_15 = new RegExp(`(?<!\\d)${digitsWithSeps(15)}(?!\\d)`, 'g');
// With +86 or 0086, or the long-distance 0 (加拨0) a mobile is often dialled with.
const MOBILE = new RegExp(`(?<!\\d)(?:(?:\\+?86|0)${SEP})?1${SEP}[3-9]${SEP}${digitsWithSeps(9)}(?!\\d)`, 'g');

/**
 * What is folded to ASCII, one UTF-16 unit for one: full-width digits, letters X and signs; Arabic-Indic, Persian and
 * Devanagari digits; circled digits; the other spaces and dashes. A mathematical digit (two units) becomes the digit
 * and a space. Chinese numerals (一三九…) are words, not digits, and stay as typed.
 */
const FOLDABLE =
  /[\uff01-\uff5e\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\u2460-\u2468\u24ea\u3000\u00a0\u2000-\u200a\u202f\u205f\u2010-\u2015\u2212]|\ud835[\udfce-\udfff]/g;

function foldChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch.length === 2) return String((ch.charCodeAt(1) - 0xdfce) % 10) + ' '; // 𝟎–𝟿 in their five styles
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0); // full-width ASCII
  if (code >= 0x0660 && code <= 0x0669) return String(code - 0x0660);
  if (code >= 0x06f0 && code <= 0x06f9) return String(code - 0x06f0);
  if (code >= 0x0966 && code <= 0x096f) return String(code - 0x0966);
  if (code >= 0x2460 && code <= 0x2468) return String(code - 0x245f); // ①–⑨
  if (code === 0x24ea) return '0'; // ⓪
  if (ch === '\u2212' || (code >= 0x2010 && code <= 0x2015)) return '-';
  return ' '; // every other space
}

export type PersonalNumberKind = 'id' | 'mobile';

/**
 * `s` with each ID number (18 characters with a check X, or the old 15 digits) and mainland mobile number (with or
 * without +86) replaced by what `replace` makes of it, given its kind and its characters without separators.
 */
export function replacePersonalNumbers(
  s: string,
  replace: (kind: PersonalNumberKind, chars: string) => string,
): string {
  if (!hasDigits(s, 11)) return s; // the shortest of them, a mobile, has 11: most text never gets further
  const folded = s.replace(FOLDABLE, foldChar);
  const found: Array<{ from: number; to: number; text: string }> = [];
  const taken = (from: number, to: number) => found.some((f) => from < f.to && to > f.from);
  const scan = (pattern: RegExp, kind: PersonalNumberKind) => {
    for (const m of folded.matchAll(pattern)) {
      const from = m.index!;
      let to = from + m[0].length;
      // A mathematical digit folds to the digit and a space: a match ending on it takes its second unit too.
      if (isHighSurrogate(s.charCodeAt(to - 1))) to++;
      if (taken(from, to)) continue;
      found.push({ from, to, text: replace(kind, m[0].replace(/[^\dXx+]/g, '')) });
    }
  };
  scan(ID_18, 'id');
  scan(ID_15, 'id');
  scan(MOBILE, 'mobile');
  if (found.length === 0) return s;
  found.sort((a, b) => a.from - b.from);
  let out = '';
  let at = 0;
  for (const f of found) {
    out += s.slice(at, f.from) + f.text;
    at = f.to;
  }
  return out + s.slice(at);
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** A UTF-16 unit of a digit FOLDABLE folds (a mathematical digit's second unit: 0xdfce–0xdfff). */
function isDigitLike(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 0xff10 && code <= 0xff19) ||
    (code >= 0x0660 && code <= 0x0669) ||
    (code >= 0x06f0 && code <= 0x06f9) ||
    (code >= 0x0966 && code <= 0x096f) ||
    (code >= 0x2460 && code <= 0x2468) ||
    code === 0x24ea ||
    (code >= 0xdfce && code <= 0xdfff)
  );
}

/** Whether `s` has at least `n` digits, in any of the forms folded. */
function hasDigits(s: string, n: number): boolean {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (isDigitLike(code)) if (++count >= n) return true;
  }
  return false;
}

/** `s` with ID numbers and mainland mobile numbers masked, the rest as typed. */
export function maskFreeText(s: string): string {
  return replacePersonalNumbers(s, (kind, chars) => (kind === 'id' ? maskIdNumber(chars) : maskMobile(chars)));
}

function maskIdNumber(chars: string): string {
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

function maskMobile(chars: string): string {
  const digits = chars.replace(/\D/g, '').slice(-11);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
