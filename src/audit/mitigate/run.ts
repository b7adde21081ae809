/**
 * Mitigating a trained transferkit classifier on data: the model scores every example, the
 * groups come from the data's sensitive column (read from the raw data whether or not the model
 * uses it), the rows are split (seeded) into a fitting part and a held-out part, and
 * {@link mitigate} reports before/after on the held-out part.
 *
 * `threshold` post-processes the model's own scores. `reweigh` and `expgrad` retrain: a
 * logistic regression on the model's input features (tabular or text data), compared against
 * the model as it is.
 *
 * @module
 */
import type { Impute } from '../../data/csv.ts';
import type { Dataset } from '../../data/dataset.ts';
import { transformFeatures } from '../../data/features.ts';
import { ensureEngine } from '../../engine/backend.ts';
import { TransferkitError } from '../../errors.ts';
import { checkInputShape } from '../../models/io.ts';
import { openModel, type ModelInput } from '../../models/model-handle.ts';
import { loadDataForPrediction } from '../../models/predict.ts';
import { predictProbs } from '../../models/predict-probs.ts';
import { createRng } from '../../util/random.ts';
import { choosePositive } from '../positive-class.ts';
import { readAuditData, requireColumns } from '../table.ts';
import { mitigate, type MitigationMethod, type MitigationReport, type MitigationRows } from './mitigate.ts';
import type { FairnessConstraint, ThresholdObjective } from './threshold.ts';

/**
 * Options of {@link mitigateModel}.
 *
 * @example
 * ```ts
 * const o: ModelMitigationOptions = { model: 'runs/hmda', data: 'builtin:hmda', sensitive: 'afam', method: 'threshold' };
 * ```
 */
export interface ModelMitigationOptions {
  /** Run folder, model folder, `model.json`, zoo name, or a trained model in memory (left undisposed). */
  model: ModelInput;
  /** Labelled data: `builtin:NAME`, a CSV file, or a loaded dataset. */
  data: string | Dataset;
  /** The sensitive column of the data. */
  sensitive: string;
  method: MitigationMethod;
  /** Default `'demographic_parity'`. */
  constraint?: FairnessConstraint;
  /** `threshold`: what to maximise (default `'accuracy'`). */
  objective?: ThresholdObjective;
  /** `expgrad`: largest allowed gap between two groups (default 0.01). */
  eps?: number;
  /** Label column of CSV data (default: the one the model was trained with). */
  label?: string;
  /** The positive class (default as the audit: `1`/`yes`/`true`, else the second of two classes). */
  positive?: string;
  /** Missing CSV feature values: `none` (error), `mean`, `drop`. */
  impute?: Impute;
  /** Share of rows held out for the report (default 0.3). */
  testFraction?: number;
  /** Seed of the split and of the drawn predictions (default 1). */
  seed?: number;
}

/**
 * A {@link MitigationReport} with what it was computed on.
 *
 * @example
 * ```ts
 * const r: ModelMitigationReport = await mitigateModel({ model: 'runs/hmda', data: 'builtin:hmda', sensitive: 'afam', method: 'threshold' });
 * ```
 */
export interface ModelMitigationReport extends MitigationReport {
  model: string;
  data: string;
  sensitive: string;
  positive: string;
  /** Rows left out: no true label, or no sensitive value. */
  excluded: number;
  seed: number;
}

/**
 * Runs the model on the data and mitigates it (see {@link mitigate}); the report is on the
 * held-out `testFraction` of the labelled rows.
 *
 * Errors: `MISSING_COLUMN` (no such sensitive column; the columns are named), `NO_LABELS`,
 * `KIND_MISMATCH` (`reweigh`/`expgrad` on image data), `BAD_OPTION`, plus those of loading the
 * model and data, predicting and {@link mitigate}.
 *
 * @example
 * ```ts
 * const r = await mitigateModel({ model: 'runs/hmda', data: 'builtin:hmda', sensitive: 'afam', method: 'threshold', constraint: 'demographic_parity' });
 * console.log(r.before.demographicParityDifference, '→', r.after.demographicParityDifference, 'accuracy cost', r.accuracyCost);
 * ```
 */
export async function mitigateModel(opts: ModelMitigationOptions): Promise<ModelMitigationReport> {
  const where = 'mitigate model';
  const testFraction = opts.testFraction ?? 0.3;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new TransferkitError('BAD_OPTION', `testFraction must be in (0, 1), got ${testFraction}`, { where, hint: 'Use e.g. 0.3: 30% of the rows are held out for the report.' });
  }
  if (!opts.sensitive) throw new TransferkitError('MISSING_OPTION', 'No sensitive column was given', { where, hint: 'Name the column holding the group of each example, e.g. sensitive: "afam".' });
  const seed = opts.seed ?? 1;

  const { table, data } = await readAuditData(opts.data, opts.label, opts.impute);
  requireColumns(table, [opts.sensitive], 'sensitive column', '`sensitive`');
  const sens = table.column(opts.sensitive);
  const position = new Map<number, number>((table.rowIds ?? Array.from({ length: table.size }, (_, i) => i)).map((r, k) => [r, k]));

  await ensureEngine();
  const { trained, release } = await openModel(opts.model);
  try {
    if (opts.method !== 'threshold' && trained.features.kind === 'image') {
      throw new TransferkitError('KIND_MISMATCH', `Method "${opts.method}" retrains a logistic regression on the model's inputs, which for images are raw pixels`, {
        where,
        hint: 'Use method "threshold", which post-processes the model\'s own scores.',
      });
    }
    const input = await loadDataForPrediction(trained, data, { label: opts.label, impute: opts.impute, autoId: false });
    const { ds } = input;
    const fm = transformFeatures(trained.features, ds);
    checkInputShape(trained.model, fm.shape.slice(1), ds.name);
    const probs = predictProbs(trained.model, fm);
    const k = trained.classes.length;
    const { positive } = choosePositive(trained.classes, opts.positive);
    const j = trained.classes.indexOf(positive);
    const d = ds.size > 0 ? fm.x.length / ds.size : 0;

    const kept: number[] = [];
    const groups: string[] = [];
    for (let i = 0; i < ds.size; i++) {
      const at = position.get(input.rows[i]);
      const g = at === undefined ? null : sens[at];
      if (ds.labels[i] < 0 || g === null) continue;
      kept.push(i);
      groups.push(g);
    }
    if (kept.length === 0) {
      throw new TransferkitError('NO_LABELS', `No row of ${table.name} has both a true label and a value of "${opts.sensitive}"`, {
        where: table.name,
        hint: `Pass \`label\` with the column that holds the true class (columns: ${table.header.join(', ')}).`,
      });
    }
    const order = createRng(`mitigate-split:${seed}`).shuffle(Array.from({ length: kept.length }, (_, r) => r));
    const cut = Math.round((1 - testFraction) * kept.length);
    const rowsOf = (part: number[]): MitigationRows => {
      const n = part.length;
      const X = new Float64Array(n * d);
      const y: number[] = [];
      const scores: number[] = [];
      const g: string[] = [];
      part.forEach((r, q) => {
        const i = kept[r];
        for (let c = 0; c < d; c++) X[q * d + c] = fm.x[i * d + c];
        y.push(ds.classes[ds.labels[i]] === positive ? 1 : 0);
        scores.push(probs[i * k + j]);
        g.push(groups[r]);
      });
      return { X: { rows: n, cols: d, data: X }, y, scores, groups: g };
    };
    const report = mitigate({
      method: opts.method,
      constraint: opts.constraint,
      objective: opts.objective,
      eps: opts.eps,
      seed,
      train: rowsOf(order.slice(0, cut)),
      test: rowsOf(order.slice(cut)),
    });
    return {
      ...report,
      model: typeof opts.model === 'string' ? opts.model : trained.dir,
      data: ds.name,
      sensitive: opts.sensitive,
      positive,
      excluded: table.size - kept.length,
      seed,
    };
  } finally {
    release();
  }
}
