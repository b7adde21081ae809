/**
 * Per-example membership scores computed from a model's class probabilities: the loss-threshold
 * score of Yeom et al. (2018) and a shadow-free, offline likelihood-ratio score in the spirit of
 * LiRA (Carlini et al. 2022).
 */
import { TransferkitError } from '../errors.ts';

/** Probabilities below this are taken as this, so logs stay finite. */
const EPS = 1e-12;

function check(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number): void {
  if (!(k >= 1) || probs.length !== labels.length * k) {
    throw new TransferkitError('SHAPE_MISMATCH', `${probs.length} probabilities do not fit ${labels.length} examples × ${k} classes`, { hint: 'Pass one row of k class probabilities per example.' });
  }
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= k) {
      throw new TransferkitError('BAD_LABEL', `Example ${i} has label ${labels[i]}, not a class index 0–${k - 1}`, { hint: 'Membership attacks need labelled examples: every row needs its true class.' });
    }
  }
}

/**
 * Cross-entropy loss of each example, −log p(true class), with p floored at 1e-12.
 *
 * @example
 * ```ts
 * exampleLosses([0.9, 0.1, 0.2, 0.8], [0, 0], 2); // [0.105…, 1.609…]
 * ```
 */
export function exampleLosses(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number): Float64Array {
  check(probs, labels, k);
  const out = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = -Math.log(Math.max(probs[i * k + labels[i]], EPS));
  return out;
}

/**
 * Logit-scaled confidence of each example in its true class, φ = log p − log(1 − p), with
 * 1 − p taken as the sum of the other classes' probabilities (exact where p rounds to 1) and
 * both floored at 1e-12. LiRA works on φ because it is close to Gaussian across models.
 *
 * @example
 * ```ts
 * logitConfidences([0.9, 0.1], [0], 2); // [log 9 = 2.197…]
 * ```
 */
export function logitConfidences(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number): Float64Array {
  check(probs, labels, k);
  const out = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let rest = 0;
    for (let c = 0; c < k; c++) if (c !== labels[i]) rest += probs[i * k + c];
    out[i] = Math.log(Math.max(probs[i * k + labels[i]], EPS)) - Math.log(Math.max(rest, EPS));
  }
  return out;
}

/** Non-members a class needs for its own Gaussian (one is left out when scoring a non-member). */
const MIN_CLASS_NON_MEMBERS = 4;

/**
 * Offline likelihood-ratio scores without shadow models. LiRA-offline (Carlini et al. 2022)
 * fits, per example, a Gaussian to φ over shadow models that did not train on it and scores
 * the target model's φ by the one-sided test against it. Without shadow models, this fits the
 * "not trained on" Gaussian across examples instead: per true class, the mean μ_c and standard
 * deviation σ_c of φ over the non-members of that class, and scores every example by
 * z = (φ − μ_c) / σ_c (larger: less likely under "non-member"; the one-sided p-value is
 * 1 − Φ(z), so ranking by z is ranking by the likelihood ratio's one-sided test).
 *
 * A non-member is scored against the Gaussian of the other non-members of its class (leave one
 * out), so its own φ does not shape the distribution it is tested against. A class with fewer
 * than 4 non-members (3 after leaving one out) uses the Gaussian of all non-members instead,
 * for its members and non-members alike, so both sides are scored by the same rule.
 * σ is floored at 1e-6.
 *
 * @example
 * ```ts
 * const z = offlineLikelihoodScores(new Float64Array([5, 4]), [0, 0], new Float64Array([1, 2, 3]), [0, 0, 0]);
 * z.members[0]; // (5 − 2) / 1 = 3
 * ```
 */
export function offlineLikelihoodScores(
  memberPhi: ArrayLike<number>,
  memberLabels: ArrayLike<number>,
  nonMemberPhi: ArrayLike<number>,
  nonMemberLabels: ArrayLike<number>,
): { members: Float64Array; nonMembers: Float64Array } {
  if (nonMemberPhi.length < 3) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `The likelihood-ratio attack needs at least 3 non-members, got ${nonMemberPhi.length}`, { hint: 'Pass more held-out examples (dozens at least, for a meaningful AUC).' });
  }
  const sums = new Map<number, { n: number; s: number; ss: number }>();
  const all = { n: 0, s: 0, ss: 0 };
  for (let i = 0; i < nonMemberPhi.length; i++) {
    const c = nonMemberLabels[i];
    const v = nonMemberPhi[i];
    const e = sums.get(c) ?? { n: 0, s: 0, ss: 0 };
    e.n++, (e.s += v), (e.ss += v * v);
    sums.set(c, e);
    all.n++, (all.s += v), (all.ss += v * v);
  }
  const z = (v: number, st: { n: number; s: number; ss: number }) => {
    const mean = st.s / st.n;
    const variance = Math.max(0, (st.ss - st.n * mean * mean) / (st.n - 1));
    return (v - mean) / Math.max(Math.sqrt(variance), 1e-6);
  };
  const without = (st: { n: number; s: number; ss: number }, v: number) => ({ n: st.n - 1, s: st.s - v, ss: st.ss - v * v });
  const members = new Float64Array(memberPhi.length);
  for (let i = 0; i < memberPhi.length; i++) {
    const st = sums.get(memberLabels[i]);
    members[i] = z(memberPhi[i], st && st.n >= MIN_CLASS_NON_MEMBERS ? st : all);
  }
  const nonMembers = new Float64Array(nonMemberPhi.length);
  for (let i = 0; i < nonMemberPhi.length; i++) {
    const v = nonMemberPhi[i];
    const st = sums.get(nonMemberLabels[i])!;
    nonMembers[i] = z(v, st.n >= MIN_CLASS_NON_MEMBERS ? without(st, v) : without(all, v));
  }
  return { members, nonMembers };
}
