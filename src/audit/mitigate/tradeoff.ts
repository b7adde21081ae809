/**
 * Trade-off curves of one group's scores: every threshold classifier "predict 1 when
 * score > t" is a point (x, y) — (false positive rate, true positive rate) for the ROC curve,
 * or (selection rate, share of true positives) for demographic parity — and a mix of two
 * threshold classifiers, chosen at random per row, reaches every point of the segment between
 * them. So what a randomised threshold can reach is the convex hull of the points; its upper
 * boundary is the best y for each x. (Hardt, Price & Srebro 2016; Fairlearn's
 * `_tradeoff_curve_utilities`.)
 *
 * @module
 */

/**
 * The axes of a curve: `'roc'` is (FPR, TPR); `'selection'` is (P(ŷ = 1), P(ŷ = 1, Y = 1))
 * within the group.
 *
 * @example
 * ```ts
 * const axes: CurveAxes = 'roc';
 * ```
 */
export type CurveAxes = 'roc' | 'selection';

/**
 * The upper convex hull of a group's threshold points, as a concave piecewise-linear function
 * of x: strictly increasing x, with the threshold that reaches each vertex (`+Infinity`
 * selects no row, `-Infinity` every row).
 *
 * @example
 * ```ts
 * const h: Hull = upperHull(scores, labels, 'roc'); // h.x[0] = 0, h.x[h.x.length - 1] = 1
 * ```
 */
export interface Hull {
  x: number[];
  y: number[];
  thresholds: number[];
}

/**
 * A randomised threshold: predict 1 with probability p0·[score > t0] + p1·[score > t1]
 * (p0 + p1 = 1).
 *
 * @example
 * ```ts
 * const m: ThresholdMix = { t0: 0.7, p0: 0.25, t1: 0.4, p1: 0.75 };
 * ```
 */
export interface ThresholdMix {
  t0: number;
  p0: number;
  t1: number;
  p1: number;
}

/**
 * Every threshold point of one group's scores, then their upper convex hull (Andrew's
 * monotone chain). Thresholds lie half-way between consecutive distinct scores.
 *
 * @param labels 0/1 labels of the same rows
 * @example
 * ```ts
 * upperHull([0.9, 0.8, 0.3, 0.1], [1, 0, 1, 0], 'roc'); // x [0, 0.5, 1], y [0.5, 1, 1]
 * ```
 */
export function upperHull(scores: ArrayLike<number>, labels: ArrayLike<number>, axes: CurveAxes): Hull {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i];
  const negatives = n - positives;
  const point = (tp: number, fp: number): [number, number] =>
    axes === 'roc' ? [negatives > 0 ? fp / negatives : 0, positives > 0 ? tp / positives : 0] : [(tp + fp) / n, tp / n];
  const xs: number[] = [];
  const ys: number[] = [];
  const ts: number[] = [];
  const push = (tp: number, fp: number, t: number) => {
    const [x, y] = point(tp, fp);
    xs.push(x);
    ys.push(y);
    ts.push(t);
  };
  push(0, 0, Infinity);
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; ) {
    const s = scores[order[k]];
    while (k < n && scores[order[k]] === s) {
      if (labels[order[k]] === 1) tp++;
      else fp++;
      k++;
    }
    push(tp, fp, k < n ? (s + scores[order[k]]) / 2 : -Infinity);
  }
  // the points come with non-decreasing x and y; keep the upper hull
  const hull: number[] = [];
  for (let j = 0; j < xs.length; j++) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2];
      const b = hull[hull.length - 1];
      if ((ys[b] - ys[a]) * (xs[j] - xs[a]) <= (ys[j] - ys[a]) * (xs[b] - xs[a])) hull.pop();
      else break;
    }
    hull.push(j);
  }
  // a function of x: of vertices sharing an x keep the highest (the last)
  const out: Hull = { x: [], y: [], thresholds: [] };
  for (let k = 0; k < hull.length; k++) {
    const j = hull[k];
    if (k + 1 < hull.length && xs[hull[k + 1]] === xs[j]) continue;
    out.x.push(xs[j]);
    out.y.push(ys[j]);
    out.thresholds.push(ts[j]);
  }
  return out;
}

/**
 * The hull's value at x ∈ [x₀, x_last], and the mix of the two vertex thresholds that reaches it.
 *
 * @example
 * ```ts
 * const { y, mix } = interpolate(hull, 0.3);
 * ```
 */
export function interpolate(h: Hull, x: number): { y: number; mix: ThresholdMix } {
  const last = h.x.length - 1;
  if (x >= h.x[last]) return { y: h.y[last], mix: { t0: h.thresholds[last], p0: 1, t1: h.thresholds[last], p1: 0 } };
  if (x <= h.x[0]) return { y: h.y[0], mix: { t0: h.thresholds[0], p0: 1, t1: h.thresholds[0], p1: 0 } };
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (h.x[mid] <= x) lo = mid;
    else hi = mid;
  }
  const p0 = (h.x[hi] - x) / (h.x[hi] - h.x[lo]);
  const p1 = 1 - p0;
  return { y: p0 * h.y[lo] + p1 * h.y[hi], mix: { t0: h.thresholds[lo], p0, t1: h.thresholds[hi], p1 } };
}

/**
 * Probability of predicting 1 for a score under a {@link ThresholdMix}.
 *
 * @example
 * ```ts
 * positiveProbability({ t0: 0.7, p0: 0.25, t1: 0.4, p1: 0.75 }, 0.5); // 0.75
 * ```
 */
export function positiveProbability(m: ThresholdMix, score: number): number {
  return (score > m.t0 ? m.p0 : 0) + (score > m.t1 ? m.p1 : 0);
}
