import type { Dataset, TabularColumn } from '../../data/dataset.ts';
import { TransferkitError } from '../../errors.ts';
import type { TrainedModel } from '../../models/trained-model.ts';
import { counterfactuals } from '../counterfactual/counterfactuals.ts';
import type { CounterfactualResult, FeatureDomain, FeatureValue, RawRow } from '../counterfactual/types.ts';
import { inputRows, modelProbs } from './model-view.ts';

/** Options of {@link whatIf}. */
export interface WhatIfOptions {
  /** The class the counterfactuals should reach (default: the other class of a binary model, else the runner-up). */
  desired?: string;
  /** Columns that must not change (e.g. age, sex). */
  immutable?: string[];
  /** Allowed values per column: `[min, max]` for numeric, a list of categories otherwise. */
  permittedRanges?: Record<string, readonly [number, number] | readonly string[]>;
  /** Number of counterfactuals (default 3). */
  count?: number;
  seed?: number;
}

/**
 * Counterfactual "what-if" explanations of a tabular model in the user's own columns and units:
 * the smallest, most diverse changes to a row that make the model predict the desired class.
 * Numeric columns may move within the range seen in `reference` (or the permitted range).
 *
 * @example
 * ```ts
 * const res = await whatIf(trained, data, 3, background, { immutable: ['Sex'] });
 * res.counterfactuals[0].changes; // [{ feature: 'Body Mass (g)', from: 3750, to: 4650 }]
 * ```
 */
export async function whatIf(
  trained: TrainedModel,
  data: Dataset,
  row: number,
  reference: Dataset,
  opts: WhatIfOptions = {},
): Promise<CounterfactualResult & { desired: string; predicted: string }> {
  const spec = trained.features;
  if (spec.kind !== 'tabular' || data.features.kind !== 'tabular' || reference.features.kind !== 'tabular') {
    throw new TransferkitError('KIND_MISMATCH', 'Counterfactuals are computed for tabular models', { hint: 'Use a model trained on CSV or tabular built-in data.' });
  }
  const refCols = reference.features.columns;
  const rowCols = data.features.columns;
  const domains: FeatureDomain[] = [
    ...spec.numeric.map((n): FeatureDomain => {
      const values = [...(numericColumn(refCols, n.name)?.values ?? []), ...(numericColumn(rowCols, n.name)?.values.slice(row, row + 1) ?? [])];
      return { name: n.name, kind: 'numeric', min: Math.min(...values), max: Math.max(...values) };
    }),
    ...spec.categorical.map((c): FeatureDomain => ({ name: c.name, kind: 'categorical', categories: c.categories })),
  ];
  const x: FeatureValue[] = domains.map((d) => {
    const col = rowCols.find((c) => c.name === d.name);
    if (!col) throw new TransferkitError('MISSING_COLUMN', `The data has no column "${d.name}", which the model uses`, { where: data.name });
    return col.values[row];
  });

  const k = trained.classes.length;
  const probsOf = (rows: RawRow[]) => modelProbs(trained, inputRows(spec, tabularDataset(rows, domains, data)));
  const current = probsOf([x]);
  const predicted = current.indexOf(Math.max(...current));
  const desired = opts.desired ?? trained.classes[runnerUp(current, predicted, k)];
  const target = trained.classes.indexOf(desired);
  if (target < 0) throw new TransferkitError('UNKNOWN_CLASS', `The model has no class "${desired}"`, { hint: `Classes: ${trained.classes.join(', ')}.` });

  const res = await counterfactuals(
    (rows) => {
      const p = probsOf(rows);
      return rows.map((_, i) => p[i * k + target]);
    },
    x,
    domains,
    { count: opts.count ?? 3, immutable: opts.immutable, permittedRanges: opts.permittedRanges, seed: opts.seed ?? 0 },
  );
  return { ...res, desired, predicted: trained.classes[predicted] };
}

function runnerUp(probs: Float32Array, predicted: number, k: number): number {
  let best = predicted === 0 ? 1 : 0;
  for (let c = 0; c < k; c++) if (c !== predicted && probs[c] > probs[best]) best = c;
  return best;
}

function numericColumn(cols: TabularColumn[], name: string): (TabularColumn & { type: 'numeric' }) | undefined {
  const c = cols.find((col) => col.name === name);
  return c?.type === 'numeric' ? c : undefined;
}

function tabularDataset(rows: RawRow[], domains: FeatureDomain[], like: Dataset): Dataset {
  const columns: TabularColumn[] = domains.map((d, j) =>
    d.kind === 'numeric'
      ? { name: d.name, type: 'numeric', values: Float64Array.from(rows, (r) => Number(r[j])) }
      : { name: d.name, type: 'categorical', values: rows.map((r) => String(r[j])) },
  );
  return { ...like, size: rows.length, features: { kind: 'tabular', columns }, labels: new Int32Array(rows.length).fill(-1) };
}
