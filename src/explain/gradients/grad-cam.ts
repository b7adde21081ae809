/**
 * Grad-CAM (Selvaraju et al. 2017) on a convolutional layer of a `tf.LayersModel`:
 * channel weights α_k = spatial mean of ∂f_target/∂A_k, map ReLU(Σ_k α_k A_k), upsampled
 * bilinearly (half-pixel centres, like `cv2.resize`) to the input's height × width and min–max
 * normalised to [0, 1] (as `pytorch-grad-cam`).
 *
 * TF.js cannot take a gradient with respect to a tensor computed inside the differentiated
 * function, so the layer's activation A is made differentiable by adding a zero "probe" tensor to
 * the layer's output for the length of one call (the layer's `call` is wrapped and then restored):
 * ∂f/∂probe = ∂f/∂A. The activation itself comes from a two-output model
 * `tf.model({ inputs, outputs: [layer.output, model.output] })` that shares the model's weights.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { resolveLayer, type LayerRef } from '../../models/surgery.ts';
import { targetColumn, toExample, type ExampleInput } from './differentiable.ts';

/**
 * Options for {@link gradCam}.
 *
 * @example
 * ```ts
 * const opts: GradCamOptions = { layer: 'conv2' };
 * ```
 */
export interface GradCamOptions {
  /**
   * The convolutional layer, by name or index. Default: the last layer with a 4-D output that is
   * not a pooling layer (`relu2` in `buildCnn`), else the last 4-D layer.
   */
  layer?: LayerRef;
}

/**
 * A Grad-CAM heatmap.
 *
 * @example
 * ```ts
 * const r: GradCamResult = { heatmap: new Float32Array(784), height: 28, width: 28, layerShape: [14, 14, 32], cam: new Float32Array(196), channelWeights: new Float32Array(32), output: 0.9, layer: 'conv1' };
 * ```
 */
export interface GradCamResult {
  /** height × width values in [0, 1], row-major (all 0 when the map is flat). */
  heatmap: Float32Array;
  height: number;
  width: number;
  /** The layer's activation shape [h', w', channels] without the batch dimension. */
  layerShape: number[];
  /** ReLU(Σ α_k A_k) at the layer's resolution (h' × w'), before upsampling and normalisation. */
  cam: Float32Array;
  /** α_k, one per channel. */
  channelWeights: Float32Array;
  /** f_target(x). */
  output: number;
  /** Name of the layer used. */
  layer: string;
}

type Layer = tf.layers.Layer;
type CallFn = Layer['call'];

const twoOutputCache = new WeakMap<tf.LayersModel, Map<string, tf.LayersModel>>();

/**
 * Grad-CAM of class `target` for one image `x` ([h, w, c], or [1, h, w, c]).
 *
 * @throws TransferkitError `UNKNOWN_LAYER` for an unknown layer, `NOT_A_CONV_LAYER` when the
 * layer's output is not 4-D (or it is the input layer).
 * @example
 * ```ts
 * const model = buildCnn([28, 28, 1], 10, { seed: 1 });
 * const { heatmap, layerShape } = await gradCam(model, image, 3, { layer: 'conv2' }); // 784 values in [0, 1], [14, 14, 64]
 * ```
 */
export async function gradCam(model: tf.LayersModel, x: ExampleInput, target: number, opts: GradCamOptions = {}): Promise<GradCamResult> {
  const layer = opts.layer === undefined ? lastConvLayer(model) : resolveLayer(model, opts.layer);
  const layerShape = convShape(model, layer);
  const ex = toExample(model, x);
  if (ex.shape.length !== 3) {
    throw new TransferkitError('BAD_INPUT', `Grad-CAM needs an image input [h, w, c]; this example has shape [${ex.shape.join(', ')}]`, { where: 'x' });
  }
  const [height, width] = ex.shape;
  const twoOut = twoOutputModel(model, layer);

  const original = Object.prototype.hasOwnProperty.call(layer, 'call') ? layer.call : undefined;
  const inner: CallFn = layer.call;
  let probe: tf.Tensor | undefined;
  layer.call = function (this: Layer, inputs, kwargs) {
    const out = inner.call(this, inputs, kwargs);
    return probe === undefined || Array.isArray(out) ? out : tf.add(out, probe);
  } as CallFn;
  let tensors: tf.Tensor[];
  try {
    tensors = tf.tidy(() => {
      const input = tf.tensor(ex.data, [1, ...ex.shape]);
      let act: tf.Tensor | undefined;
      const zeros = tf.zeros([1, ...layerShape]);
      const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => {
        probe = p;
        const [a, y] = twoOut.apply(input, { training: false }) as tf.Tensor[];
        act = tf.keep(a);
        return tf.sum(targetColumn(y, 1, target));
      })(zeros);
      probe = undefined;
      const A = act as tf.Tensor4D;
      try {
        const alpha = tf.mean(grad, [0, 1, 2]); // [c']
        const cam = tf.relu(tf.sum(tf.mul(A, alpha), -1)); // [1, h', w']
        const up = tf.reshape(tf.image.resizeBilinear(tf.expandDims(cam, -1) as tf.Tensor4D, [height, width], false, true), [height, width]);
        return [up, cam, alpha, value];
      } finally {
        A.dispose();
      }
    });
  } finally {
    probe = undefined;
    if (original !== undefined) layer.call = original;
    else delete (layer as { call?: CallFn }).call;
  }
  try {
    const [up, cam, alpha, value] = await Promise.all(tensors.map((t) => t.data()));
    return {
      heatmap: minMaxScale(up),
      height,
      width,
      layerShape,
      cam: cam as Float32Array,
      channelWeights: alpha as Float32Array,
      output: value[0],
      layer: layer.name,
    };
  } finally {
    tf.dispose(tensors);
  }
}

/** (v − min) / (max − min), or all zeros for a flat map. */
function minMaxScale(values: ArrayLike<number>): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  const out = new Float32Array(values.length);
  if (!(hi > lo)) return out;
  for (let i = 0; i < values.length; i++) out[i] = Math.min(1, Math.max(0, (values[i] - lo) / (hi - lo)));
  return out;
}

function lastConvLayer(model: tf.LayersModel): Layer {
  const candidates = model.layers.filter((l) => l.getClassName() !== 'InputLayer' && singleShape(l)?.length === 4);
  const notPooling = candidates.filter((l) => !/Pooling/.test(l.getClassName()));
  const pick = notPooling[notPooling.length - 1] ?? candidates[candidates.length - 1];
  if (pick !== undefined) return pick;
  throw new TransferkitError('NOT_A_CONV_LAYER', `Model "${model.name}" has no layer with a 4-D (image) output for Grad-CAM`, {
    where: `model "${model.name}"`,
    hint: 'Grad-CAM needs a convolutional network; use saliency or integrated gradients for other models.',
  });
}

function singleShape(layer: Layer): (number | null)[] | undefined {
  let s: unknown;
  try {
    s = layer.outputShape;
  } catch {
    return undefined;
  }
  if (!Array.isArray(s) || s.some((v) => Array.isArray(v))) return undefined;
  return s as (number | null)[];
}

function convShape(model: tf.LayersModel, layer: Layer): number[] {
  const s = singleShape(layer);
  const isInput = layer.getClassName() === 'InputLayer';
  if (isInput || s === undefined || s.length !== 4 || s.slice(1).some((v) => typeof v !== 'number')) {
    throw new TransferkitError(
      'NOT_A_CONV_LAYER',
      isInput
        ? `Layer "${layer.name}" is the model's input; Grad-CAM needs a convolutional layer inside the model`
        : `Layer "${layer.name}" (${layer.getClassName()}) has output shape ${JSON.stringify(s ?? 'unknown')}; Grad-CAM needs a 4-D [batch, h, w, channels] output`,
      {
        where: `model "${model.name}"`,
        hint: `Pick a convolutional (or pooling/activation) layer with a 4-D output, e.g. ${
          model.layers
            .filter((l) => l.getClassName() !== 'InputLayer' && singleShape(l)?.length === 4)
            .map((l) => `"${l.name}"`)
            .join(', ') || '(none in this model)'
        }.`,
      },
    );
  }
  return s.slice(1) as number[];
}

function twoOutputModel(model: tf.LayersModel, layer: Layer): tf.LayersModel {
  let perModel = twoOutputCache.get(model);
  if (perModel === undefined) {
    perModel = new Map();
    twoOutputCache.set(model, perModel);
  }
  const cached = perModel.get(layer.name);
  if (cached !== undefined) return cached;
  let out: tf.SymbolicTensor | tf.SymbolicTensor[];
  try {
    out = layer.output;
  } catch (err) {
    throw new TransferkitError('NOT_A_CONV_LAYER', `Layer "${layer.name}" is used more than once in the model, so its activation is ambiguous`, {
      where: `model "${model.name}"`,
      cause: err,
    });
  }
  if (Array.isArray(out)) {
    throw new TransferkitError('NOT_A_CONV_LAYER', `Layer "${layer.name}" has ${out.length} outputs; Grad-CAM needs one`, { where: `model "${model.name}"` });
  }
  if (model.outputs.length !== 1) {
    throw new TransferkitError('BAD_MODEL_OUTPUT', `Model "${model.name}" has ${model.outputs.length} outputs; Grad-CAM needs one`, { where: `model "${model.name}"` });
  }
  // Shares the layers (and weights) of `model`; never dispose it.
  const m = tf.model({ inputs: model.inputs, outputs: [out, model.outputs[0]], name: `${model.name}_gradcam_${layer.name}` });
  perModel.set(layer.name, m);
  return m;
}
