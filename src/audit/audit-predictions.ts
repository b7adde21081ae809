/**
 * Auditing predictions made elsewhere: a CSV file (or rows) with the true class, the predicted
 * class, optionally a score, and the sensitive column(s).
 */
import { TransferkitError } from '../errors.ts';
import { auditOutcomes } from './audit-outcomes.ts';
import type { AuditOptions } from './options.ts';
import type { AuditReport } from './report.ts';
import { readRawCsv, requireColumns, rowsTable, type RawTable } from './table.ts';

/**
 * Options of {@link auditPredictions}.
 *
 * @example
 * ```ts
 * const opts: PredictionAuditOptions = { file: 'preds.csv', sensitive: ['sex', 'race'], yTrue: 'label', yPred: 'pred', score: 'p' };
 * ```
 */
export interface PredictionAuditOptions extends AuditOptions {
  /** A CSV file with a header row. */
  file?: string;
  /** Or rows in memory, objects by column name. */
  rows?: ReadonlyArray<Record<string, string | number | boolean | null | undefined>>;
  /** Sensitive column(s); several give intersectional groups. */
  sensitive: string[];
  /** Column of the true class (default `y_true`, else `actual` as `transferkit predict --out` writes it). */
  yTrue?: string;
  /** Column of the predicted class (default `y_pred`, else `predicted`). */
  yPred?: string;
  /** Column of the probability of the positive class (default: `score`, else `p_<positive>`, when present). */
  score?: string;
}

/**
 * Audits predictions from a file or rows by group (see `AuditReport`). Rows with a missing
 * true class, prediction or sensitive value are left out and counted in `excluded`.
 *
 * Errors: `MISSING_OPTION` (neither file nor rows, or no sensitive column), `MISSING_COLUMN`
 * (a sensitive, y_true, y_pred or score column not in the file: the columns that exist are
 * named), `BAD_VALUE` (a score that is not a number), plus those of the audit.
 *
 * @example
 * ```ts
 * const r = await auditPredictions({ file: 'preds.csv', sensitive: ['group'], positive: '1', privileged: 'a' });
 * r.measures.disparate_impact.value;
 * ```
 */
export async function auditPredictions(opts: PredictionAuditOptions): Promise<AuditReport> {
  if ((opts.file === undefined) === (opts.rows === undefined)) {
    throw new TransferkitError('MISSING_OPTION', opts.file === undefined ? 'Auditing predictions needs a file or rows' : 'Pass a file or rows, not both', {
      where: 'auditPredictions',
      hint: 'Pass file: "predictions.csv" (columns y_true, y_pred and the sensitive ones), or rows: [{ y_true, y_pred, group }, …].',
    });
  }
  if (!opts.sensitive || opts.sensitive.length === 0) {
    throw new TransferkitError('MISSING_OPTION', 'No sensitive column was given', { where: 'sensitive option', hint: 'Name the column(s) holding the group of each example, e.g. `sensitive: ["sex"]`.' });
  }
  const t = opts.file !== undefined ? await readRawCsv(opts.file) : rowsTable(opts.rows!);
  requireColumns(t, opts.sensitive, 'sensitive column', '`sensitive`');
  const yTrueCol = pick(t, opts.yTrue, ['y_true', 'actual'], 'true-class', '`yTrue`');
  const yPredCol = pick(t, opts.yPred, ['y_pred', 'predicted'], 'predicted-class', '`yPred`');
  if (opts.score !== undefined) requireColumns(t, [opts.score], 'score column', '`score`');

  const yTrue = t.column(yTrueCol);
  const yPred = t.column(yPredCol);
  const sens = opts.sensitive.map((c) => t.column(c));
  const keep: number[] = [];
  for (let i = 0; i < t.size; i++) if (yTrue[i] !== null && yPred[i] !== null && sens.every((s) => s[i] !== null)) keep.push(i);
  const warnings: string[] = [];
  const excluded = t.size - keep.length;
  if (excluded > 0) warnings.push(`${excluded} row${excluded === 1 ? '' : 's'} left out: missing ${yTrueCol}, ${yPredCol} or sensitive value.`);
  if (keep.length === 0) {
    throw new TransferkitError('NO_LABELS', `No row of ${t.name} has a true class, a prediction and every sensitive value`, { where: t.name, hint: `Fill in ${yTrueCol}, ${yPredCol} and ${opts.sensitive.join(', ')}.` });
  }
  const scoreFor = (positive: string): number[] | undefined => {
    const col = opts.score ?? ['score', `p_${positive}`].find((c) => t.header.includes(c));
    if (col === undefined) return undefined;
    const cells = t.column(col);
    return keep.map((i) => {
      const v = Number(cells[i]);
      if (cells[i] === null || !Number.isFinite(v)) {
        throw new TransferkitError('BAD_VALUE', `Score ${JSON.stringify(cells[i])} in column "${col}", data row ${i + 1}, is not a number`, { where: `${t.name}, row ${i + 1}`, hint: 'Scores must be probabilities of the positive class in [0, 1].' });
      }
      return v;
    });
  };
  return auditOutcomes({
    ...opts,
    yTrue: keep.map((i) => yTrue[i]!),
    yPred: keep.map((i) => yPred[i]!),
    score: scoreFor,
    sensitive: Object.fromEntries(opts.sensitive.map((c, j) => [c, keep.map((i) => sens[j][i]!)])),
    // a named label column (deny) words the outcome as deny=yes; generic names do not
    label: ['y_true', 'actual'].includes(yTrueCol) ? undefined : yTrueCol,
    excluded,
    warnings,
    source: { predictions: t.name },
  });
}

/** The column given, else the first default present; `MISSING_COLUMN` naming the columns that exist. */
function pick(t: RawTable, given: string | undefined, defaults: string[], what: string, option: string): string {
  if (given !== undefined) {
    requireColumns(t, [given], `${what} column`, option);
    return given;
  }
  const found = defaults.find((d) => t.header.includes(d));
  if (found) return found;
  throw new TransferkitError('MISSING_COLUMN', `${t.name} has no ${what} column (looked for ${defaults.map((d) => `"${d}"`).join(' and ')}); its columns are: ${t.header.join(', ')}`, {
    where: t.name,
    hint: `Name it with ${option} <column>, e.g. ${option} ${t.header[0] ?? 'label'}.`,
  });
}
