/**
 * The kinds of personal data the scrubber finds, in one list with their tags.
 */
import { TransferkitError } from '../errors.ts';

/**
 * A kind of personal data: e-mail address, phone number, URL, IP address (v4 or v6),
 * payment-card number, IBAN, or person name.
 *
 * @example
 * ```ts
 * const kind: PiiKind = 'email';
 * ```
 */
export type PiiKind = 'email' | 'phone' | 'url' | 'ip' | 'card' | 'iban' | 'name';

/**
 * Every {@link PiiKind}, in the order reports list them.
 *
 * @example
 * ```ts
 * PII_KINDS.includes('iban'); // true
 * ```
 */
export const PII_KINDS: readonly PiiKind[] = Object.freeze(['email', 'phone', 'url', 'ip', 'card', 'iban', 'name'] as PiiKind[]);

/**
 * The tag each kind is masked with (`[EMAIL]`), and the stem of its hashed token (`[EMAIL:3fa9c2d1]`).
 *
 * @example
 * ```ts
 * PII_TAGS.card; // 'CARD'
 * ```
 */
export const PII_TAGS: Readonly<Record<PiiKind, string>> = Object.freeze({
  email: 'EMAIL',
  phone: 'PHONE',
  url: 'URL',
  ip: 'IP',
  card: 'CARD',
  iban: 'IBAN',
  name: 'NAME',
});

/**
 * Parses a list of kinds (`"email,phone"` or an array), refusing unknown ones with
 * `BAD_OPTION` naming them and the kinds there are. Duplicates are dropped; an empty list is
 * refused too.
 *
 * @example
 * ```ts
 * parseKinds('email, url'); // ['email', 'url']
 * parseKinds(['card']);     // ['card']
 * ```
 */
export function parseKinds(kinds: string | readonly string[]): PiiKind[] {
  const list = (typeof kinds === 'string' ? kinds.split(',') : [...kinds]).map((k) => k.trim().toLowerCase()).filter(Boolean);
  const unknown = list.filter((k) => !(PII_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new TransferkitError('BAD_OPTION', `Unknown kind${unknown.length > 1 ? 's' : ''} of personal data: ${unknown.join(', ')}`, {
      where: 'kinds option',
      hint: `Use a comma-separated list of: ${PII_KINDS.join(', ')}.`,
    });
  }
  if (list.length === 0) {
    throw new TransferkitError('BAD_OPTION', 'No kind of personal data to look for', { where: 'kinds option', hint: `Name at least one of: ${PII_KINDS.join(', ')}, or leave the option out for all of them.` });
  }
  return [...new Set(list)] as PiiKind[];
}

/**
 * One piece of personal data found in a text: its kind and its span `[start, end)` in the
 * original text (UTF-16 offsets, as `String.prototype.slice` takes them). `original` holds the
 * text of the span only when the caller asked for it (`keepOriginal`), since it is the very
 * data being removed.
 *
 * @example
 * ```ts
 * const m: PiiMatch = { kind: 'email', start: 8, end: 25 };
 * ```
 */
export interface PiiMatch {
  kind: PiiKind;
  start: number;
  end: number;
  original?: string;
}
