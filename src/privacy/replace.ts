/**
 * How found personal data is replaced: masked with its kind, redacted with a fixed character,
 * or hashed into a salted, stable token.
 */
import { createHmac } from 'node:crypto';
import { TransferkitError } from '../errors.ts';
import { PII_TAGS, type PiiKind } from './kinds.ts';

/**
 * How to replace personal data: `mask` writes the kind (`[EMAIL]`); `redact` writes the fixed
 * character once per character replaced (`█████`); `hash` writes the kind and a salted hash
 * of the value (`[EMAIL:3fa9c2d1]`), the same token for the same value and salt, so a model can
 * still learn that two messages share a sender without seeing the address.
 *
 * @example
 * ```ts
 * const mode: ReplaceMode = 'hash';
 * ```
 */
export type ReplaceMode = 'mask' | 'redact' | 'hash';

/**
 * The replacement modes, for option checks and help texts.
 *
 * @example
 * ```ts
 * REPLACE_MODES.includes('mask'); // true
 * ```
 */
export const REPLACE_MODES: readonly ReplaceMode[] = Object.freeze(['mask', 'redact', 'hash'] as ReplaceMode[]);

/**
 * Options of {@link replacement}.
 *
 * @example
 * ```ts
 * const opts: ReplaceOptions = { mode: 'hash', salt: 'team secret' };
 * ```
 */
export interface ReplaceOptions {
  /** Default `mask`. */
  mode?: ReplaceMode;
  /** `redact`: the character written in place of each character (default `█`). */
  redactChar?: string;
  /** `hash`: the secret salt of the HMAC (required: without a secret, a phone number's hash could be found by trying every number). */
  salt?: string;
}

/**
 * The form of a value that its hash is taken of, so spellings of one value share a token:
 * e-mails and IP addresses in lower case, phone and card numbers as their digits (a phone's
 * leading `+` kept), IBANs without spaces, other kinds as written.
 *
 * @example
 * ```ts
 * normalisePii('phone', '(415) 555-0132'); // '4155550132'
 * normalisePii('email', 'Jo@Example.org'); // 'jo@example.org'
 * ```
 */
export function normalisePii(kind: PiiKind, value: string): string {
  switch (kind) {
    case 'email':
    case 'ip':
      return value.toLowerCase();
    case 'phone':
      return (value.trim().startsWith('+') ? '+' : '') + value.replace(/\D/g, '');
    case 'card':
      return value.replace(/\D/g, '');
    case 'iban':
      return value.replace(/\s/g, '').toUpperCase();
    default:
      return value;
  }
}

/**
 * Checks replacement options, refusing a bad mode, a redaction "character" that is not one
 * character, and `hash` without a salt (`BAD_OPTION` / `MISSING_OPTION`).
 *
 * @example
 * ```ts
 * checkReplaceOptions({ mode: 'hash', salt: 's3cret' });
 * ```
 */
export function checkReplaceOptions(opts: ReplaceOptions): void {
  const mode = opts.mode ?? 'mask';
  if (!REPLACE_MODES.includes(mode)) {
    throw new TransferkitError('BAD_OPTION', `Unknown replacement mode "${mode}"`, { where: 'mode option', hint: `Use one of: ${REPLACE_MODES.join(', ')}.` });
  }
  if (opts.redactChar !== undefined && [...opts.redactChar].length !== 1) {
    throw new TransferkitError('BAD_OPTION', `The redaction character must be one character, got ${JSON.stringify(opts.redactChar)}`, { where: 'redactChar option', hint: 'Pass one character such as "*" or "█".' });
  }
  if (mode === 'hash' && (opts.salt === undefined || opts.salt === '')) {
    throw new TransferkitError('MISSING_OPTION', 'Hashing personal data needs a secret salt', {
      where: 'salt option',
      hint: 'Pass a salt (keep it secret, and use the same one for data that must share tokens); without one, hashes of phone numbers or card numbers could be reversed by trying every number.',
    });
  }
}

/**
 * The text that replaces one found value (options as checked by {@link checkReplaceOptions}).
 *
 * @example
 * ```ts
 * replacement('email', 'jo@x.org', { mode: 'mask' });   // '[EMAIL]'
 * replacement('email', 'jo@x.org', { mode: 'redact', redactChar: '*' }); // '********'
 * replacement('email', 'jo@x.org', { mode: 'hash', salt: 's' }); // '[EMAIL:…8 hex digits…]'
 * ```
 */
export function replacement(kind: PiiKind, value: string, opts: ReplaceOptions): string {
  const mode = opts.mode ?? 'mask';
  if (mode === 'redact') return (opts.redactChar ?? '█').repeat([...value].length);
  if (mode === 'hash') {
    const digest = createHmac('sha256', opts.salt ?? '').update(`${kind}:${normalisePii(kind, value)}`).digest('hex');
    return `[${PII_TAGS[kind]}:${digest.slice(0, 8)}]`;
  }
  return `[${PII_TAGS[kind]}]`;
}
