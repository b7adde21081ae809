/**
 * Scrubbing one text: find personal data of the kinds asked for and replace it.
 */
import { DETECTORS } from './detectors.ts';
import { parseKinds, PII_KINDS, type PiiKind, type PiiMatch } from './kinds.ts';
import { checkReplaceOptions, replacement, type ReplaceOptions } from './replace.ts';

/**
 * Options of {@link scrubText}.
 *
 * @example
 * ```ts
 * const opts: ScrubOptions = { kinds: ['email', 'phone'], mode: 'hash', salt: 's3cret' };
 * ```
 */
export interface ScrubOptions extends ReplaceOptions {
  /** Kinds to find (default all of {@link PII_KINDS}), as a list or `"email,phone"`. */
  kinds?: string | readonly string[];
  /** Put each match's original text in `found[i].original` (default false: results then hold no personal data). */
  keepOriginal?: boolean;
}

/**
 * What {@link scrubText} returns: the scrubbed text, the matches in the original text (in
 * order, not overlapping), and how many of each kind asked for.
 *
 * @example
 * ```ts
 * const r: ScrubResult = scrubText('mail jo@x.org');
 * r.counts.email; // 1
 * ```
 */
export interface ScrubResult {
  text: string;
  found: PiiMatch[];
  counts: Partial<Record<PiiKind, number>>;
}

/**
 * Which kind wins when two matches overlap and start at the same place with the same length:
 * URLs over the e-mail or IP address inside them, validated numbers (IBAN, card) over phone
 * number shapes.
 */
const PRIORITY: readonly PiiKind[] = ['url', 'email', 'iban', 'card', 'ip', 'phone', 'name'];

/**
 * Finds personal data in `text` (without replacing it): every detector asked for runs, and of
 * overlapping matches the one that starts first is kept (then the longer, then by kind:
 * url, email, iban, card, ip, phone, name). See the detectors (`detectEmails`, `detectPhones`,
 * `detectUrls`, `detectIps`, `detectCards`, `detectIbans`, `detectNames`) for what each kind
 * matches.
 *
 * @example
 * ```ts
 * findPii('write to jo@x.org', ['email']); // [{ kind: 'email', start: 9, end: 17 }]
 * ```
 */
export function findPii(text: string, kinds: readonly PiiKind[] = PII_KINDS): PiiMatch[] {
  const candidates = kinds.flatMap((k) => DETECTORS[k](text));
  candidates.sort((a, b) => a.start - b.start || b.end - a.end || PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind));
  const kept: PiiMatch[] = [];
  let end = 0;
  for (const m of candidates) {
    if (m.start < end) continue;
    kept.push(m);
    end = m.end;
  }
  return kept;
}

/**
 * Finds personal data in `text` and replaces it (`mask` by default: `[EMAIL]`, `[PHONE]`,
 * `[URL]`, `[IP]`, `[CARD]`, `[IBAN]`, `[NAME]`). Spans in `found` refer to the original text.
 *
 * Errors: `BAD_OPTION` (unknown kind or mode), `MISSING_OPTION` (`hash` without `salt`),
 * `DATASET_NOT_INSTALLED` (names asked for, name lists not installed).
 *
 * @example
 * ```ts
 * scrubText('Dear Grace, call +44 20 7946 0958').text; // 'Dear [NAME], call [PHONE]'
 * scrubText('from jo@x.org', { mode: 'hash', salt: 's' }).text; // 'from [EMAIL:…]', the same token for every jo@x.org
 * ```
 */
export function scrubText(text: string, opts: ScrubOptions = {}): ScrubResult {
  const kinds = opts.kinds === undefined ? [...PII_KINDS] : parseKinds(opts.kinds);
  checkReplaceOptions(opts);
  return scrubWith(text, kinds, opts);
}

/**
 * {@link scrubText} with the kinds parsed and the options checked already (for loops over many texts).
 *
 * @example
 * ```ts
 * const results = texts.map((t) => scrubWith(t, ['email'], { mode: 'mask' }));
 * ```
 */
export function scrubWith(text: string, kinds: readonly PiiKind[], opts: ScrubOptions): ScrubResult {
  const found = findPii(text, kinds);
  const counts: Partial<Record<PiiKind, number>> = {};
  for (const k of kinds) counts[k] = 0;
  let out = '';
  let at = 0;
  for (const m of found) {
    const value = text.slice(m.start, m.end);
    out += text.slice(at, m.start) + replacement(m.kind, value, opts);
    at = m.end;
    counts[m.kind] = (counts[m.kind] ?? 0) + 1;
    if (opts.keepOriginal) m.original = value;
  }
  return { text: out + text.slice(at), found, counts };
}
