/**
 * Tiny source models for the choose tests: MLPs on iris saved like zoo models.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../src/data/dataset.ts';
import { fitFeatures, transformFeatures } from '../../src/data/features.ts';
import { loadDataset } from '../../src/data/load.ts';
import { buildMlp } from '../../src/models/architectures.ts';
import { saveModel } from '../../src/models/io.ts';
import { trainModel } from '../../src/transfer/train.ts';

/** Iris, loaded once. */
export const iris = await loadDataset('builtin:iris');

/**
 * Saves an iris MLP (4 → hidden → 3) as a model folder: trained for `epochs` epochs, or with
 * its hidden layer zeroed (`dead`: constant features, a useless source).
 */
export async function irisModel(root: string, name: string, opts: { epochs?: number; dead?: boolean; seed?: number; hidden?: number[] } = {}): Promise<string> {
  const spec = fitFeatures(iris);
  const model = buildMlp(4, 3, { hidden: opts.hidden ?? [8], seed: opts.seed ?? 1, dropout: 0 });
  if (opts.epochs) await trainModel(model, { ...transformFeatures(spec, iris), y: iris.labels }, { epochs: opts.epochs, seed: 1, learningRate: 0.05, batchSize: 16 });
  if (opts.dead) {
    const dense = model.getLayer('dense1');
    dense.setWeights(dense.getWeights().map((w) => tf.zerosLike(w)));
  }
  const dir = join(root, name);
  await saveModel(model, dir, { name, classes: iris.classes, features: spec });
  model.dispose();
  return dir;
}

/** Iris with every numeric column shifted by `by` of its standard deviation. */
export function shiftedIris(by: number): Dataset {
  if (iris.features.kind !== 'tabular') throw new Error('iris is tabular');
  return {
    ...iris,
    name: `iris shifted by ${by} sd`,
    features: {
      kind: 'tabular',
      columns: iris.features.columns.map((c) => {
        if (c.type !== 'numeric') return c;
        const m = c.values.reduce((a, b) => a + b, 0) / c.values.length;
        const sd = Math.sqrt(c.values.reduce((a, b) => a + (b - m) ** 2, 0) / c.values.length);
        return { ...c, values: c.values.map((v) => v + by * sd) };
      }),
    },
  };
}
