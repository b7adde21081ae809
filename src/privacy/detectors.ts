/**
 * One detector per kind of personal data: a pattern that finds candidates, and a check that
 * keeps only real ones (Luhn for cards, mod 97 for IBANs, octet ranges for IPv4, …).
 */
import type { PiiKind, PiiMatch } from './kinds.ts';
import { ibanValid, IBAN_LENGTHS } from './iban.ts';
import { ipv4Valid, ipv6Valid } from './ip.ts';
import { luhnValid } from './luhn.ts';
import { detectNames } from './names.ts';

/**
 * A function that finds every match of one kind in a text (matches may overlap other kinds').
 *
 * @example
 * ```ts
 * const digitsOnly: Detector = (text) => [...text.matchAll(/\d+/g)].map((m) => ({ kind: 'phone', start: m.index, end: m.index + m[0].length }));
 * ```
 */
export type Detector = (text: string) => PiiMatch[];

const EMAIL = /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;
const URL = /(?<![\w@.\/-])(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'`]+/gi;
const IPV4 = /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)/g;
const IPV6 = /(?<![\w:.])[0-9A-Fa-f:]{2,39}(?:\d{1,3}(?:\.\d{1,3}){3})?(?![\w:]|\.\d)/g;
const CARD = /(?<![\w.,-])\d(?:[ -]?\d){12,30}(?![\w])/g;
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,34}/g;
/** Phone numbers: international (`+44 20 7946 0958`, `+1 (415) 555-0132`). */
const PHONE_INTL = /(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,6}(?![\w]|[.-]\d)/g;
/** North-American numbers with separators: `(415) 555-0132`, `415-555-0132`, `1-800-555-0199`, `415.555.0132`. */
const PHONE_NANP = /(?<![\w+.\/-])(?:1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w]|[.-]\d)/g;
/**
 * National numbers with a trunk 0: in three or more separated groups (`020 7946 0958`,
 * `01 23 45 67 89`), in two groups only with a space (`07700 900123`; not `03857-1643`, a ZIP+4
 * code), or with the area code in brackets (`(030) 1234 5678`).
 */
const PHONE_TRUNK = /(?<![\w+.\/-])(?:\(0\d{1,4}\) ?\d{2,8}(?:[ .-]\d{2,8}){0,3}|0\d{1,4}(?:[ .-]\d{2,8}){2,4}|0\d{1,4} \d{4,8})(?![\w]|[.-]\d)/g;

function all(re: RegExp, text: string, kind: PiiKind, keep: (s: string) => boolean = () => true): PiiMatch[] {
  const out: PiiMatch[] = [];
  for (const m of text.matchAll(re)) if (keep(m[0])) out.push({ kind, start: m.index, end: m.index + m[0].length });
  return out;
}

const digitCount = (s: string) => s.replace(/\D/g, '').length;

/**
 * E-mail addresses: `local@domain.tld` with a dotted domain and a 2–24 letter top-level domain.
 *
 * @example
 * ```ts
 * detectEmails('mail jo.smith+news@example.co.uk.'); // [{ kind: 'email', start: 5, end: 31 }]
 * ```
 */
export const detectEmails: Detector = (text) => all(EMAIL, text, 'email');

/**
 * URLs starting with `http://`, `https://`, `ftp://` or `www.`, up to the next space, quote or
 * angle bracket; trailing punctuation (`.,;:!?`) and closing brackets without an opening one in
 * the URL are left out. Bare domains (`example.com`) are not URLs here.
 *
 * @example
 * ```ts
 * detectUrls('see (http://x.org/a?b=1).'); // [{ kind: 'url', start: 5, end: 23 }]
 * ```
 */
export const detectUrls: Detector = (text) => {
  const out: PiiMatch[] = [];
  for (const m of text.matchAll(URL)) {
    let s = m[0];
    const open: Record<string, number> = { ')': count(s, '('), ']': count(s, '['), '}': count(s, '{') };
    const close: Record<string, number> = { ')': count(s, ')'), ']': count(s, ']'), '}': count(s, '}') };
    for (;;) {
      const last = s.at(-1)!;
      if (/[.,;:!?]/.test(last)) s = s.slice(0, -1);
      else if (last in close && open[last] < close[last]) {
        close[last]--;
        s = s.slice(0, -1);
      } else break;
    }
    if (/^(?:[a-z]+:\/\/|www\.)[\w-]+\.?[\w-]/i.test(s)) out.push({ kind: 'url', start: m.index, end: m.index + s.length });
  }
  return out;
};

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/** A word right before a dotted number that makes it a version, not an address: `revision 1.68.2.12`. */
const VERSION_WORD = /\b(?:revision|rev|version|ver|release|build|patch)[\s.:#]*$/i;

/**
 * IP addresses: dotted-quad IPv4 with octets 0–255 (no leading zeros, not part of a longer
 * dotted number such as a version `1.2.3.4.5` or `v1.2.3.4`, not right after revision, rev,
 * version, ver, release, build or patch: CVS revisions such as `1.68.2.12`), and IPv6 in the RFC 4291 text
 * forms with at least two non-empty groups and a digit (so `::` and words such as `ab::cd` are not).
 *
 * @example
 * ```ts
 * detectIps('from 10.0.0.7 and 2001:db8::1'); // [{ kind: 'ip', start: 5, end: 13 }, { kind: 'ip', start: 18, end: 29 }]
 * ```
 */
export const detectIps: Detector = (text) => [
  ...all(IPV4, text, 'ip', ipv4Valid).filter((m) => !VERSION_WORD.test(text.slice(Math.max(0, m.start - 24), m.start))),
  ...all(IPV6, text, 'ip', (s) => s.split(':').filter(Boolean).length >= 2 && /\d/.test(s) && ipv6Valid(s)),
];

/**
 * Phone numbers in three shapes, each with 8–15 digits in all (E.164 allows at most 15):
 * international (`+` and a country code, then groups with optional space, dot or dash
 * separators and an optional bracketed area code), North-American with separators
 * (`(415) 555-0132`, `415-555-0132`, `415.555.0132`, `1-800-555-0199`), and national numbers
 * starting with a trunk 0 and written in separated groups (`020 7946 0958`, `01 23 45 67 89`;
 * 9–12 digits). A number without `+`, trunk 0 or the 3-3-4 grouping is not taken for a phone
 * number, so years, prices, versions, dates, times, ZIP codes and plain counts are not.
 *
 * @example
 * ```ts
 * detectPhones('call +44 20 7946 0958 or (415) 555-0132 in 2002'); // two matches
 * ```
 */
export const detectPhones: Detector = (text) => [
  ...all(PHONE_INTL, text, 'phone', (s) => digitCount(s) >= 8 && digitCount(s) <= 15),
  ...all(PHONE_NANP, text, 'phone'),
  ...all(PHONE_TRUNK, text, 'phone', (s) => digitCount(s) >= 9 && digitCount(s) <= 12),
];

/**
 * Payment-card numbers: 13–19 digits, either in one run or in groups separated by one kind of
 * separator (all spaces or all dashes) and grouped as cards are printed (a first group of 4,
 * then groups of 4–6, the last of 1–6: 4-4-4-4, 4-6-5, 4-4-4-4-3), that start like a card of a
 * major network (Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay, Maestro: see
 * `cardPrefix`), pass the Luhn check and are not one digit repeated (`0000 0000 0000 0000`
 * passes Luhn but is a placeholder). Within a longer run of digit groups, the longest valid
 * stretch of whole groups is taken. A number that fails the Luhn check is not a card number;
 * neither are timestamps and ids such as `20020906211713` (Luhn-valid by chance, but no card
 * starts with 20).
 *
 * @example
 * ```ts
 * detectCards('card 4111 1111 1111 1111, not 4111 1111 1111 1112'); // one match, at 5–24
 * ```
 */
export const detectCards: Detector = (text) => {
  const out: PiiMatch[] = [];
  for (const m of text.matchAll(CARD)) {
    const groups: Array<{ start: number; end: number; sep: string }> = [];
    for (const g of m[0].matchAll(/\d+/g)) groups.push({ start: m.index + g.index, end: m.index + g.index + g[0].length, sep: g.index === 0 ? '' : m[0][g.index - 1] });
    let best: { start: number; end: number } | undefined;
    const keep = (a: number, b: number) => {
      const digits = text.slice(groups[a].start, groups[b].end).replace(/\D/g, '');
      if (/^(\d)\1*$/.test(digits) || !cardPrefix(digits) || !luhnValid(digits)) return;
      if (!best || groups[b].end - groups[a].start > best.end - best.start) best = { start: groups[a].start, end: groups[b].end };
    };
    const len = (g: number) => groups[g].end - groups[g].start;
    for (let a = 0; a < groups.length; a++) {
      if (len(a) >= 13 && len(a) <= 19) keep(a, a);
      if (len(a) !== 4) continue;
      // whole groups after a first group of 4, one kind of separator, 13–19 digits in all
      let digits = 4;
      const lengths = [4];
      for (let b = a + 1; b < groups.length && groups[b].sep === groups[a + 1].sep; b++) {
        digits += len(b);
        lengths.push(len(b));
        if (digits > 19) break;
        if (digits >= 13 && cardGrouping(lengths)) keep(a, b);
      }
    }
    if (best) out.push({ kind: 'card', ...best });
  }
  return out;
};

/**
 * Whether a number starts like a card of a major network (its issuer identification number):
 * Visa 4; Mastercard 51–55 and 2221–2720; American Express 34, 37; Diners Club 300–305, 36,
 * 38, 39; JCB 35; Discover, UnionPay and Maestro 6; Maestro 50, 56–58. Numbers starting 0, 1,
 * 7, 8, 9 (and 2 or 3 outside those ranges) are order numbers, timestamps and ids, not cards.
 */
function cardPrefix(d: string): boolean {
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  return d[0] === '4' || d[0] === '6' || (two >= 50 && two <= 58) || (four >= 2221 && four <= 2720) || [34, 35, 36, 37, 38, 39].includes(two) || (Number(d.slice(0, 3)) >= 300 && Number(d.slice(0, 3)) <= 305);
}

/** Card numbers are printed in groups of 4 (4-4-4-4, 4-4-4-4-3) or as 4-6-5 / 4-6-4: a first group of 4, then groups of 4–6, the last of 1–6. */
function cardGrouping(lengths: number[]): boolean {
  return lengths[0] === 4 && lengths.slice(1, -1).every((n) => n >= 4 && n <= 6) && lengths.at(-1)! <= 6;
}

/**
 * IBANs: a country code of the IBAN registry, two check digits and the country's number of
 * letters and digits (upper case, optionally in space-separated groups), passing the mod-97
 * check (ISO 7064). The span ends at the country's length, which must end a word.
 *
 * @example
 * ```ts
 * detectIbans('pay to GB82 WEST 1234 5698 7654 32 today'); // [{ kind: 'iban', start: 7, end: 34 }]
 * ```
 */
export const detectIbans: Detector = (text) => {
  const out: PiiMatch[] = [];
  for (const m of text.matchAll(IBAN)) {
    const length = IBAN_LENGTHS[m[0].slice(0, 2)];
    if (length === undefined) continue;
    let compact = '';
    let end = m.index;
    for (let i = m.index; i < text.length && compact.length < length; i++) {
      const ch = text[i];
      if (/[A-Z0-9]/.test(ch)) {
        compact += ch;
        end = i + 1;
      } else if (ch !== ' ' || text[i - 1] === ' ') break;
    }
    if (compact.length !== length || /[A-Za-z0-9]/.test(text[end] ?? '')) continue;
    if (ibanValid(compact)) out.push({ kind: 'iban', start: m.index, end });
  }
  return out;
};

/**
 * The detector of each kind; `name` is {@link detectNames}.
 *
 * @example
 * ```ts
 * DETECTORS.email('a@b.org'); // [{ kind: 'email', start: 0, end: 7 }]
 * ```
 */
export const DETECTORS: Readonly<Record<PiiKind, Detector>> = Object.freeze({
  email: detectEmails,
  phone: detectPhones,
  url: detectUrls,
  ip: detectIps,
  card: detectCards,
  iban: detectIbans,
  name: detectNames,
});
