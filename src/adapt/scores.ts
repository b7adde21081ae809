/**
 * The numbers `adapt` reports for every method, shallow or deep: scores on labelled target
 * data and divergence measures between source and target rows in some feature space.
 *
 * @module
 */
import { classificationMetrics } from '../measures/metrics.ts';
import { coralDistance } from '../measures/coral.ts';
import { mmd } from '../measures/mmd.ts';
import { proxyADistance } from '../measures/proxy-a-distance.ts';

/**
 * Accuracy, macro F1, ROC AUC and log loss on labelled target data.
 *
 * @example
 * ```ts
 * const s: ScoreSummary = { accuracy: 0.98, macroF1: 0.98, rocAuc: 0.998, logLoss: 0.07, n: 1398, confusionMatrix: [[690, 9], [12, 687]] };
 * ```
 */
export interface ScoreSummary {
  accuracy: number;
  macroF1: number;
  rocAuc: number | null;
  logLoss: number;
  n: number;
  confusionMatrix: number[][];
}

/**
 * Divergence between source and target rows in one feature space: for shallow methods the
 * standardised view, before adaptation and as the final classifier's training data sees it;
 * for deep methods the learned features of the source-only (ERM) network and of the adapted
 * network.
 *
 * @example
 * ```ts
 * const d: DomainMeasures = { pad: 1.3, mmd2: 0.004, coralDistance: 0.002 };
 * ```
 */
export interface DomainMeasures {
  /** Proxy A-distance: how well a linear domain classifier still tells the domains apart (0 … 2). */
  pad: number;
  mmd2: number;
  coralDistance: number;
}

/**
 * Summarises class probabilities against labels.
 *
 * @example
 * ```ts
 * const s = scoreSummary(Int32Array.of(0, 1), Float64Array.of(0.9, 0.1, 0.2, 0.8), ['ham', 'spam']); // accuracy 1
 * ```
 */
export function scoreSummary(labels: Int32Array, probs: ArrayLike<number>, classes: string[]): ScoreSummary {
  const m = classificationMetrics(labels, probs, classes);
  return { accuracy: m.accuracy, macroF1: m.macroF1, rocAuc: m.rocAuc, logLoss: m.logLoss, n: m.n, confusionMatrix: m.confusionMatrix };
}

/**
 * PAD, MMD² (no permutations, at most 1,000 rows per domain) and CORAL distance between two
 * row-major `n × m` matrices.
 *
 * @example
 * ```ts
 * const d = domainMeasures(Zs, Zt, 100, 0);
 * ```
 */
export function domainMeasures(S: ArrayLike<number>, T: ArrayLike<number>, m: number, seed: number): DomainMeasures {
  const a = { rows: S.length / m, cols: m, data: S };
  const b = { rows: T.length / m, cols: m, data: T };
  return { pad: proxyADistance(a, b, { seed }).pad, mmd2: mmd(a, b, { seed, permutations: 0, maxRows: 1000 }).mmd2, coralDistance: coralDistance(a, b) };
}
