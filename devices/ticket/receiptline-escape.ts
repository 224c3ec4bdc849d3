// Makes outside text safe to place in a receiptline document.

// Lone surrogates have no GB18030 code and break XML; U+FFFE/U+FFFF are not XML characters either.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NOT_PRINTABLE = /[\uFFFE\uFFFF]/g;
// Control characters (including line breaks) would end a receiptline line or be dropped silently.
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;

/**
 * The text as it will be printed: one line, no control characters, runs of
 * white space folded (receiptline reads edge spaces as column alignment).
 */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(LONE_SURROGATE, '?')
    .replace(NOT_PRINTABLE, '')
    .replace(CONTROL, ' ')
    .replace(/[\t ]+/g, ' ')
    .trim();
}

// Receiptline's special characters in text: \ | { } - = ~ _ " ` ^ (README "Special characters in text").
const TEXT_SPECIAL = /[\\|{}\-=~_"`^]/g;

/** Text for a receiptline text column: cleaned, every special character escaped. */
export function escapeText(text: string): string {
  return cleanText(text).replace(TEXT_SPECIAL, (c) => '\\' + c);
}

// In property values only \ | { } ; are special; ':' needs no escape (and '\:' would be dropped).
const PROPERTY_SPECIAL = /[\\|{};]/g;

/** Text for a receiptline property value such as {code:...}. */
export function escapeProperty(value: string): string {
  return cleanText(value).replace(PROPERTY_SPECIAL, (c) => '\\' + c);
}
