/**
 * Masks what looks like a resident ID number or a mobile number in free text typed by people (reasons, comments,
 * notes), so it is never stored or shown in clear: 110105198203041234 → 1****************4, 13812345678 → 138****5678.
 *
 * People type numbers in many ways: full-width digits from a Chinese IME in 全角 mode (１３９…), groups split by an
 * ideographic or a no-break space, by dots, slashes or dashes, an ID in fours. The text is read through a copy with
 * those folded to ASCII, one character for one, so a match's place in the copy is its place in the text.
 */

/** Between two characters of a number: one separator a person might type (after folding). */
const SEP = '[ \\-./_()]?';
const digitsWithSeps = (n: number) => `\\d(?:${SEP}\\d){${n - 1}}`;
// Not glued to other digits: a longer run of digits is some other number (an order, a bank account).
const ID_18 = new RegExp(`(?<![\\dXx])${digitsWithSeps(17)}${SEP}[\\dXx](?![\\dXx])`, 'g');
const ID_15 = new RegExp(`(?<!\\d)${digitsWithSeps(15)}(?!\\d)`, 'g');
const MOBILE = new RegExp(`(?<!\\d)(?:\\+?86${SEP})?1${SEP}[3-9]${SEP}${digitsWithSeps(9)}(?!\\d)`, 'g');

/** Full-width digits, letters X and signs, and the other spaces and dashes, folded to their ASCII one by one. */
const FOLDABLE =
  /[\uff10-\uff19\uff38\uff58\uff0b\uff0d\uff0e\uff0f\uff3f\uff08\uff09\u3000\u00a0\u2000-\u200a\u202f\u205f\u2010-\u2015\u2212]/g;

function foldChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0); // full-width ASCII
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
      const to = from + m[0].length;
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

/** Whether `s` has at least `n` digits, ASCII or full-width. */
function hasDigits(s: string, n: number): boolean {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if ((code >= 48 && code <= 57) || (code >= 0xff10 && code <= 0xff19)) if (++count >= n) return true;
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
