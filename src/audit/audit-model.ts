/**
 * Auditing a model on data: the model predicts every example, and the groups come from the
 * data's sensitive column(s), read from the raw data whether or not the model uses them.
 */
import type { Impute } from '../data/csv.ts';
import type { Dataset } from '../data/dataset.ts';
import { TransferkitError } from '../errors.ts';
import type { ModelInput } from '../models/model-handle.ts';
import { predictDataset } from '../models/predict.ts';
import { auditOutcomes } from './audit-outcomes.ts';
import type { AuditOptions } from './options.ts';
import type { AuditReport } from './report.ts';
import { readAuditData, requireColumns } from './table.ts';

/**
 * Options of {@link auditModel}.
 *
 * @example
 * ```ts
 * const opts: ModelAuditOptions = { model: 'runs/hmda', data: 'builtin:hmda', sensitive: ['afam'], label: 'deny', positive: 'yes', privileged: 'no' };
 * ```
 */
export interface ModelAuditOptions extends AuditOptions {
  /** Run folder, model folder, `model.json`, zoo name, or a trained model in memory (what `fit` returns as `result.model`; left undisposed). */
  model: ModelInput;
  /** Tabular data with true labels: `builtin:NAME`, a CSV file, or a loaded dataset. */
  data: string | Dataset;
  /** Sensitive column(s) of the data; several give intersectional groups (`female & black`). */
  sensitive: string[];
  /** Label column of CSV data (default: the one the model was trained with). */
  label?: string;
  /** Missing CSV feature values: `none` (error), `mean`, `drop` (those rows are left out). */
  impute?: Impute;
}

/**
 * Runs the model on the data and audits its predictions by group (see `AuditReport`); the
 * score of each example is the model's probability of the positive class.
 *
 * Errors: `MISSING_COLUMN` (a sensitive column not in the data: the columns that exist are
 * named), `NO_LABELS` (the data has no true labels), `KIND_MISMATCH` (image or text data), plus
 * those of loading the model and data, predicting, and the audit.
 *
 * @example
 * ```ts
 * const r = await auditModel({ model: 'runs/hmda', data: 'builtin:hmda', sensitive: ['afam'], label: 'deny', positive: 'yes', privileged: 'no', outcome: 'adverse' });
 * r.groups.map((g) => [g.name, g.values.selection_rate]);
 * ```
 */
export async function auditModel(opts: ModelAuditOptions): Promise<AuditReport> {
  if (!opts.sensitive || opts.sensitive.length === 0) {
    throw new TransferkitError('MISSING_OPTION', 'No sensitive column was given', { where: 'sensitive option', hint: 'Name the column(s) holding the group of each example, e.g. `sensitive: ["afam"]`.' });
  }
  const { table, data } = await readAuditData(opts.data, opts.label, opts.impute);
  requireColumns(table, opts.sensitive, 'sensitive column', '`sensitive`');

  const res = await predictDataset({ model: opts.model, data, label: opts.label, impute: opts.impute });
  const labelled = res.predictions.filter((p) => p.actual !== undefined);
  if (labelled.length === 0) {
    throw new TransferkitError('NO_LABELS', `${table.name} has no true labels${opts.label ? ` in column "${opts.label}"` : ''}, and an audit compares predictions with them`, {
      where: table.name,
      hint: `Pass \`label\` with the column that holds the true class (columns: ${table.header.join(', ')}).`,
    });
  }
  // prediction.index is the data row; the table's rows are matched by their source row
  const position = new Map<number, number>((table.rowIds ?? Array.from({ length: table.size }, (_, i) => i)).map((r, k) => [r, k]));
  const sens = opts.sensitive.map((c) => table.column(c));
  const kept = labelled.filter((p) => {
    const k = position.get(p.index);
    return k !== undefined && sens.every((s) => s[k] !== null);
  });
  const excluded = table.size - kept.length;
  const warnings = [...res.warnings];
  if (excluded > 0) warnings.push(`${excluded} row${excluded === 1 ? '' : 's'} left out: no true label, a missing sensitive value, or dropped for missing features.`);
  if (kept.length === 0) {
    throw new TransferkitError('NO_LABELS', `No row of ${table.name} has both a true label and every sensitive value (${opts.sensitive.join(', ')})`, { where: table.name, hint: 'Fill in the missing values.' });
  }
  return auditOutcomes({
    ...opts,
    yTrue: kept.map((p) => p.actual!),
    yPred: kept.map((p) => p.label),
    score: (positive) => {
      const j = res.classes.indexOf(positive);
      return kept.map((p) => (j >= 0 ? p.probabilities[j] : 0));
    },
    sensitive: Object.fromEntries(opts.sensitive.map((c, j) => [c, kept.map((p) => sens[j][position.get(p.index)!]!)])),
    classes: res.classes,
    label: res.labelColumn ?? opts.label,
    excluded,
    warnings,
    source: { model: res.model, data: table.name },
  });
}
