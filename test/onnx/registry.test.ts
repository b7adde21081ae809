/**
 * The ONNX op registry: every op type has one converter, README lists exactly the registered
 * ops, and (a contract every op family passes, as scikit-learn's estimator checks) a tiny graph
 * of each family converts and matches onnxruntime within 1e-5. A registered op that no graph
 * below uses fails the coverage test: adding an op means adding its graph here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { OnnxGraphBuilder } from '../../src/models/onnx/builder.ts';
import { convertOnnx } from '../../src/models/onnx/convert.ts';
import type { OpConverter } from '../../src/models/onnx/ops/context.ts';
import { converterFor, indexOpFamilies, OP_FAMILIES, supportedOpTypes } from '../../src/models/onnx/ops/registry.ts';
import { parseOnnx } from '../../src/models/onnx/read.ts';
import { expectError } from '../data/helpers.ts';
import { unsupportedOpModel } from './build-models.ts';
import { maxAbsDiff, nchwToNhwc, randomInput, runOrt } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });

const TOLERANCE = 1e-5;

// ---- the registry ------------------------------------------------------------

test('every registered op type has a converter that claims it, and no op type is registered twice', () => {
  const all = OP_FAMILIES.flatMap((f) => [...f.opTypes]);
  assert.equal(new Set(all).size, all.length, `an op type is registered twice: ${all.filter((op, i) => all.indexOf(op) !== i)}`);
  assert.deepEqual(supportedOpTypes(), all);
  for (const op of all) {
    const c = converterFor(op);
    assert.ok(c, `${op} has a converter`);
    assert.ok(c.opTypes.includes(op), `${op}'s converter lists it`);
    assert.equal(typeof c.convert, 'function');
  }
  assert.equal(new Set(OP_FAMILIES.map((f) => f.family)).size, OP_FAMILIES.length, 'family names are unique');
  assert.equal(converterFor('Erf'), undefined);
  for (const f of OP_FAMILIES) {
    for (const op of Object.keys(f.limits ?? {})) assert.ok(f.opTypes.includes(op), `${f.family}: limits name ${op}, which it does not convert`);
    for (const op of Object.keys(f.foldsBias ?? {})) assert.ok(f.opTypes.includes(op), `${f.family}: foldsBias names ${op}, which it does not convert`);
  }
});

test('registering an op type twice is an error naming both families', () => {
  const fake = (family: string): OpConverter => ({ family, opTypes: ['Relu'], convert: () => {} });
  assert.throws(() => indexOpFamilies([fake('a'), fake('b')]), /Relu is registered by both the "a" and the "b" converters/);
});

test("README's ONNX op list is the registry's op types", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- onnx-ops -->([\s\S]*?)<!-- \/onnx-ops -->/.exec(readme)?.[1];
  assert.ok(block, 'README marks its list of ONNX ops with <!-- onnx-ops --> … <!-- /onnx-ops -->');
  const listed = [...block.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]);
  assert.equal(new Set(listed).size, listed.length, `README lists an op twice: ${listed.filter((op, i) => listed.indexOf(op) !== i)}`);
  const registered = supportedOpTypes();
  assert.deepEqual(
    listed.filter((op) => !registered.includes(op)),
    [],
    'README lists ops that are not registered',
  );
  assert.deepEqual(
    registered.filter((op) => !listed.includes(op)),
    [],
    'registered ops missing from README',
  );
});

test('the UNSUPPORTED_OP hint lists every registered op', async () => {
  const err = await expectError(() => convertOnnx(parseOnnx(unsupportedOpModel(), 'gelu.onnx')), 'UNSUPPORTED_OP', [/Erf node "gelu_erf"/]);
  for (const op of supportedOpTypes()) assert.match(err.hint ?? '', new RegExp(`\\b${op}\\b`), `the hint names ${op}`);
  assert.match(err.hint ?? '', /feature extractor/);
});

// ---- the contract: one tiny graph per op family -------------------------------

interface Case {
  name: string;
  bytes: Uint8Array;
  /** The ONNX input shape to run. */
  shape: number[];
}

/** Seeded weights of the given dims. */
function weight(b: OnnxGraphBuilder, name: string, dims: number[], seed: number, scale = 0.5): string {
  return b.initializer(name, dims, randomInput(dims.reduce((p, d) => p * d, 1), seed, scale));
}

const int64 = (b: OnnxGraphBuilder, name: string, values: number[], dims = [values.length]) => b.initializer(name, dims, values, 'int64');

/** A graph on one input `x`; `body` adds nodes and returns the output's name. */
function graph(name: string, dims: (number | string)[], body: (b: OnnxGraphBuilder, x: string) => string, opset = 13): Uint8Array {
  const b = new OnnxGraphBuilder({ opset, name });
  b.output(body(b, b.input('x', dims)));
  return b.toBytes();
}

const CASES: Record<string, Case[]> = {
  conv: [
    {
      name: 'depthwise, grouped and full Conv, a constant Add folded into the bias',
      shape: [2, 4, 6, 6],
      bytes: graph('conv', ['N', 4, 6, 6], (b, x) => {
        const [dw] = b.node('Conv', [x, weight(b, 'dw.w', [8, 1, 3, 3], 1)], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 4 }, { name: 'dw' });
        const [g] = b.node('Conv', [dw, weight(b, 'g.w', [6, 4, 3, 3], 2)], { kernel_shape: [3, 3], strides: [2, 2], group: 2 }, { name: 'grouped' });
        const [c] = b.node('Conv', [g, weight(b, 'c.w', [3, 6, 1, 1], 3), weight(b, 'c.b', [3], 4)], { kernel_shape: [1, 1] }, { name: 'full' });
        return b.node('Add', [c, weight(b, 'c.shift', [1, 3, 1, 1], 5)], {}, { name: 'bias_add' })[0];
      }),
    },
  ],
  gemm: [
    {
      name: 'Gemm (transB, alpha, beta), MatMul and a folded Add',
      shape: [3, 5],
      bytes: graph('gemm', ['N', 5], (b, x) => {
        const [h] = b.node('Gemm', [x, weight(b, 'w1', [4, 5], 1), weight(b, 'b1', [4], 2)], { transB: 1, alpha: 0.5, beta: 2 }, { name: 'gemm' });
        const [m] = b.node('MatMul', [h, weight(b, 'w2', [4, 3], 3)], {}, { name: 'matmul' });
        return b.node('Add', [m, weight(b, 'b2', [3], 4)], {}, { name: 'bias_add' })[0];
      }),
    },
  ],
  elementwise: [
    {
      name: 'Add and Mul of two tensors, per-channel Mul, Sub from a constant, Div by a constant',
      shape: [2, 3, 4, 4],
      bytes: graph('elementwise', ['N', 3, 4, 4], (b, x) => {
        const [scaled] = b.node('Mul', [x, b.initializer('scale', [3, 1, 1], [0.5, -1, 2])], {}, { name: 'mul_c' });
        const [sum] = b.node('Add', [scaled, x], {}, { name: 'residual' });
        const [sq] = b.node('Mul', [sum, x], {}, { name: 'gate' });
        const [neg] = b.node('Sub', [b.initializer('one', [], [1]), sq], {}, { name: 'one_minus' });
        return b.node('Div', [neg, b.initializer('div', [1, 3, 1, 1], [2, 4, -5])], {}, { name: 'div_c' })[0];
      }),
    },
  ],
  batchnorm: [
    {
      name: 'BatchNormalization of an image tensor',
      shape: [2, 3, 4, 4],
      bytes: graph('bn4', ['N', 3, 4, 4], (b, x) =>
        b.node('BatchNormalization', [x, b.initializer('s', [3], [0.5, 1, 1.5]), b.initializer('b', [3], [0.1, 0, -0.1]), b.initializer('m', [3], [0.2, -0.1, 0]), b.initializer('v', [3], [0.5, 1, 2])], { epsilon: 1e-5 }, { name: 'bn' })[0],
      ),
    },
    {
      name: 'BatchNormalization of features',
      shape: [4, 3],
      bytes: graph('bn2', ['N', 3], (b, x) =>
        b.node('BatchNormalization', [x, b.initializer('s', [3], [1.2, 0.8, 1]), b.initializer('b', [3], [0, 0.3, -0.2]), b.initializer('m', [3], [0.1, 0, 0.2]), b.initializer('v', [3], [1, 0.7, 1.3])], {}, { name: 'bn' })[0],
      ),
    },
  ],
  activations: [
    {
      name: 'LeakyRelu, Tanh, Clip(0, 0.5), Relu, Sigmoid, Softmax',
      shape: [3, 6],
      bytes: graph('activations', ['N', 6], (b, x) => {
        const [l] = b.node('LeakyRelu', [x], { alpha: 0.2 }, { name: 'lrelu' });
        const [t] = b.node('Tanh', [l], {}, { name: 'tanh' });
        const [c] = b.node('Clip', [t, b.initializer('lo', [], [0]), b.initializer('hi', [], [0.5])], {}, { name: 'clip' });
        const [r] = b.node('Relu', [c], {}, { name: 'relu' });
        const [s] = b.node('Sigmoid', [r], {}, { name: 'sigmoid' });
        return b.node('Softmax', [s], { axis: 1 }, { name: 'softmax' })[0];
      }),
    },
  ],
  pooling: [
    {
      name: 'MaxPool, AveragePool with count_include_pad, GlobalMaxPool',
      shape: [2, 2, 6, 6],
      bytes: graph('pool_max', ['N', 2, 6, 6], (b, x) => {
        const [m] = b.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] }, { name: 'maxpool' });
        const [a] = b.node('AveragePool', [m], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }, { name: 'avgpool' });
        return b.node('GlobalMaxPool', [a], {}, { name: 'gmp' })[0];
      }),
    },
    {
      name: 'GlobalAveragePool',
      shape: [2, 3, 5, 5],
      bytes: graph('pool_avg', ['N', 3, 5, 5], (b, x) => b.node('GlobalAveragePool', [x], {}, { name: 'gap' })[0]),
    },
  ],
  shape: [
    {
      name: 'Flatten of an image tensor (NHWC order inside, ONNX order out)',
      shape: [2, 2, 3, 4],
      bytes: graph('flatten', ['N', 2, 3, 4], (b, x) => b.node('Flatten', [x], { axis: 1 }, { name: 'flatten' })[0]),
    },
    {
      name: 'Reshape to another image shape and to a vector',
      shape: [2, 2, 3, 4],
      bytes: graph('reshape', ['N', 2, 3, 4], (b, x) => {
        const [img] = b.node('Reshape', [x, int64(b, 'img', [0, 4, 3, 2])], {}, { name: 'to_image' });
        return b.node('Reshape', [img, int64(b, 'vec', [-1, 24])], {}, { name: 'to_vector' })[0];
      }),
    },
  ],
  pad: [
    {
      name: 'Pad of height and width with zeros',
      shape: [2, 2, 3, 3],
      bytes: graph('pad', ['N', 2, 3, 3], (b, x) => b.node('Pad', [x, int64(b, 'pads', [0, 0, 1, 2, 0, 0, 2, 0])], {}, { name: 'pad' })[0]),
    },
  ],
  concat: [
    {
      name: 'Concat of image tensors along channels and along height',
      shape: [2, 2, 3, 3],
      bytes: graph('concat', ['N', 2, 3, 3], (b, x) => {
        const [r] = b.node('Relu', [x], {}, { name: 'relu' });
        const [c1] = b.node('Concat', [x, r], { axis: 1 }, { name: 'cat_channels1' });
        const [c2] = b.node('Concat', [r, x], { axis: -3 }, { name: 'cat_channels2' });
        return b.node('Concat', [c1, c2], { axis: 2 }, { name: 'cat_height' })[0];
      }),
    },
  ],
  'dropout-identity': [
    {
      name: 'Identity, Dropout with its ratio from a Constant',
      shape: [3, 4],
      bytes: graph('dropout', ['N', 4], (b, x) => {
        const [id] = b.node('Identity', [x], {}, { name: 'identity' });
        const [ratio] = b.node('Constant', [], { value_float: 0.25 }, { name: 'ratio' });
        return b.node('Dropout', [id, ratio], {}, { name: 'dropout' })[0];
      }),
    },
  ],
  'shape-arithmetic': [
    {
      name: 'x.reshape(x.shape[0], x.shape[1] * 16): Shape, Slice, Gather, Unsqueeze, Squeeze, Cast, Mul, Concat',
      shape: [2, 2, 4, 4],
      bytes: graph('shape_arith', ['N', 2, 4, 4], (b, x) => {
        const [s] = b.node('Shape', [x], {}, { name: 'shape' });
        const [batch] = b.node('Slice', [s, int64(b, 'start', [0]), int64(b, 'end', [1])], {}, { name: 'batch' });
        const [ch] = b.node('Gather', [s, int64(b, 'one', [1], [])], { axis: 0 }, { name: 'channels' });
        const [chList] = b.node('Unsqueeze', [ch, int64(b, 'ax0', [0])], {}, { name: 'as_list' });
        const [chScalar] = b.node('Squeeze', [chList, int64(b, 'ax0b', [0])], {}, { name: 'as_scalar' });
        const [chList2] = b.node('Unsqueeze', [chScalar, int64(b, 'ax0c', [0])], {}, { name: 'as_list2' });
        const [chCast] = b.node('Cast', [chList2], { to: 7 }, { name: 'cast' });
        const [feats] = b.node('Mul', [chCast, int64(b, 'hw', [16])], {}, { name: 'features' });
        const [target] = b.node('Concat', [batch, feats], { axis: 0 }, { name: 'target' });
        return b.node('Reshape', [x, target], {}, { name: 'reshape' })[0];
      }),
    },
  ],
};

/** Converts the case, runs both engines on one seeded input, returns the largest difference. */
async function differenceFromOrt({ bytes, shape }: Case, seed: number): Promise<{ err: number; refMax: number }> {
  const onnx = parseOnnx(bytes, 'case.onnx');
  const { model } = await convertOnnx(onnx);
  try {
    const x = randomInput(shape.reduce((p, d) => p * d, 1), seed);
    const ref = (await runOrt(bytes, onnx.inputs[0].name, x, shape))[onnx.outputs[0].name];
    const image = shape.length === 4;
    const got = tf.tidy(() => {
      const y = model.predict(tf.tensor(image ? nchwToNhwc(x, shape) : x, image ? [shape[0], shape[2], shape[3], shape[1]] : shape)) as tf.Tensor;
      return (y.rank === 4 ? tf.transpose(y, [0, 3, 1, 2]) : y).dataSync(); // 4-D outputs are NHWC
    });
    return { err: maxAbsDiff(ref.data, got), refMax: Math.max(...ref.data.map(Math.abs)) };
  } finally {
    model.dispose();
  }
}

test('every op family has a contract graph, and together they use every registered op', () => {
  assert.deepEqual(Object.keys(CASES).sort(), OP_FAMILIES.map((f) => f.family).sort(), 'one entry of CASES per family');
  const used = new Set(Object.values(CASES).flatMap((cases) => cases.flatMap((c) => parseOnnx(c.bytes, c.name).nodes.map((n) => n.opType ?? ''))));
  assert.deepEqual(
    supportedOpTypes().filter((op) => !used.has(op)),
    [],
    'registered ops that no contract graph uses',
  );
  for (const f of OP_FAMILIES) {
    const ownOps = new Set(CASES[f.family].flatMap((c) => parseOnnx(c.bytes, c.name).nodes.map((n) => n.opType ?? '')));
    assert.ok(
      f.opTypes.every((op) => ownOps.has(op)),
      `${f.family}'s graphs use each of its ops`,
    );
  }
});

for (const family of OP_FAMILIES.map((f) => f.family)) {
  test(`contract: ${family} ops convert and match onnxruntime within ${TOLERANCE}`, async () => {
    const before = tf.memory().numTensors;
    for (const c of CASES[family] ?? []) {
      for (const seed of [1, 2]) {
        const { err, refMax } = await differenceFromOrt(c, seed);
        assert.ok(refMax > 1e-3, `${c.name}: the reference output is not trivially zero`);
        assert.ok(err <= TOLERANCE, `${c.name} (seed ${seed}): max abs error ${err}`);
      }
    }
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  });
}
