/**
 * Permutation (sampling) Shapley values with antithetic permutations.
 *
 * For each random player order π, marginal contributions are collected walking π forwards and
 * backwards (its reverse) and averaged. Every permutation's contributions sum to f(x) − E f, so
 * efficiency holds exactly; and for games with interactions of order ≤ 2 (e.g. a model with only
 * pairwise interaction terms), each forward/reverse pair already gives the exact Shapley values.
 *
 * @module
 */
import { createRng } from '../util/random.ts';
import { createCoalitionGame } from './coalition-game.ts';
import type { BackgroundInput, PredictFn, Row, ShapleyOptions, ShapleyResult } from './types.ts';
import { checkInt } from './validate.ts';

/**
 * Options for {@link permutationShap}.
 *
 * @example
 * ```ts
 * const opts: PermutationShapOptions = { npermutations: 25, seed: 3 };
 * ```
 */
export interface PermutationShapOptions extends ShapleyOptions {
  /** Random permutations, each also walked in reverse (default 10 → 20 orders). */
  npermutations?: number;
  /** Seed for the permutations (default 0). */
  seed?: number | string;
}

/**
 * Permutation-sampling Shapley values of `predict` at `x`. `stderr` holds the standard error of
 * each value over the antithetic pairs (0 when only one pair was drawn).
 *
 * Cost: npermutations · 2(M−1) coalitions, each evaluated on every background row.
 *
 * @example
 * ```ts
 * const f: PredictFn = (rows) => rows.map((r) => r[0] * r[1] + Math.sin(r[2]));
 * const r = await permutationShap(f, [1, 2, 3], [[0, 0, 0]], { npermutations: 20, seed: 1 });
 * ```
 */
export async function permutationShap(
  predict: PredictFn,
  x: Row,
  background: BackgroundInput,
  opts: PermutationShapOptions = {},
): Promise<ShapleyResult> {
  const nperm = checkInt(opts.npermutations ?? 10, 'npermutations', 1);
  const game = await createCoalitionGame(predict, x, background, opts);
  const M = game.players;
  const rng = createRng(opts.seed ?? 0);
  const orders: number[][] = [];
  const masks: Uint8Array[] = [];
  for (let p = 0; p < nperm; p++) {
    const order = rng.shuffle(Array.from({ length: M }, (_, i) => i));
    orders.push(order);
    // Forward prefixes of sizes 1..M−1, then reverse prefixes of sizes 1..M−1.
    for (const seq of [order, [...order].reverse()]) {
      const m = new Uint8Array(M);
      for (let k = 0; k < M - 1; k++) {
        m[seq[k]] = 1;
        masks.push(Uint8Array.from(m));
      }
    }
  }
  const v = await game.values(masks);
  const perPair = orders.map(() => new Float64Array(M));
  let at = 0;
  orders.forEach((order, p) => {
    for (const seq of [order, [...order].reverse()]) {
      let prev = game.baseValue;
      for (let k = 0; k < M; k++) {
        const cur = k === M - 1 ? game.output : v[at++];
        perPair[p][seq[k]] += (cur - prev) / 2;
        prev = cur;
      }
    }
  });
  const values = new Array<number>(M).fill(0);
  const stderr = new Array<number>(M).fill(0);
  for (let i = 0; i < M; i++) {
    let mean = 0;
    for (const e of perPair) mean += e[i];
    mean /= nperm;
    values[i] = mean;
    if (nperm > 1) {
      let ss = 0;
      for (const e of perPair) ss += (e[i] - mean) ** 2;
      stderr[i] = Math.sqrt(ss / (nperm - 1) / nperm);
    }
  }
  return {
    baseValue: game.baseValue,
    values,
    output: game.output,
    warnings: game.warnings,
    evaluations: game.evaluations,
    stderr,
  };
}
