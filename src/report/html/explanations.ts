/**
 * Explanations for the report (tabular models, when data is given): the Shapley values of a few
 * rows (`explain`'s `shap`), the permutation importance on labelled data, and how good those
 * Shapley values are by the checks of `src/explain/quality.ts` — infidelity (Yeh et al. 2019),
 * max-sensitivity (Yeh et al. 2019) and the deletion / insertion curves (Petsiuk et al. 2018),
 * measured in the model's input space (standardised columns; 0 is the training mean).
 *
 * @module
 */
import { capRows, subset, type Dataset } from '../../data/dataset.ts';
import { ensureEngine } from '../../engine/backend.ts';
import { TransferkitError } from '../../errors.ts';
import { exactShapley, MAX_EXACT_PLAYERS } from '../../explain/exact-shapley.ts';
import { explain } from '../../explain/model/explain.ts';
import type { PermutationExplanation, ShapleyExplanation } from '../../explain/model/explanation.ts';
import { classPredictFn, inputRows, withOnnxProbs } from '../../explain/model/model-view.ts';
import { deletionInsertion, infidelity, sensitivityMax } from '../../explain/quality.ts';
import { loadDataForPrediction } from '../../models/predict.ts';
import { loadTrainedModel } from '../../models/trained-model.ts';

/** Most local rows a report explains. */
export const MAX_LOCAL_ROWS = 10;
/** Rows whose Shapley values make the summary (beeswarm): spread evenly over the data. */
export const SUMMARY_ROWS = 100;
/** Background rows of the Shapley values (a seeded sample of the data). */
export const REPORT_BACKGROUND_ROWS = 50;
/** Most rows permutation importance is measured on (a seeded sample). */
export const PERMUTATION_ROWS = 2000;
/** Perturbed explanations per row for max-sensitivity. */
const SENSITIVITY_SAMPLES = 8;

/**
 * The quality checks of one row's Shapley values.
 *
 * @example
 * ```ts
 * const q: QualityRow = { row: 0, class: 'setosa', infidelity: 0.0004, sensitivity: 0.08, deletionAuc: 0.4, insertionAuc: 0.8, fractions: [0, 1], deletion: [1, 0.3], insertion: [0.3, 1] };
 * ```
 */
export interface QualityRow {
  row: number;
  class: string;
  /** Infidelity with the least-squares rescaling (Captum `normalize=True`); 0 is perfect. */
  infidelity: number;
  /** Max-sensitivity: largest relative change of the values for inputs within ±0.02 (lower is steadier). */
  sensitivity: number;
  /** Area under the deletion curve (lower is better). */
  deletionAuc: number;
  /** Area under the insertion curve (higher is better). */
  insertionAuc: number;
  fractions: number[];
  deletion: number[];
  insertion: number[];
}

/**
 * What the report shows of a model's explanations.
 *
 * @example
 * ```ts
 * const e: ExplanationData = await gatherExplanations('runs/iris', 'builtin:iris');
 * ```
 */
export interface ExplanationData {
  /** The data explained (its name). */
  data: string;
  /** Shapley values of up to {@link SUMMARY_ROWS} rows spread over the data (the summary). */
  summary: ShapleyExplanation;
  /** The rows of `summary` shown one by one. */
  local: ShapleyExplanation;
  /** Permutation importance; absent when the data has no labels. */
  global?: PermutationExplanation;
  quality: QualityRow[];
  /** Why the quality checks were not run, when they were not. */
  qualityNote?: string;
  notes: string[];
}

/**
 * Options of {@link gatherExplanations}.
 *
 * @example
 * ```ts
 * const opts: ExplanationOptions = { rows: 3, seed: 0 };
 * ```
 */
export interface ExplanationOptions {
  /** Local rows explained, spread evenly over the data (default 3, at most {@link MAX_LOCAL_ROWS}). */
  rows?: number;
  seed?: number;
  /** Label column of CSV data. */
  label?: string;
}

/**
 * Explains the run's model on `data` for the report: Shapley values of up to
 * {@link SUMMARY_ROWS} rows (a few of them shown one by one), permutation
 * importance when the data is labelled, and the quality checks of those Shapley values (numeric
 * columns only: the checks perturb the model's inputs one value at a time).
 *
 * @throws TransferkitError `KIND_MISMATCH` for a model that does not take tabular data;
 *   `BAD_OPTION` for a row count outside 1…{@link MAX_LOCAL_ROWS}; the data and model loaders' errors.
 * @example
 * ```ts
 * const { local, global, quality } = await gatherExplanations('runs/iris', 'builtin:iris', { rows: 3 });
 * ```
 */
export async function gatherExplanations(runDir: string, data: string | Dataset, opts: ExplanationOptions = {}): Promise<ExplanationData> {
  const count = opts.rows ?? 3;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_LOCAL_ROWS)) {
    throw new TransferkitError('BAD_OPTION', `rows must be a whole number from 1 to ${MAX_LOCAL_ROWS}, got ${String(count)}`, { where: 'rows', hint: `Explain at most ${MAX_LOCAL_ROWS} rows in a report; use \`transferkit explain\` for more.` });
  }
  const seed = opts.seed ?? 0;
  await ensureEngine();
  const trained = await loadTrainedModel(runDir);
  try {
    const spec = trained.features;
    if (spec.kind !== 'tabular') {
      throw new TransferkitError('KIND_MISMATCH', `The report explains tabular models; this model takes ${spec.kind} data`, {
        where: runDir,
        hint: 'Leave out the data option, and explain the model with `transferkit explain`.',
      });
    }
    const { ds } = await loadDataForPrediction(trained, data, { label: opts.label, autoId: false });
    const spread = (n: number, of: number) => Array.from({ length: Math.min(n, of) }, (_, i) => Math.floor((i * of) / Math.min(n, of)));
    const background = capRows(ds, REPORT_BACKGROUND_ROWS, seed);
    const summary = (await explain({ model: trained, data: ds, method: 'shap', rows: spread(SUMMARY_ROWS, ds.size), background, seed })) as ShapleyExplanation;
    const local: ShapleyExplanation = { ...summary, rows: spread(count, summary.rows.length).map((i) => summary.rows[i]), explained: Math.min(count, summary.rows.length) };
    const labelled = ds.labels.some((l) => l >= 0);
    const global = labelled ? ((await explain({ model: trained, data: capRows(ds, PERMUTATION_ROWS, seed), method: 'permutation', seed })) as PermutationExplanation) : undefined;
    const notes = [`Shapley values (${summary.method}) of ${summary.rows.length} of the ${ds.size} rows of ${ds.name}, spread evenly, against a background of ${background.size} of its rows (a seeded sample)`];
    if (!labelled) notes.push('no permutation importance: the data has no labels');
    let quality: QualityRow[] = [];
    let qualityNote: string | undefined;
    if (spec.categorical.length > 0) qualityNote = 'not measured: the model has categorical columns, and the checks perturb numeric inputs';
    else if (spec.numeric.length > MAX_EXACT_PLAYERS) qualityNote = `not measured: ${spec.numeric.length} columns are more than the ${MAX_EXACT_PLAYERS} that exact Shapley values (re-computed for max-sensitivity) allow`;
    else quality = await withOnnxProbs(trained, () => qualityOf(trained, ds, background, local, seed));
    return { data: ds.name, summary, local, global, quality, qualityNote, notes };
  } finally {
    trained.model.dispose();
  }
}

/** The three quality checks of each local row's Shapley values, in the model's input space. */
async function qualityOf(trained: Awaited<ReturnType<typeof loadTrainedModel>>, ds: Dataset, background: Dataset, local: ShapleyExplanation, seed: number): Promise<QualityRow[]> {
  const x = inputRows(trained.features, subset(ds, local.rows.map((r) => r.row)));
  const bg = inputRows(trained.features, background);
  const out: QualityRow[] = [];
  for (let i = 0; i < local.rows.length; i++) {
    const r = local.rows[i];
    const predict = classPredictFn(trained, trained.classes.indexOf(r.class), 'identity');
    const flat = predict.flat!;
    const batch = (b: Float32Array, m: number) => flat(Float64Array.from(b), m);
    const inf = await infidelity(batch, x[i], r.values, { normalize: true, seed });
    const sens = await sensitivityMax(async (xp) => (await exactShapley(predict, xp, bg)).values, x[i], { samples: SENSITIVITY_SAMPLES, seed });
    const di = await deletionInsertion(batch, x[i], r.values, { baseline: 0 });
    out.push({ row: r.row, class: r.class, infidelity: inf, sensitivity: sens, deletionAuc: di.deletionAuc, insertionAuc: di.insertionAuc, fractions: di.fractions, deletion: di.deletion, insertion: di.insertion });
  }
  return out;
}
