/**
 * Embedding a dataset at a base's feature layer: the default layer, flattening, labelled rows only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../src/data/dataset.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { TransferkitError } from '../../src/errors.ts';
import { buildCnn, buildLogistic, buildMlp } from '../../src/models/architectures.ts';
import { disposeModelWeights } from '../../src/models/dispose.ts';
import { defaultEmbeddingLayer, embedDataset, embeddingModel, labelledOnly, rawEmbeddings } from '../../src/transfer/few-shot/embed.ts';
import { createRng } from '../../src/util/random.ts';

await initEngine({ backend: 'wasm' });
const image = { kind: 'image' as const, height: 28, width: 28, channels: 1 };

function images(labels: number[], seed: number): Dataset {
  const rng = createRng(seed);
  return {
    name: 'toy-images',
    size: labels.length,
    labels: Int32Array.from(labels),
    classes: ['a', 'b'],
    features: { ...image, pixels: Float32Array.from({ length: labels.length * 784 }, () => rng.next()) },
  };
}

describe('embedding layer', () => {
  it('defaults to the top of the convolutional part, else the head input below its dropout', () => {
    const input = tf.input({ shape: [4] });
    const noHead = tf.model({ inputs: input, outputs: tf.layers.activation({ activation: 'relu' }).apply(input) as tf.SymbolicTensor });
    assert.throws(() => defaultEmbeddingLayer(noHead), (e: unknown) => e instanceof TransferkitError && e.code === 'NO_HEAD');
    const cnn = buildCnn([28, 28, 1], 3, { seed: 1 });
    const mlp = buildMlp(4, 3, { hidden: [8, 6], seed: 1 });
    assert.equal(defaultEmbeddingLayer(cnn), 'flatten');
    assert.equal(defaultEmbeddingLayer(mlp), 'dense2');
    const logistic = buildLogistic(4, 2);
    assert.equal(defaultEmbeddingLayer(logistic), 'features', 'a single-layer model embeds its inputs');
    for (const m of [cnn, mlp, logistic]) disposeModelWeights(m);
  });

  it('flattens a feature map: pool2 embeds as the same 3136 numbers as flatten', async () => {
    const cnn = buildCnn([28, 28, 1], 3, { seed: 2 });
    assert.deepEqual(embeddingModel(cnn, 'pool2').outputs[0].shape, [null, 3136]);
    const ds = images([0, 1, 0], 3);
    const a = await embedDataset(cnn, image, ds, { layer: 'pool2', name: 'cnn' });
    const b = await embedDataset(cnn, image, ds);
    assert.equal(a.d, 3136);
    assert.equal(b.space, 'cnn at "flatten" (3136-d)');
    for (let i = 0; i < a.x.length; i++) assert.ok(Math.abs(a.x[i] - b.x[i]) < 1e-5);
    disposeModelWeights(cnn);
  });
});

describe('labelled rows', () => {
  it('embeddings keep only labelled examples, in order', () => {
    const ds = images([0, -1, 1, -1], 4);
    const kept = labelledOnly(ds);
    assert.deepEqual(Array.from(kept.labels), [0, 1]);
    const raw = rawEmbeddings(image, ds);
    assert.equal(raw.n, 2);
    assert.equal(raw.d, 784);
    const px = (ds.features as { pixels: Float32Array }).pixels;
    assert.deepEqual(Array.from(raw.x.subarray(784, 1568)), Array.from(px.subarray(2 * 784, 3 * 784)));
  });

  it('data without labels is NO_LABELS', () => {
    assert.throws(() => labelledOnly(images([-1, -1], 5)), (e: unknown) => e instanceof TransferkitError && e.code === 'NO_LABELS');
  });
});
