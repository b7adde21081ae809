/**
 * Softmax cross-entropy on the logits, with per-class weights and label smoothing, as TF.js's
 * `weightedCrossEntropy` defines it (`−mean_i w_i Σ_c t_ic log p_ic`, `t = (1 − ε)·onehot + ε/k`),
 * its gradient with respect to the logits (`(p − t)·w_i / n` where no probability is clipped),
 * and the number of correct predictions. Like TF.js, the log takes `clip(p, 1e-7, 1)`, and a
 * clipped probability passes no gradient: this matters when a pretrained head is very sure and
 * wrong (fine-tuning on new classes), where an unclipped loss would train differently.
 *
 * @module
 */
import type { Graph } from './graph.ts';

/** Options of {@link emitLoss}. */
export interface LossOptions {
  numClasses: number;
  /** Per-class weights (default all 1). */
  classWeights?: number[];
  /** Label smoothing ε in [0, 1). */
  labelSmoothing?: number;
}

/**
 * Emits the loss, the gradient of the logits and the number correct.
 *
 * @example
 * ```ts
 * const { loss, correct, dlogits } = emitLoss(g, 'logits', 'y', 32, { numClasses: 10 });
 * ```
 */
export function emitLoss(g: Graph, logits: string, labels: string, n: number, opts: LossOptions): { loss: string; correct: string; dlogits: string } {
  const k = opts.numClasses;
  const eps = opts.labelSmoothing ?? 0;
  const logp = g.op('LogSoftmax', [logits], { axis: 1 });
  const labels64 = g.op('Cast', [labels], { to: 7 });
  const targets = g.op('OneHot', [labels64, g.i64([k], [1]), g.f32([eps / k, 1 - eps + eps / k], [2])], { axis: -1 });
  const probs = g.op('Exp', [logp]);
  // TF.js takes log(clip(p, 1e-7, 1)): the loss of a probability below 1e-7 stops growing and
  // its gradient is 0 (clipByValue passes gradients only inside [1e-7, 1])
  const floor = g.f32([1e-7], []);
  const logClipped = g.op('Log', [g.op('Clip', [probs, floor, g.f32([1], [])])]);
  const picked = g.op('ReduceSum', [g.op('Mul', [targets, logClipped]), g.i64([1])], { keepdims: 0 });
  const weights = opts.classWeights && opts.classWeights.some((w) => w !== 1) ? g.op('Gather', [g.f32(opts.classWeights, [k]), labels64]) : undefined;
  const weighted = weights ? g.op('Mul', [picked, weights]) : picked;
  const loss = g.op('Neg', [g.op('ReduceMean', [weighted], { keepdims: 0 })], {}, 'loss');
  const scale = weights ? g.op('Reshape', [g.op('Div', [weights, g.f32([n], [])]), g.i64([n, 1])]) : g.f32([1 / n], []);
  // d/dz of −Σ t·m·log p through the softmax, m = [p ≥ 1e-7]: p·Σ(t·m) − t·m (= p − t when m = 1)
  const tm = g.op('Mul', [targets, g.op('Cast', [g.op('GreaterOrEqual', [probs, floor])], { to: 1 })]);
  const sumTm = g.op('ReduceSum', [tm, g.i64([1])], { keepdims: 1 });
  const dlogits = g.op('Mul', [g.op('Sub', [g.op('Mul', [probs, sumTm]), tm]), scale]);
  const hits = g.op('Equal', [g.op('ArgMax', [logits], { axis: 1, keepdims: 0 }), labels64]);
  const correct = g.op('ReduceSum', [g.op('Cast', [hits], { to: 1 })], { keepdims: 0 }, 'correct');
  return { loss, correct, dlogits };
}
