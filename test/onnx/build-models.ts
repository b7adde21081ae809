/**
 * ONNX models built in code for the ONNX tests (seeded random weights): a ResNet-style residual
 * block, a MobileNet-style depthwise stack, an MLP, and a graph that uses the remaining ops.
 */
import { OnnxGraphBuilder } from '../../src/models/onnx/builder.ts';
import { createRng, type Rng } from '../../src/util/random.ts';

/** Helpers that add weights with sensible scales. */
class Weights {
  private readonly rng: Rng;
  constructor(
    readonly b: OnnxGraphBuilder,
    seed: number,
  ) {
    this.rng = createRng(seed);
  }
  normal(name: string, dims: number[], std: number): string {
    const n = dims.reduce((p, d) => p * d, 1);
    return this.b.initializer(name, dims, Array.from({ length: n }, () => this.rng.normal() * std));
  }
  uniform(name: string, dims: number[], lo: number, hi: number): string {
    const n = dims.reduce((p, d) => p * d, 1);
    return this.b.initializer(name, dims, Array.from({ length: n }, () => lo + (hi - lo) * this.rng.next()));
  }
  /** He-initialised conv weight [o, i, k, k]. */
  conv(name: string, o: number, i: number, k: number): string {
    return this.normal(name, [o, i, k, k], Math.sqrt(2 / (i * k * k)));
  }
  /** BatchNormalization node with random statistics. */
  bn(name: string, x: string, c: number): string {
    const s = this.uniform(`${name}.scale`, [c], 0.5, 1.5);
    const bias = this.normal(`${name}.bias`, [c], 0.1);
    const mean = this.normal(`${name}.mean`, [c], 0.1);
    const v = this.uniform(`${name}.var`, [c], 0.5, 1.5);
    return this.b.node('BatchNormalization', [x, s, bias, mean, v], { epsilon: 1e-5 }, { name })[0];
  }
}

/**
 * ResNet-style: stem conv-bn-relu + maxpool (k3 s2 p1), a residual block
 * conv-bn-relu-conv-bn + skip Add + relu, global average pool, flatten, Gemm to `classes`.
 */
export function residualModel(opts: { channels?: number; size?: number; width?: number; classes?: number; seed?: number; batch?: number | string } = {}): Uint8Array {
  const { channels = 3, size = 16, width = 8, classes = 5, seed = 1, batch = 'N' } = opts;
  const b = new OnnxGraphBuilder({ opset: 13, name: 'resnet_block' });
  const w = new Weights(b, seed);
  const x = b.input('input', [batch, channels, size, size]);
  const [stem] = b.node('Conv', [x, w.conv('stem.w', width, channels, 3), w.normal('stem.b', [width], 0.05)], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'stem_conv' });
  const [stemRelu] = b.node('Relu', [w.bn('stem_bn', stem, width)], {}, { name: 'stem_relu' });
  const [pool] = b.node('MaxPool', [stemRelu], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, { name: 'stem_pool' });
  const [c1] = b.node('Conv', [pool, w.conv('block.conv1.w', width, width, 3)], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'block_conv1' });
  const [r1] = b.node('Relu', [w.bn('block_bn1', c1, width)], {}, { name: 'block_relu1' });
  const [c2] = b.node('Conv', [r1, w.conv('block.conv2.w', width, width, 3)], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'block_conv2' });
  const bn2 = w.bn('block_bn2', c2, width);
  const [sum] = b.node('Add', [bn2, pool], {}, { name: 'block_add' });
  const [out] = b.node('Relu', [sum], {}, { name: 'block_relu2' });
  const [gap] = b.node('GlobalAveragePool', [out], {}, { name: 'gap' });
  const [flat] = b.node('Flatten', [gap], { axis: 1 }, { name: 'flatten' });
  const [logits] = b.node('Gemm', [flat, w.normal('fc.w', [classes, width], Math.sqrt(1 / width)), w.normal('fc.b', [classes], 0.05)], { transB: 1 }, { name: 'fc', outputs: ['logits'] });
  b.output(logits, [batch, classes]);
  return b.toBytes();
}

/**
 * MobileNet-style: conv s2 + Relu6 (Clip), depthwise conv s2 (group = C, explicit pads) + BN +
 * Relu6, pointwise conv + BN + Relu6, depthwise with multiplier 2 + Relu, average pool,
 * Dropout, Flatten (of a 4×4 map: NCHW vs NHWC order matters) and Gemm.
 */
export function mobileNetModel(opts: { size?: number; width?: number; classes?: number; seed?: number; blocks?: number } = {}): Uint8Array {
  const { size = 32, width = 8, classes = 10, seed = 2, blocks = 1 } = opts;
  const b = new OnnxGraphBuilder({ opset: 13, name: 'mobilenet_style' });
  const w = new Weights(b, seed);
  const zero = b.initializer('clip.min', [], [0]);
  const six = b.initializer('clip.max', [], [6]);
  const relu6 = (x: string, name: string) => b.node('Clip', [x, zero, six], {}, { name })[0];
  const x = b.input('images', ['N', 3, size, size]);
  let [h] = b.node('Conv', [x, w.conv('conv0.w', width, 3, 3), w.normal('conv0.b', [width], 0.05)], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, { name: 'conv0' });
  h = relu6(h, 'conv0_relu6');
  let c = width;
  for (let i = 0; i < blocks; i++) {
    const stride = i === 0 ? 2 : 1;
    const [dw] = b.node('Conv', [h, w.conv(`dw${i}.w`, c, 1, 3), w.normal(`dw${i}.b`, [c], 0.05)], { kernel_shape: [3, 3], strides: [stride, stride], pads: [1, 1, 1, 1], group: c }, { name: `dw${i}` });
    h = relu6(w.bn(`dw${i}_bn`, dw, c), `dw${i}_relu6`);
    const [pw] = b.node('Conv', [h, w.conv(`pw${i}.w`, 2 * c, c, 1)], { kernel_shape: [1, 1] }, { name: `pw${i}` });
    h = relu6(w.bn(`pw${i}_bn`, pw, 2 * c), `pw${i}_relu6`);
    c *= 2;
  }
  const [dm] = b.node('Conv', [h, w.conv('dm.w', 2 * c, 1, 3)], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: c }, { name: 'dw_mult2' });
  c *= 2;
  const [r] = b.node('Relu', [dm], {}, { name: 'dw_mult2_relu' });
  const [pool] = b.node('AveragePool', [r], { kernel_shape: [2, 2], strides: [2, 2] }, { name: 'avgpool' });
  const [drop] = b.node('Dropout', [pool], {}, { name: 'dropout' });
  const [flat] = b.node('Flatten', [drop], { axis: 1 }, { name: 'flatten' });
  const side = size / 8;
  const feats = c * side * side;
  const [logits] = b.node('Gemm', [flat, w.normal('fc.w', [classes, feats], Math.sqrt(1 / feats)), w.normal('fc.b', [classes], 0.05)], { transB: 1 }, { name: 'fc', outputs: ['logits'] });
  b.output(logits, ['N', classes]);
  return b.toBytes();
}

/** MLP: Gemm-Relu, MatMul + Add (folded into a bias), LeakyRelu, Gemm, Softmax. */
export function mlpModel(opts: { features?: number; hidden?: number; classes?: number; seed?: number } = {}): Uint8Array {
  const { features = 6, hidden = 16, classes = 3, seed = 3 } = opts;
  const b = new OnnxGraphBuilder({ opset: 13, name: 'mlp' });
  const w = new Weights(b, seed);
  const x = b.input('features', ['N', features]);
  const [h1] = b.node('Gemm', [x, w.normal('fc1.w', [hidden, features], Math.sqrt(2 / features)), w.normal('fc1.b', [hidden], 0.1)], { transB: 1 }, { name: 'fc1' });
  const [r1] = b.node('Relu', [h1], {}, { name: 'relu1' });
  const [mm] = b.node('MatMul', [r1, w.normal('fc2.w', [hidden, 8], Math.sqrt(2 / hidden))], {}, { name: 'fc2_matmul' });
  const [h2] = b.node('Add', [mm, w.normal('fc2.b', [8], 0.1)], {}, { name: 'fc2_add' });
  const [r2] = b.node('LeakyRelu', [h2], { alpha: 0.1 }, { name: 'lrelu2' });
  const [h3] = b.node('Gemm', [r2, w.normal('fc3.w', [8, classes], Math.sqrt(1 / 8)), w.normal('fc3.b', [classes], 0.1)], {}, { name: 'fc3' });
  const [probs] = b.node('Softmax', [h3], { axis: 1 }, { name: 'softmax', outputs: ['probs'] });
  b.output(probs, ['N', classes]);
  return b.toBytes();
}

/**
 * The other ops: grouped conv (group 2), per-channel Mul / Add constants, Sigmoid, Tanh,
 * AveragePool with count_include_pad, Concat, MaxPool, Reshape to 2-D and back to 4-D,
 * (target from a Constant node), Identity, Sub / Div by constants, a two-tensor Mul, Softmax.
 */
export function opsModel(seed = 4): Uint8Array {
  const b = new OnnxGraphBuilder({ opset: 13, name: 'ops' });
  const w = new Weights(b, seed);
  const x = b.input('x', ['N', 4, 8, 8]);
  const [g] = b.node('Conv', [x, w.conv('g.w', 6, 2, 3)], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 2 }, { name: 'grouped' });
  const [m] = b.node('Mul', [g, w.uniform('scale', [6, 1, 1], 0.5, 1.5)], {}, { name: 'mul_c' });
  const [a] = b.node('Add', [m, w.normal('shift', [1, 6, 1, 1], 0.2)], {}, { name: 'add_c' });
  const [s] = b.node('Sigmoid', [a], {}, { name: 'sig' });
  const [ap] = b.node('AveragePool', [x], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }, { name: 'avg_incl' });
  const [t] = b.node('Tanh', [ap], {}, { name: 'tanh' });
  const [cat] = b.node('Concat', [s, t], { axis: 1 }, { name: 'concat' });
  const [mp] = b.node('MaxPool', [cat], { kernel_shape: [2, 2], strides: [2, 2] }, { name: 'maxpool' });
  const [flat] = b.node('Reshape', [mp, b.initializer('flat.shape', [2], [0, -1], 'int64')], {}, { name: 'reshape_flat' });
  const [fc] = b.node('Gemm', [flat, w.normal('fc.w', [160, 8], Math.sqrt(1 / 160))], {}, { name: 'fc' });
  const [target] = b.node('Constant', [], { value_ints: [0, 2, 2, 2] }, { name: 'img_shape' });
  const [back] = b.node('Reshape', [fc, target], {}, { name: 'reshape_img' });
  const [id] = b.node('Identity', [back], {}, { name: 'identity' });
  const [sq] = b.node('Mul', [id, id], {}, { name: 'square' });
  const [f2] = b.node('Flatten', [sq], {}, { name: 'flatten' });
  const [sub] = b.node('Sub', [f2, b.initializer('sub.c', [1], [0.5])], {}, { name: 'sub_c' });
  const [div] = b.node('Div', [sub, b.initializer('div.c', [8], [1, 2, 3, 4, 5, 6, 7, 8])], {}, { name: 'div_c' });
  const [out] = b.node('Softmax', [div], { axis: -1 }, { name: 'softmax', outputs: ['y'] });
  b.output(out, ['N', 8]);
  return b.toBytes();
}

/** A small graph with an op the converter does not handle (`Erf`, onnxruntime runs it). */
export function unsupportedOpModel(): Uint8Array {
  const b = new OnnxGraphBuilder({ opset: 13, name: 'gelu_mlp' });
  const w = new Weights(b, 5);
  const x = b.input('x', ['N', 4]);
  const [h] = b.node('MatMul', [x, w.normal('w', [4, 4], 0.5)], {}, { name: 'proj' });
  const [e] = b.node('Erf', [h], {}, { name: 'gelu_erf' });
  b.output(e, ['N', 4]);
  return b.toBytes();
}
