/**
 * Finite differences against the compiled gradients, where TF.js cannot be the reference:
 * average pooling with 'same' padding (TF.js's AvgPoolGrad divides by the whole window even
 * where the padding cut it, unlike its forward pass). The gradient is read from the first
 * Adam step's `m` output (`m = (1 − β1)·g` from zero state); the loss output is the loss at the
 * weights fed in, so nudging one weight and reading the loss gives the finite difference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { compileTrainStep, createTrainSession, lowerModel, toOnnxLayout } from '../../src/models/onnx-train/index.ts';
import { randomArray, randomLabels } from './helpers.ts';

await tf.setBackend('cpu');

test('average pooling with same padding: gradients match central finite differences (float32, h = 1e-2)', async () => {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [7, 6, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 31 }), name: 'conv' }));
  m.add(tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }));
  m.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 32 }) }));
  const n = 4;
  const { ops, inputShape, output } = lowerModel(m);
  const graph = compileTrainStep(ops, inputShape, output, { batchSize: n, numClasses: 3 });
  const session = await createTrainSession(graph.bytes, 1);
  const feeds: Record<string, ort.Tensor> = {
    x: new ort.Tensor('float32', randomArray(n * 7 * 6 * 2, 'gx'), [n, 7, 6, 2]),
    y: new ort.Tensor('int32', randomLabels(n, 3, 'gy'), [n]),
  };
  const weights = new Map<string, Float32Array>();
  for (const p of graph.params) {
    const data = toOnnxLayout(p.layout, p.variable.read().dataSync() as Float32Array, p.tfShape);
    weights.set(p.key, data);
    feeds[p.key] = new ort.Tensor('float32', data, p.onnxShape);
  }
  for (const p of graph.trainable) {
    const zeros = new Float32Array(weights.get(p.key)!.length);
    feeds[`m:${p.tfName}`] = new ort.Tensor('float32', zeros, p.onnxShape);
    feeds[`v:${p.tfName}`] = new ort.Tensor('float32', zeros, p.onnxShape);
    feeds[`adam:${p.tfName}`] = new ort.Tensor('float32', Float32Array.of(0, 0.1, 0.001), [3]);
  }
  const out = await session.run(feeds);
  const kernel = graph.params.find((p) => p.tfName === 'conv/kernel')!;
  const grad = Float32Array.from(out[`new_m:${kernel.tfName}`].data as Float32Array, (v) => v / (1 - 0.9));
  const w = weights.get(kernel.key)!;
  const lossAt = async (i: number, delta: number) => {
    const nudged = Float32Array.from(w);
    nudged[i] += delta;
    const r = await session.run({ ...feeds, [kernel.key]: new ort.Tensor('float32', nudged, kernel.onnxShape) });
    return (r.loss.data as Float32Array)[0];
  };
  const h = 1e-2;
  for (let i = 0; i < w.length; i += 5) {
    const fd = ((await lossAt(i, h)) - (await lossAt(i, -h))) / (2 * h);
    assert.ok(Math.abs(fd - grad[i]) <= 2e-3 + 2e-2 * Math.abs(grad[i]), `kernel[${i}]: finite difference ${fd}, gradient ${grad[i]}`);
  }
  await session.release();
});
