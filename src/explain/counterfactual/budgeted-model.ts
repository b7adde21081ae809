/**
 * A counterfactual model wrapped with an evaluation budget, a cache and output checks.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import type { CounterfactualPredictFn, RawRow } from './types.ts';

/**
 * A budgeted, caching view of a {@link CounterfactualPredictFn}.
 *
 * @example
 * ```ts
 * const model = createBudgetedModel(predict, 1000, 256);
 * const [p] = await model.evaluate([x]);
 * model.used; // 1
 * ```
 */
export interface BudgetedModel {
  /**
   * Probabilities for `rows`; rows seen before come from the cache (free). When the budget runs
   * out, the rows it cannot pay for get NaN.
   */
  evaluate(rows: readonly RawRow[]): Promise<number[]>;
  /** Rows passed to the model so far. */
  readonly used: number;
  /** Rows the model may still be given. */
  readonly remaining: number;
}

/**
 * A stable key for a row (numbers and strings kept apart).
 *
 * @example
 * ```ts
 * rowKey([1, '1']); // '[1,"1"]'
 * ```
 */
export function rowKey(row: readonly (number | string)[]): string {
  return JSON.stringify(row);
}

/**
 * Wraps `predict` so that at most `maxEvaluations` rows are ever passed to it, in calls of at
 * most `batchSize` rows, each row at most once. Throws `BAD_MODEL_OUTPUT` on a wrong number of
 * outputs or a non-finite output.
 *
 * @example
 * ```ts
 * const model = createBudgetedModel((rows) => rows.map(() => 0.5), 10, 4);
 * await model.evaluate([[1, 'a'], [1, 'a']]); // [0.5, 0.5], one evaluation used
 * ```
 */
export function createBudgetedModel(predict: CounterfactualPredictFn, maxEvaluations: number, batchSize: number): BudgetedModel {
  const cache = new Map<string, number>();
  let used = 0;
  const call = async (rows: RawRow[]): Promise<void> => {
    const out = await predict(rows.map((r) => [...r]));
    if (out === null || typeof out !== 'object' || typeof out.length !== 'number' || out.length !== rows.length) {
      throw new TransferkitError('BAD_MODEL_OUTPUT', `predict returned ${out?.length ?? typeof out} outputs for ${rows.length} rows`, {
        where: 'counterfactuals predict',
        hint: 'Return one probability (of the desired class) per row.',
      });
    }
    for (let i = 0; i < rows.length; i++) {
      const v = out[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new TransferkitError('BAD_MODEL_OUTPUT', `predict returned ${String(v)} for row ${JSON.stringify(rows[i])}`, {
          where: 'counterfactuals predict',
          hint: 'The probability must be a finite number; check how raw rows are mapped to model input.',
        });
      }
      cache.set(rowKey(rows[i]), v);
    }
    used += rows.length;
  };
  return {
    async evaluate(rows) {
      const todo: RawRow[] = [];
      const seen = new Set<string>();
      for (const r of rows) {
        const key = rowKey(r);
        if (cache.has(key) || seen.has(key) || todo.length >= maxEvaluations - used) continue;
        seen.add(key);
        todo.push(r);
      }
      for (let i = 0; i < todo.length; i += batchSize) await call(todo.slice(i, i + batchSize));
      return rows.map((r) => cache.get(rowKey(r)) ?? NaN);
    },
    get used() {
      return used;
    },
    get remaining() {
      return maxEvaluations - used;
    },
  };
}
