/**
 * Compiles a lowered model (a graph of operations: chains, and branches joined by Add or
 * Concatenate) into ONNX graphs (opset 17, standard operators only):
 *
 * - the **training step**: the forward pass in training mode, the loss, the backward pass from
 *   the top down through every value that depends on a trainable weight (nothing else is
 *   differentiated; a value feeding several layers sums their gradients), and the
 *   AdamW update of every trainable weight; inputs `x` (NHWC, transposed to NCHW in the graph),
 *   `y` (int32 labels), every weight `w:<name>`, the optimiser state and `adam:<name>`, dropout
 *   masks `mask:<layer>`; outputs `loss`, `correct`, `new:<name>`, `new_m:<name>`,
 *   `new_v:<name>`, and `new:<stat>` for BatchNorm running statistics. Shapes are static: one
 *   graph per batch size.
 * - the **evaluation graph**: the forward pass in inference mode with a free batch size, output
 *   `probs` (softmax) or, with `outputLayer`, that layer's output in TF.js layout.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { emitAdam, type AdamConstants } from './adam.ts';
import { Graph, type Value } from './graph.ts';
import { emitLoss } from './loss.ts';
import type { ParamSpec, PrimOp } from './lower.ts';
import { isMerge, MERGE_RULES, RULES } from './rules/registry.ts';
import type { Forward, RuleContext } from './rules/types.ts';

/** A dropout mask the caller feeds each step. */
export interface MaskInput {
  name: string;
  shape: number[];
  rate: number;
}

/** A compiled graph and what it expects. */
export interface CompiledGraph {
  bytes: Uint8Array;
  /** Every weight, in operation order (graph inputs `w:<name>`). */
  params: ParamSpec[];
  /** The weights the step updates. */
  trainable: ParamSpec[];
  /** BatchNorm statistics the step updates (outputs `new:<name>`). */
  state: ParamSpec[];
  masks: MaskInput[];
}

/** Options of {@link compileTrainStep}. */
export interface TrainGraphOptions extends Partial<AdamConstants> {
  batchSize: number;
  numClasses: number;
  classWeights?: number[];
  labelSmoothing?: number;
  /**
   * L2-SP (as `l2spPenalty`): `α‖w − w₀‖²` on the trainable weights named in `anchored` (their
   * w₀ fed as inputs `anchor:<name>`), `β‖w‖²` on the other trainable weights. Added to the
   * gradients, not to the reported loss.
   */
  l2sp?: { alpha: number; beta: number; anchored: Set<string> };
}

function allParams(ops: PrimOp[]): ParamSpec[] {
  const seen = new Set<string>();
  const out: ParamSpec[] = [];
  for (const op of ops) for (const p of Object.values(op.params)) if (!seen.has(p.key)) { seen.add(p.key); out.push(p); }
  return out;
}

function declareInputs(g: Graph, inputShape: number[], batch: number | string, params: ParamSpec[]): Value {
  g.builder.input('x', [batch, ...inputShape]);
  for (const p of params) g.builder.input(p.key, p.onnxShape);
  const n = typeof batch === 'number' ? batch : -1;
  if (inputShape.length === 3) {
    const [h, w, c] = inputShape;
    return { name: g.op('Transpose', ['x'], { perm: [0, 3, 1, 2] }), shape: [n, c, h, w], nchw: true };
  }
  return { name: 'x', shape: [n, ...inputShape], nchw: false };
}

function context(g: Graph, training: boolean, masks: MaskInput[], state: ParamSpec[]): RuleContext {
  return {
    g,
    training,
    param: (spec) => spec.key,
    extraInput(name, shape, rate) {
      g.builder.input(name, shape);
      masks.push({ name, shape, rate });
      return name;
    },
    stateOut(spec, value) {
      const out = g.op('Identity', [value], {}, `new:${spec.tfName}`);
      g.builder.output(out);
      state.push(spec);
    },
  };
}

function forwardOp(op: PrimOp, values: Map<number, Value>, ctx: RuleContext): { xs: Value[]; fwd: Forward } {
  const xs = op.inputs.map((id) => values.get(id)!);
  const fwd = isMerge(op.kind) ? MERGE_RULES[op.kind].forward(op, xs, ctx) : RULES[op.kind].forward(op, xs[0], ctx);
  values.set(op.output, fwd.y);
  return { xs, fwd };
}

/**
 * The training-step graph.
 *
 * @example
 * ```ts
 * const { ops, inputShape, output } = lowerModel(model);
 * const step = compileTrainStep(ops, inputShape, output, { batchSize: 32, numClasses: 10 });
 * ```
 */
export function compileTrainStep(ops: PrimOp[], inputShape: number[], output: number, opts: TrainGraphOptions): CompiledGraph {
  const last = ops.at(-1);
  if (!last || last.kind !== 'act' || last.attrs.fn !== 'softmax' || last.output !== output) {
    throw new TransferkitError('NOT_A_CLASSIFIER', `The model's last layer${last ? ` ("${last.layer}")` : ''} is not a softmax, so the ONNX engine cannot train it with cross-entropy`, { hint: 'End the model with a Dense layer with softmax activation.' });
  }
  const body = ops.slice(0, -1);
  // a value needs a gradient when it depends on a trainable weight; nothing else is differentiated
  const dependent = new Set<number>();
  for (const op of body) if (Object.values(op.params).some((p) => p.trainable) || op.inputs.some((id) => dependent.has(id))) dependent.add(op.output);
  if (dependent.size === 0) throw new TransferkitError('NOTHING_TO_TRAIN', 'Every layer of the model is frozen', { hint: 'Unfreeze at least the head.' });
  const n = opts.batchSize;
  const g = new Graph('transferkit_train_step');
  const params = allParams(ops);
  const values = new Map<number, Value>([[0, declareInputs(g, inputShape, n, params)]]);
  g.builder.input('y', [n], 'int32');
  const masks: MaskInput[] = [];
  const state: ParamSpec[] = [];
  const ctx = context(g, true, masks, state);
  const saved = body.map((op) => forwardOp(op, values, ctx));
  const logits = values.get(last.inputs[0])!;
  if (logits.shape.length !== 2 || logits.shape[1] !== opts.numClasses) {
    throw new TransferkitError('NOT_A_CLASSIFIER', `The model's output has shape [${logits.shape.join(', ')}], not [batch, ${opts.numClasses}]`, { hint: 'numClasses must match the model’s last layer.' });
  }
  const { loss, correct, dlogits } = emitLoss(g, logits.name, 'y', n, opts);
  g.builder.output(loss);
  g.builder.output(correct);
  const grads = new Map<string, string>();
  const upstream = new Map<number, string[]>([[last.inputs[0], [dlogits]]]);
  for (let i = body.length - 1; i >= 0; i--) {
    const op = body[i];
    const parts = upstream.get(op.output);
    if (!dependent.has(op.output) || !parts) continue;
    const dy = parts.length === 1 ? parts[0] : g.op('Sum', parts);
    const needDx = op.inputs.map((id) => dependent.has(id));
    const { xs, fwd } = saved[i];
    let dxs: (string | undefined)[];
    if (isMerge(op.kind)) {
      dxs = MERGE_RULES[op.kind].backward(op, xs, fwd, dy, ctx, needDx);
    } else {
      const back = RULES[op.kind].backward(op, xs[0], fwd, dy, ctx, needDx[0]);
      for (const [role, grad] of Object.entries(back.grads)) grads.set(op.params[role].key, grad);
      dxs = [needDx[0] ? back.dx : undefined];
    }
    op.inputs.forEach((id, j) => {
      const dx = dxs[j];
      if (dx) upstream.set(id, [...(upstream.get(id) ?? []), dx]);
    });
  }
  const adam: AdamConstants = { beta1: opts.beta1 ?? 0.9, beta2: opts.beta2 ?? 0.999, epsilon: opts.epsilon ?? 1e-7, weightDecay: opts.weightDecay ?? 0 };
  const trainable = params.filter((p) => p.trainable);
  for (const p of trainable) emitAdam(g, p, p.key, withPenalty(g, p, grads.get(p.key)!, opts.l2sp), adam);
  return { bytes: g.builder.toBytes(), params, trainable, state, masks };
}

/**
 * The evaluation graph (inference mode, any batch size): softmax probabilities, or the output
 * of `outputLayer` (images in NHWC, as TF.js gives them).
 *
 * @example
 * ```ts
 * const evalGraph = compileEval(ops, inputShape, output);
 * ```
 */
export function compileEval(ops: PrimOp[], inputShape: number[], output: number, opts: { outputLayer?: string } = {}): CompiledGraph {
  const g = new Graph('transferkit_eval');
  const params = allParams(ops);
  const values = new Map<number, Value>([[0, declareInputs(g, inputShape, 'N', params)]]);
  const ctx = context(g, false, [], []);
  let target = output;
  let upto = ops.length;
  if (opts.outputLayer !== undefined) {
    upto = ops.map((op) => op.layer).lastIndexOf(opts.outputLayer) + 1;
    if (upto === 0) throw new TransferkitError('UNKNOWN_LAYER', `The model has no layer "${opts.outputLayer}" the ONNX engine compiled`, { hint: 'Name a layer of the model (not its input layer).' });
    target = ops[upto - 1].output;
  }
  for (const op of ops.slice(0, upto)) forwardOp(op, values, ctx);
  const x = values.get(target)!;
  const out = x.nchw ? g.op('Transpose', [x.name], { perm: [0, 2, 3, 1] }, 'probs') : g.op('Identity', [x.name], {}, 'probs');
  g.builder.output(out);
  return { bytes: g.builder.toBytes(), params, trainable: [], state: [], masks: [] };
}

/**
 * Elements per example of every value of the model (a forward pass built for batch 1 and
 * thrown away).
 *
 * @example
 * ```ts
 * compileEvalShapes(ops, [28, 28, 1]).get(ops[0].output); // 25088 for 32 channels of 28×28
 * ```
 */
export function compileEvalShapes(ops: PrimOp[], inputShape: number[]): Map<number, number> {
  const g = new Graph('shapes');
  const values = new Map<number, Value>([[0, declareInputs(g, inputShape, 1, allParams(ops))]]);
  const ctx = context(g, false, [], []);
  for (const op of ops) forwardOp(op, values, ctx);
  return new Map([...values].map(([id, v]) => [id, v.shape.slice(1).reduce((p, d) => p * d, 1)]));
}

/** A weight's gradient plus the L2-SP term: `2α(w − w₀)` for anchored weights, `2βw` otherwise. */
function withPenalty(g: Graph, p: ParamSpec, grad: string, l2sp: TrainGraphOptions['l2sp']): string {
  if (!l2sp) return grad;
  if (l2sp.anchored.has(p.tfName)) {
    if (!(l2sp.alpha > 0)) return grad;
    const anchor = g.builder.input(`anchor:${p.tfName}`, p.onnxShape);
    return g.op('Add', [grad, g.op('Mul', [g.op('Sub', [p.key, anchor]), g.f32([2 * l2sp.alpha], [])])]);
  }
  return l2sp.beta > 0 ? g.op('Add', [grad, g.op('Mul', [p.key, g.f32([2 * l2sp.beta], [])])]) : grad;
}
