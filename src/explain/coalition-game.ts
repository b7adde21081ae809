/**
 * The interventional coalition game behind every Shapley estimator here:
 * v(S) = Σ_b w_b · f(x_S, b_~S), where players are features (or feature groups), x_S keeps the
 * explained row's values for the players in S and b_~S takes the rest from background row b.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { resolveBackground, type ResolvedBackground } from './background.ts';
import { callModel } from './model-call.ts';
import type { BackgroundInput, PredictFn, Row, ShapleyOptions } from './types.ts';
import { checkInt, resolveGroups, toFiniteRow } from './validate.ts';

/**
 * A ready-to-query coalition game for one explained row.
 *
 * @example
 * ```ts
 * const game = await createCoalitionGame(predict, x, background);
 * const [vEmpty, vFirst] = await game.values([new Uint8Array(game.players), Uint8Array.of(1, 0, 0)]);
 * ```
 */
export interface CoalitionGame {
  /** Number of players M (features, or groups when given). */
  readonly players: number;
  /** Feature indices of each player. */
  readonly groups: number[][];
  /** The explained row. */
  readonly x: Float64Array;
  /** The validated, normalised background. */
  readonly background: ResolvedBackground;
  /** v(all players) = f(x). */
  readonly output: number;
  /** v(no players) = E_b f(b). */
  readonly baseValue: number;
  /** Per player: false when x equals every (weighted) background row on its features, so φ = 0. */
  readonly varying: boolean[];
  /** Warnings collected while setting up (e.g. a large background). */
  readonly warnings: string[];
  /** Rows sent to the model so far. */
  readonly evaluations: number;
  /** v(S) for each 0/1 player mask (length M), batching the model calls. */
  values(masks: readonly Uint8Array[]): Promise<Float64Array>;
}

/**
 * Validates the inputs and evaluates f(x) and the base value.
 *
 * Throws `SHAPE_MISMATCH` when `x` and the background differ in width, `NON_FINITE_INPUT` on
 * NaN/±Infinity, `BAD_GROUPS` for groups that do not partition the features.
 *
 * @example
 * ```ts
 * const game = await createCoalitionGame(predict, [1, 2, 3], [[0, 0, 0]], { groups: [[0, 1], [2]] });
 * game.players; // 2
 * ```
 */
export async function createCoalitionGame(
  predict: PredictFn,
  x: Row,
  background: BackgroundInput,
  opts: ShapleyOptions = {},
): Promise<CoalitionGame> {
  if (typeof predict !== 'function') {
    throw new TransferkitError('BAD_INPUT', 'predict must be a function (rows) => number[]', { where: 'predict' });
  }
  const bg = resolveBackground(background);
  const d = bg.rows[0].length;
  const xr = toFiniteRow(x, 'x', d);
  const groups = resolveGroups(opts.groups, d);
  const batchSize = checkInt(opts.batchSize ?? 4096, 'batchSize', 1);
  const nb = bg.rows.length;
  const warnings = bg.warning === undefined ? [] : [bg.warning];

  let evaluations = 0;
  const output = (await callModel(predict, [Float64Array.from(xr)], 'predict'))[0];
  const bgOut = await callModel(
    predict,
    bg.rows.map((r) => Float64Array.from(r)),
    'predict',
  );
  evaluations += 1 + nb;
  let baseValue = 0;
  for (let b = 0; b < nb; b++) baseValue += bg.weights[b] * bgOut[b];

  const varying = groups.map((g) => bg.rows.some((r, b) => bg.weights[b] > 0 && g.some((j) => r[j] !== xr[j])));

  // Reused batch buffer: `batchSize` row views over one allocation.
  const rowsPerBatch = batchSize;
  let buffer: Float64Array | undefined;
  let views: Float64Array[] = [];

  async function values(masks: readonly Uint8Array[]): Promise<Float64Array> {
    const M = groups.length;
    const result = new Float64Array(masks.length);
    // Feature indices taken from x, per mask; full/empty masks are known without the model.
    const pending: { index: number; on: Int32Array }[] = [];
    masks.forEach((mask, i) => {
      if (mask.length !== M) {
        throw new TransferkitError('SHAPE_MISMATCH', `coalition mask has ${mask.length} entries for ${M} players`, { where: 'mask' });
      }
      let count = 0;
      for (let p = 0; p < M; p++) if (mask[p]) count++;
      if (count === 0) result[i] = baseValue;
      else if (count === M) result[i] = output;
      else {
        const on: number[] = [];
        for (let p = 0; p < M; p++) if (mask[p]) for (const j of groups[p]) on.push(j);
        pending.push({ index: i, on: Int32Array.from(on) });
      }
    });
    if (pending.length === 0) return result;
    if (buffer === undefined) {
      buffer = new Float64Array(rowsPerBatch * d);
      const buf = buffer;
      views = Array.from({ length: rowsPerBatch }, (_, r) => buf.subarray(r * d, (r + 1) * d));
    }
    const totalRows = pending.length * nb;
    for (let start = 0; start < totalRows; start += rowsPerBatch) {
      const count = Math.min(rowsPerBatch, totalRows - start);
      for (let r = 0; r < count; r++) {
        const g = start + r;
        const c = Math.floor(g / nb);
        const row = views[r];
        row.set(bg.rows[g - c * nb]);
        const on = pending[c].on;
        for (let t = 0; t < on.length; t++) row[on[t]] = xr[on[t]];
      }
      const out = await callModel(predict, views.slice(0, count), 'predict');
      evaluations += count;
      for (let r = 0; r < count; r++) {
        const g = start + r;
        const c = Math.floor(g / nb);
        result[pending[c].index] += bg.weights[g - c * nb] * out[r];
      }
    }
    return result;
  }

  return {
    players: groups.length,
    groups,
    x: xr,
    background: bg,
    output,
    baseValue,
    varying,
    warnings,
    get evaluations() {
      return evaluations;
    },
    values,
  };
}
