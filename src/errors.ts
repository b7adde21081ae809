/**
 * Errors that transferkit shows to people.
 *
 * Every error names what was wrong, where, and how to fix it. The CLI prints
 * `message` and `hint`; `--json` mode prints `{ "error": { code, message, where, hint } }`.
 *
 * @example
 * ```ts
 * throw new TransferkitError('MISSING_LABEL', 'Label column "species" is not in the CSV', {
 *   where: 'data/penguins.csv',
 *   hint: 'Pass --label with one of: island, bill_length_mm, …',
 * });
 * ```
 */
export class TransferkitError extends Error {
  /** Stable, machine-readable code such as `BAD_CSV` or `UNKNOWN_LAYER`. */
  readonly code: string;
  /** The file, row, column or layer the problem is in, when known. */
  readonly where?: string;
  /** What the user can do about it. */
  readonly hint?: string;

  constructor(code: string, message: string, opts: { where?: string; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TransferkitError';
    this.code = code;
    this.where = opts.where;
    this.hint = opts.hint;
  }

  /** A JSON-friendly view for `--json` output. */
  toJSON(): { code: string; message: string; where?: string; hint?: string } {
    return { code: this.code, message: this.message, where: this.where, hint: this.hint };
  }
}

/**
 * Throws a {@link TransferkitError} when `condition` is false.
 *
 * @example
 * ```ts
 * check(rows > 0, 'EMPTY_DATA', 'The CSV has no data rows', { where: file });
 * ```
 */
export function check(
  condition: unknown,
  code: string,
  message: string,
  opts: { where?: string; hint?: string } = {},
): asserts condition {
  if (!condition) throw new TransferkitError(code, message, opts);
}
