/**
 * The interventional coalition game behind every Shapley estimator here:
 * v(S) = Σ_b w_b · f(x_S, b_~S), where players are features (or feature groups), x_S keeps the
 * explained row's values for the players in S and b_~S takes the rest from background row b.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { resolveBackground, type ResolvedBackground } from './background.ts';
import { callModelFlat } from './model-call.ts';
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
  /** Rows sent to the model so far (for a model declared linear, the rows its closed form stands for). */
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
  const output = (await callModelFlat(predict, Float64Array.from(xr), 1, d, 'predict'))[0];
  // The background packed row-major: copied whole into each coalition's block of the batch.
  const bgFlat = new Float64Array(nb * d);
  for (let b = 0; b < nb; b++) bgFlat.set(bg.rows[b], b * d);
  const bgOut = await callModelFlat(predict, Float64Array.from(bgFlat), nb, d, 'predict');
  evaluations += 1 + nb;
  let baseValue = 0;
  for (let b = 0; b < nb; b++) baseValue += bg.weights[b] * bgOut[b];

  const varying = groups.map((g) => bg.rows.some((r, b) => bg.weights[b] > 0 && g.some((j) => r[j] !== xr[j])));

  // One reused batch (whole coalitions of `nb` rows each, at most `batchSize` rows per model call
  // unless one coalition is longer), its row views for models without a flat fast path, and the
  // model's outputs.
  const coalitionsPerBatch = Math.max(1, Math.floor(batchSize / nb));
  const rowsPerBatch = coalitionsPerBatch * nb;
  let buffer: Float64Array | undefined;
  let views: Float64Array[] | undefined;
  let out: Float64Array | undefined;
  const M = groups.length;
  const groupStart = new Int32Array(M + 1);
  for (let p = 0; p < M; p++) groupStart[p + 1] = groupStart[p] + groups[p].length;
  const groupFlat = Int32Array.from(groups.flat());

  // A model declared linear: v(S) = c0 + Σ_{p∈S} δ_p in closed form, with μ the weighted
  // background mean, c0 = bias·Σw + w·μ and δ_p = Σ_{j∈p} w_j (x_j·Σw − μ_j).
  const linear = predict.linear !== undefined && predict.linear.weights.length === d ? predict.linear : undefined;
  let linearDelta: Float64Array | undefined;
  let linearC0 = 0;
  if (linear !== undefined) {
    let wsum = 0;
    const mu = new Float64Array(d);
    for (let b = 0; b < nb; b++) {
      const wb = bg.weights[b];
      wsum += wb;
      for (let j = 0, off = b * d; j < d; j++) mu[j] += wb * bgFlat[off + j];
    }
    linearC0 = linear.bias * wsum;
    for (let j = 0; j < d; j++) linearC0 += linear.weights[j] * mu[j];
    linearDelta = new Float64Array(M);
    for (let p = 0; p < M; p++) for (const j of groups[p]) linearDelta[p] += linear.weights[j] * (xr[j] * wsum - mu[j]);
  }

  async function values(masks: readonly Uint8Array[]): Promise<Float64Array> {
    const result = new Float64Array(masks.length);
    if (linearDelta !== undefined) {
      for (let i = 0; i < masks.length; i++) {
        const mask = masks[i];
        if (mask.length !== M) {
          throw new TransferkitError('SHAPE_MISMATCH', `coalition mask has ${mask.length} entries for ${M} players`, { where: 'mask' });
        }
        let count = 0;
        let v = linearC0;
        for (let p = 0; p < M; p++) {
          if (mask[p]) {
            count++;
            v += linearDelta[p];
          }
        }
        result[i] = count === 0 ? baseValue : count === M ? output : v;
        if (count !== 0 && count !== M) evaluations += nb;
      }
      return result;
    }
    // Masks that need the model; full/empty masks are known without it.
    const pending = new Int32Array(masks.length);
    let npending = 0;
    for (let i = 0; i < masks.length; i++) {
      const mask = masks[i];
      if (mask.length !== M) {
        throw new TransferkitError('SHAPE_MISMATCH', `coalition mask has ${mask.length} entries for ${M} players`, { where: 'mask' });
      }
      let count = 0;
      for (let p = 0; p < M; p++) if (mask[p]) count++;
      if (count === 0) result[i] = baseValue;
      else if (count === M) result[i] = output;
      else pending[npending++] = i;
    }
    if (npending === 0) return result;
    const need = Math.min(rowsPerBatch, npending * nb);
    if (buffer === undefined || buffer.length < need * d) {
      const fresh = new Float64Array(need * d);
      buffer = fresh;
      out = new Float64Array(need);
      if (predict.flat === undefined) views = Array.from({ length: need }, (_, r) => fresh.subarray(r * d, (r + 1) * d));
    }
    const buf = buffer;
    const outBuf = out!;
    const on = new Int32Array(d);
    const xon = new Float64Array(d);
    for (let first = 0; first < npending; first += coalitionsPerBatch) {
      const nc = Math.min(coalitionsPerBatch, npending - first);
      for (let c = 0; c < nc; c++) {
        // The features x contributes to this coalition.
        const mask = masks[pending[first + c]];
        let non = 0;
        for (let p = 0; p < M; p++) {
          if (mask[p]) {
            for (let t = groupStart[p]; t < groupStart[p + 1]; t++) {
              on[non] = groupFlat[t];
              xon[non++] = xr[groupFlat[t]];
            }
          }
        }
        const block = c * nb * d;
        buf.set(bgFlat, block);
        for (let b = 0, off = block; b < nb; b++, off += d) {
          for (let t = 0; t < non; t++) buf[off + on[t]] = xon[t];
        }
      }
      const rows = nc * nb;
      if (rows <= batchSize) await callModelFlat(predict, buf, rows, d, 'predict', outBuf, 0, views);
      else {
        // A coalition's block is longer than batchSize (a background of more than batchSize rows).
        for (let r0 = 0; r0 < rows; r0 += batchSize) {
          const count = Math.min(batchSize, rows - r0);
          await callModelFlat(predict, buf.subarray(r0 * d, (r0 + count) * d), count, d, 'predict', outBuf, r0, views?.slice(r0, r0 + count));
        }
      }
      evaluations += rows;
      for (let c = 0; c < nc; c++) {
        const at = pending[first + c];
        let v = 0;
        for (let b = 0, r = c * nb; b < nb; b++, r++) v += bg.weights[b] * outBuf[r];
        result[at] = v;
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
