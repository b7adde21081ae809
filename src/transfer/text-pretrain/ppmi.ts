/**
 * Positive pointwise mutual information of a word–context count matrix (Church & Hanks 1990;
 * with Levy, Goldberg & Dagan 2015's context-distribution smoothing):
 *
 *   PPMI(w, c) = max(0, log( #(w,c)·D / (#(w) · D·P_α(c)) ) − log k),
 *   P_α(c) = #(c)^α / Σ_c' #(c')^α,
 *
 * with #(w) the row sums, #(c) the column sums and D the total count. α = 1 is plain PPMI;
 * α = 0.75 dampens the inflated PMI of rare contexts; k > 1 shifts (SPPMI).
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import type { Rows } from '../../measures/rows.ts';

/**
 * Options of {@link ppmi}.
 *
 * @example
 * ```ts
 * ppmi(counts, { alpha: 0.75, shift: 1 });
 * ```
 */
export interface PpmiOptions {
  /** Context-distribution smoothing exponent α in (0, 1] (default 0.75; 1: none). */
  alpha?: number;
  /** Shift k ≥ 1: subtract log k before clipping at 0 (default 1: no shift). */
  shift?: number;
}

/**
 * The PPMI matrix of a sparse count matrix, sparse: entries that are not positive are dropped.
 *
 * @throws TransferkitError `BAD_OPTION` for α outside (0, 1] or k < 1; `BAD_INPUT` for an empty matrix.
 * @example
 * ```ts
 * const P = ppmi(cooccurrenceCounts(docs, vocab), { alpha: 1 });
 * ```
 */
export function ppmi(counts: Extract<Rows, { kind: 'sparse' }>, opts: PpmiOptions = {}): Extract<Rows, { kind: 'sparse' }> {
  const alpha = opts.alpha ?? 0.75;
  const shift = opts.shift ?? 1;
  if (!(alpha > 0 && alpha <= 1)) throw new TransferkitError('BAD_OPTION', `alpha must be in (0, 1], got ${alpha}`, { where: 'ppmi', hint: 'Use 0.75 (smoothed) or 1 (plain PPMI).' });
  if (!(shift >= 1)) throw new TransferkitError('BAD_OPTION', `shift must be ≥ 1, got ${shift}`, { where: 'ppmi', hint: 'Use 1 for no shift.' });
  const { n, d, indptr, indices, values } = counts;
  const rowSum = new Float64Array(n);
  const colSum = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      rowSum[i] += values[p];
      colSum[indices[p]] += values[p];
      total += values[p];
    }
  }
  if (!(total > 0)) throw new TransferkitError('BAD_INPUT', 'The co-occurrence matrix is empty: no two vocabulary words occur near each other', { where: 'ppmi', hint: 'Give more text, or a wider window.' });
  let smoothTotal = 0;
  for (let c = 0; c < d; c++) smoothTotal += colSum[c] ** alpha;
  const logShift = Math.log(shift);
  const outPtr = new Int32Array(n + 1);
  const outIdx: number[] = [];
  const outVal: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const c = indices[p];
      const pc = colSum[c] ** alpha / smoothTotal;
      const v = Math.log(values[p] / (rowSum[i] * pc)) - logShift; // log(P(w,c) / (P(w)·P_α(c))) − log k
      if (v > 0) {
        outIdx.push(c);
        outVal.push(v);
      }
    }
    outPtr[i + 1] = outIdx.length;
  }
  return { kind: 'sparse', n, d, indptr: outPtr, indices: Int32Array.from(outIdx), values: Float32Array.from(outVal) };
}
