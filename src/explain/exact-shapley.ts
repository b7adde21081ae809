/**
 * Exact interventional Shapley values by enumerating all 2^M coalitions.
 *
 * φ_i = Σ_{S ⊆ N∖{i}} |S|!(M−|S|−1)!/M! · (v(S ∪ {i}) − v(S)),
 * v(S) = Σ_b w_b f(x_S, b_~S) over the (weighted) background.
 *
 * Cost: (2^M − 2) · (background rows) model evaluations, so M is limited (default 14); use
 * `kernelShap` or `permutationShap` for more features, or group features.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { createCoalitionGame } from './coalition-game.ts';
import type { BackgroundInput, PredictFn, Row, ShapleyOptions, ShapleyResult } from './types.ts';
import { checkInt } from './validate.ts';

/**
 * Default limit on players for {@link exactShapley}.
 *
 * @example
 * ```ts
 * const useExact = nFeatures <= MAX_EXACT_PLAYERS;
 * ```
 */
export const MAX_EXACT_PLAYERS = 14;

/** Hard limit even when `maxPlayers` is raised: 2^20 coalitions. */
const HARD_MAX_PLAYERS = 20;

/**
 * Options for {@link exactShapley}.
 *
 * @example
 * ```ts
 * const opts: ExactShapleyOptions = { groups: [[0, 1, 2], [3], [4]], maxPlayers: 16 };
 * ```
 */
export interface ExactShapleyOptions extends ShapleyOptions {
  /** Refuse more players than this (default {@link MAX_EXACT_PLAYERS}, at most 20). */
  maxPlayers?: number;
}

/**
 * Shapley weight |S|!(M−|S|−1)!/M! for every coalition size |S| = 0..M−1.
 *
 * @example
 * ```ts
 * shapleyWeights(3); // [1/3, 1/6, 1/3]
 * ```
 */
export function shapleyWeights(M: number): Float64Array {
  const w = new Float64Array(Math.max(M, 0));
  // C(M−1, s) built iteratively; w[s] = 1 / (M · C(M−1, s)).
  let c = 1;
  for (let s = 0; s < M; s++) {
    w[s] = 1 / (M * c);
    c = (c * (M - 1 - s)) / (s + 1);
  }
  return w;
}

/**
 * Exact Shapley values from a table of coalition values indexed by bit mask
 * (bit i set ⇔ player i in S), `v.length === 2^M`.
 *
 * @example
 * ```ts
 * // v(∅)=0, v({0})=1, v({1})=2, v({0,1})=4 → φ = [1.5, 2.5]
 * shapleyFromTable(Float64Array.of(0, 1, 2, 4), 2);
 * ```
 */
export function shapleyFromTable(v: Float64Array, M: number): number[] {
  const n = 1 << M;
  if (v.length !== n) {
    throw new TransferkitError('SHAPE_MISMATCH', `value table has ${v.length} entries, expected 2^${M} = ${n}`, { where: 'v' });
  }
  const w = shapleyWeights(M);
  const size = new Uint8Array(n);
  for (let s = 1; s < n; s++) size[s] = size[s >> 1] + (s & 1);
  const phi = new Array<number>(M).fill(0);
  for (let i = 0; i < M; i++) {
    const bit = 1 << i;
    let acc = 0;
    for (let s = 0; s < n; s++) {
      if (s & bit) continue;
      acc += w[size[s]] * (v[s | bit] - v[s]);
    }
    phi[i] = acc;
  }
  return phi;
}

/**
 * Exact interventional Shapley values of `predict` at `x` against `background`.
 *
 * Throws `TOO_MANY_FEATURES` (before calling the model) when there are more than `maxPlayers`
 * players, `SHAPE_MISMATCH` / `NON_FINITE_INPUT` for bad rows.
 *
 * @example
 * ```ts
 * const f: PredictFn = (rows) => rows.map((r) => r[0] * r[1] + r[2]);
 * const res = await exactShapley(f, [1, 2, 3], [[0, 0, 0], [1, 1, 1]]);
 * // res.baseValue + res.values.reduce((a, b) => a + b) === res.output
 * ```
 */
export async function exactShapley(
  predict: PredictFn,
  x: Row,
  background: BackgroundInput,
  opts: ExactShapleyOptions = {},
): Promise<ShapleyResult> {
  const maxPlayers = checkInt(opts.maxPlayers ?? MAX_EXACT_PLAYERS, 'maxPlayers', 1, HARD_MAX_PLAYERS);
  const M0 = opts.groups?.length ?? x?.length ?? 0;
  if (M0 > maxPlayers) {
    throw new TransferkitError(
      'TOO_MANY_FEATURES',
      `exact Shapley needs 2^${M0} coalitions for ${M0} ${opts.groups ? 'groups' : 'features'}; the limit is ${maxPlayers}`,
      {
        where: 'exactShapley',
        hint: 'Use kernelShap (or permutationShap) for many features, or merge features with `groups`.',
      },
    );
  }
  const game = await createCoalitionGame(predict, x, background, opts);
  const M = game.players;
  const n = 1 << M;
  const masks: Uint8Array[] = new Array(n);
  for (let s = 0; s < n; s++) {
    const m = new Uint8Array(M);
    for (let i = 0; i < M; i++) if (s & (1 << i)) m[i] = 1;
    masks[s] = m;
  }
  const v = await game.values(masks);
  return {
    baseValue: game.baseValue,
    values: shapleyFromTable(v, M),
    output: game.output,
    warnings: game.warnings,
    evaluations: game.evaluations,
  };
}
