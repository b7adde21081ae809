/**
 * `OnnxTrainer`: trains a TF.js layers model on onnxruntime with the compiled training step.
 * Weights and Adam state live as onnxruntime tensors between steps (each step's outputs are the
 * next step's inputs, no copies); `writeBack` puts the weights and BatchNorm statistics into the
 * TF.js model. Shapes are static, so each batch size gets its own session, made on first use
 * (in an epoch: the full batch and, when the data does not divide evenly, the last partial
 * batch — a second session rather than zero-weighted padding, so the mean loss, BatchNorm
 * batch statistics and gradients are exactly TF.js's).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { TransferkitError } from '../../errors.ts';
import { createRng, type Rng } from '../../util/random.ts';
import { adamNames } from './adam.ts';
import { compileEval, compileEvalShapes, compileTrainStep, type CompiledGraph, type TrainGraphOptions } from './compile.ts';
import { fromOnnxLayout, toOnnxLayout } from './layout.ts';
import { lowerModel, type ParamSpec, type PrimOp } from './lower.ts';
import { createTrainSession, runSession } from './session.ts';

/** Options of {@link OnnxTrainer}. */
export interface OnnxTrainerOptions {
  /** The usual batch size (its session is made first); other sizes get their own session. */
  batchSize: number;
  numClasses: number;
  /** Per-class loss weights. */
  classWeights?: number[];
  /** Label smoothing ε in [0, 1). */
  labelSmoothing?: number;
  /** Decoupled weight decay of kernels (AdamW); default 0. */
  weightDecay?: number;
  /** Learning-rate multiplier per layer name. */
  layerLr?: Map<string, number>;
  /** onnxruntime intra-op threads; default 1. */
  threads?: number;
  /** Seeds the dropout masks. */
  seed: number | string;
  /** Batch size of `predict`; default 256. */
  evalBatch?: number;
  /** Adam ε; default 1e-7 (TF.js's float32 epsilon, as `AdamW` uses). */
  epsilon?: number;
  /**
   * L2-SP, as `l2spPenalty` computes it: `α‖w − w₀‖²` for every trainable weight with an anchor
   * w₀ (TF.js layout, keyed by weight name or original name), `β‖w‖²` (default α/10) for the
   * other trainable weights.
   */
  l2sp?: { alpha: number; beta?: number; anchors: Map<string, Float32Array> };
}

/**
 * Adam state of one weight, to carry it into a new trainer (e.g. after unfreezing), as
 * `adamState()` returns it: moments in the graph's (ONNX) layout.
 */
export interface AdamSlot {
  m: Float32Array;
  v: Float32Array;
  /** β1^t and β2^t as float32 products, as `AdamW` keeps them. */
  acc1: number;
  acc2: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;

/**
 * Trains a TF.js model's training step on onnxruntime.
 *
 * @example
 * ```ts
 * const trainer = new OnnxTrainer(model, { batchSize: 32, numClasses: 10, seed: 1 });
 * const { loss, correct } = await trainer.step(xNHWC, labels, 1e-3);
 * trainer.writeBack(model);
 * await trainer.dispose();
 * ```
 */
export class OnnxTrainer {
  readonly inputShape: number[];
  private readonly ops: PrimOp[];
  private readonly output: number;
  private readonly params: ParamSpec[];
  private readonly values = new Map<string, ort.Tensor>();
  private readonly slots = new Map<string, { m: ort.Tensor; v: ort.Tensor; acc1: number; acc2: number }>();
  private readonly steps = new Map<number, Promise<{ session: ort.InferenceSession; graph: CompiledGraph }>>();
  private readonly evalSessions = new Map<string, Promise<{ session: ort.InferenceSession; per: number }>>();
  private rng: Rng;
  private readonly anchors = new Map<string, ort.Tensor>();
  private disposed = false;

  /**
   * Compiles the model (sessions are made on first use). Reads the weights now, and which
   * layers train (their `trainable` flags): make a new trainer when that set changes, passing
   * the old one's `adamState()` as `initial` so moments and step counts carry on.
   */
  constructor(private readonly model: tf.LayersModel, private readonly opts: OnnxTrainerOptions, initial?: Map<string, AdamSlot>) {
    const { ops, inputShape, output } = lowerModel(model, { layerLr: opts.layerLr });
    this.ops = ops;
    this.output = output;
    this.inputShape = inputShape;
    this.params = [];
    const seen = new Set<string>();
    for (const op of ops) {
      for (const p of Object.values(op.params)) {
        if (seen.has(p.key)) continue;
        seen.add(p.key);
        this.params.push(p);
        const data = toOnnxLayout(p.layout, p.variable.read().dataSync() as Float32Array, p.tfShape);
        this.values.set(p.key, new ort.Tensor('float32', data, p.onnxShape));
        if (p.trainable) {
          const s = initial?.get(p.tfName);
          const size = data.length;
          this.slots.set(p.key, {
            m: new ort.Tensor('float32', s ? Float32Array.from(s.m) : new Float32Array(size), p.onnxShape),
            v: new ort.Tensor('float32', s ? Float32Array.from(s.v) : new Float32Array(size), p.onnxShape),
            acc1: s?.acc1 ?? Math.fround(BETA1),
            acc2: s?.acc2 ?? Math.fround(BETA2),
          });
        }
      }
    }
    for (const p of this.params) {
      const a = p.trainable ? (opts.l2sp?.anchors.get(p.tfName) ?? opts.l2sp?.anchors.get(p.variable.originalName)) : undefined;
      if (!a) continue;
      const size = p.tfShape.reduce((q, d) => q * d, 1);
      if (a.length !== size) throw new TransferkitError('SHAPE_MISMATCH', `The L2-SP anchor of "${p.tfName}" has ${a.length} values; the weight has ${size}`, { hint: 'Anchors are the weights’ pretrained values, in TF.js layout.' });
      this.anchors.set(`anchor:${p.tfName}`, new ort.Tensor('float32', toOnnxLayout(p.layout, a, p.tfShape), p.onnxShape));
    }
    if (this.slots.size === 0) throw new TransferkitError('NOTHING_TO_TRAIN', 'Every layer of the model is frozen', { hint: 'Unfreeze at least the head.' });
    this.rng = createRng(`${opts.seed}:onnx-dropout`);
  }

  /**
   * Restarts the dropout masks' random stream from `seed` (trainModel does it every epoch, so
   * an epoch's masks do not depend on where training started: a resumed run draws the same).
   *
   * @example
   * ```ts
   * trainer.reseed('1:head:4');
   * ```
   */
  reseed(seed: number | string): void {
    this.rng = createRng(`${seed}:onnx-dropout`);
  }

  /**
   * Reads every weight and BatchNorm statistic again from the TF.js model (e.g. when something
   * else may have written it since the trainer was made); the Adam state stays.
   */
  reload(): void {
    this.check();
    for (const p of this.params) {
      const data = toOnnxLayout(p.layout, p.variable.read().dataSync() as Float32Array, p.tfShape);
      this.values.set(p.key, new ort.Tensor('float32', data, p.onnxShape));
    }
  }

  /** Compiles and loads the step for a batch size now (otherwise the first `step` does). */
  async prepare(batchSize: number = this.opts.batchSize): Promise<void> {
    await this.stepSession(batchSize);
  }

  /**
   * One optimiser step on a batch: `x` row-major NHWC (or `[n, features]`), `y` class indices.
   * Returns the batch's mean loss (without any penalty) and its number of correct predictions.
   */
  async step(x: Float32Array, y: Int32Array, lr: number): Promise<{ loss: number; correct: number }> {
    this.check();
    const n = y.length;
    const per = this.inputShape.reduce((p, d) => p * d, 1);
    if (x.length !== n * per) throw new TransferkitError('SHAPE_MISMATCH', `A batch of ${n} labels needs ${n * per} input values, got ${x.length}`, { hint: `Inputs are [n, ${this.inputShape.join(', ')}] row-major.` });
    const { session, graph } = await this.stepSession(n);
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor('float32', x, [n, ...this.inputShape]),
      y: new ort.Tensor('int32', y, [n]),
    };
    for (const p of this.params) feeds[p.key] = this.values.get(p.key)!;
    for (const p of graph.trainable) {
      const s = this.slots.get(p.key)!;
      const names = adamNames(p);
      feeds[names.m] = s.m;
      feeds[names.v] = s.v;
      feeds[names.hyper] = new ort.Tensor('float32', Float32Array.of(lr * p.lrScale, Math.fround(1 - s.acc1), Math.fround(1 - s.acc2)), [3]);
    }
    for (const [name, t] of this.anchors) feeds[name] = t;
    for (const mask of graph.masks) feeds[mask.name] = new ort.Tensor('float32', this.dropoutMask(mask.shape, mask.rate), mask.shape);
    const out = await runSession(session, feeds);
    for (const p of graph.trainable) {
      const s = this.slots.get(p.key)!;
      const names = adamNames(p);
      this.values.set(p.key, out[names.newW]);
      s.m = out[names.newM];
      s.v = out[names.newV];
      s.acc1 = Math.fround(s.acc1 * Math.fround(BETA1));
      s.acc2 = Math.fround(s.acc2 * Math.fround(BETA2));
    }
    for (const p of graph.state) this.values.set(p.key, out[`new:${p.tfName}`]);
    return { loss: (out.loss.data as Float32Array)[0], correct: (out.correct.data as Float32Array)[0] };
  }

  /**
   * Softmax probabilities (`[n, numClasses]` row-major) in inference mode, in batches of
   * `evalBatch`; with `layer`, that layer's output instead (feature extraction; images NHWC).
   *
   * @example
   * ```ts
   * const probs = await trainer.predict(x, n);
   * const features = await trainer.predict(x, n, { layer: 'dense1' }); // [n, 128]
   * ```
   */
  async predict(x: Float32Array, n: number = x.length / this.inputShape.reduce((p, d) => p * d, 1), opts: { layer?: string } = {}): Promise<Float32Array> {
    this.check();
    const key = opts.layer ?? '';
    let entry = this.evalSessions.get(key);
    if (!entry) {
      const graph = compileEval(this.ops, this.inputShape, this.output, { outputLayer: opts.layer });
      const probe = opts.layer === undefined ? undefined : this.ops.filter((op) => op.layer === opts.layer).at(-1);
      const per = probe === undefined ? this.opts.numClasses : outputSize(this.ops, this.inputShape, probe.output);
      entry = createTrainSession(graph.bytes, this.opts.threads ?? 1).then((session) => ({ session, per }));
      this.evalSessions.set(key, entry);
    }
    const { session, per: k } = await entry;
    const per = x.length / n;
    const batch = this.opts.evalBatch ?? 256;
    const out = new Float32Array(n * k);
    const weights: Record<string, ort.Tensor> = {};
    for (const p of this.params) weights[p.key] = this.values.get(p.key)!;
    for (let start = 0; start < n; start += batch) {
      const m = Math.min(batch, n - start);
      const res = await runSession(session, { ...weights, x: new ort.Tensor('float32', x.subarray(start * per, (start + m) * per), [m, ...this.inputShape]) });
      out.set(res.probs.data as Float32Array, start * k);
    }
    return out;
  }

  /**
   * Writes every weight and BatchNorm statistic into a TF.js model (the trainer's own by
   * default; another model must have the same weight names), converting layouts exactly.
   */
  writeBack(model: tf.LayersModel = this.model): void {
    this.check();
    const byName = model === this.model ? undefined : new Map(model.weights.map((w) => [w.name, w]));
    for (const p of this.params) {
      const target = byName ? byName.get(p.tfName) : p.variable;
      if (!target) throw new TransferkitError('SHAPE_MISMATCH', `The model has no weight "${p.tfName}" to write back`, { hint: 'Write back into the model the trainer was made from, or a clone of it.' });
      const t = tf.tensor(fromOnnxLayout(p.layout, this.values.get(p.key)!.data as Float32Array, p.tfShape), p.tfShape);
      target.write(t);
      t.dispose();
    }
  }

  /** The Adam state per TF.js weight name, to seed a new trainer (e.g. after unfreezing). */
  adamState(): Map<string, AdamSlot> {
    const out = new Map<string, AdamSlot>();
    for (const p of this.params) {
      const s = this.slots.get(p.key);
      if (s) out.set(p.tfName, { m: Float32Array.from(s.m.data as Float32Array), v: Float32Array.from(s.v.data as Float32Array), acc1: s.acc1, acc2: s.acc2 });
    }
    return out;
  }

  /** Releases every onnxruntime session; the trainer cannot be used afterwards. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const sessions = [...this.steps.values(), ...this.evalSessions.values()].map(async (p) => (await p).session);
    this.steps.clear();
    this.evalSessions.clear();
    for (const s of await Promise.allSettled(sessions)) if (s.status === 'fulfilled') await s.value.release();
  }

  /** Number of live sessions (for leak tests). */
  get sessionCount(): number {
    return this.steps.size + this.evalSessions.size;
  }

  private stepSession(n: number): Promise<{ session: ort.InferenceSession; graph: CompiledGraph }> {
    let s = this.steps.get(n);
    if (!s) {
      const graph = compileTrainStep(this.ops, this.inputShape, this.output, { batchSize: n, numClasses: this.opts.numClasses, classWeights: this.opts.classWeights, labelSmoothing: this.opts.labelSmoothing, weightDecay: this.opts.weightDecay, epsilon: this.opts.epsilon, l2sp: this.l2spSpec() });
      s = createTrainSession(graph.bytes, this.opts.threads ?? 1).then((session) => ({ session, graph }));
      this.steps.set(n, s);
    }
    return s;
  }

  private l2spSpec(): TrainGraphOptions['l2sp'] {
    const l2sp = this.opts.l2sp;
    if (!l2sp) return undefined;
    const anchored = new Set([...this.anchors.keys()].map((k) => k.slice('anchor:'.length)));
    if (!(l2sp.alpha > 0)) this.anchors.clear(); // no α term: the graph takes no anchors
    return { alpha: l2sp.alpha, beta: l2sp.beta ?? l2sp.alpha / 10, anchored };
  }

  private dropoutMask(shape: number[], rate: number): Float32Array {
    const size = shape.reduce((p, d) => p * d, 1);
    const out = new Float32Array(size);
    const keep = 1 - rate;
    const scale = 1 / keep;
    for (let i = 0; i < size; i++) out[i] = Math.floor(this.rng.next() + keep) * scale;
    return out;
  }

  private check(): void {
    if (this.disposed) throw new TransferkitError('DISPOSED', 'This ONNX trainer was disposed.', { hint: 'Create a new OnnxTrainer.' });
  }
}

/** Elements per example of a value, by building the evaluation graph's forward pass for batch 1. */
function outputSize(ops: PrimOp[], inputShape: number[], value: number): number {
  const g = compileEvalShapes(ops, inputShape);
  return g.get(value)!;
}
