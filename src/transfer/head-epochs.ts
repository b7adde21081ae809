/**
 * How long to train a head on small data, chosen by k-fold cross-validation instead of a
 * validation split: the head (on cached base features, so this is cheap) is trained on k − 1
 * folds for the whole budget, its held-out loss recorded after every epoch; the epoch with the
 * lowest mean held-out loss over the folds is the budget the final head trains for on all data.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { stratifiedFolds } from './linear-head.ts';
import { trainModel, type TensorData, type TrainOptions } from './train.ts';

/** What {@link chooseHeadEpochs} chose. */
export interface HeadEpochsChoice {
  /** Epochs to train on all data. */
  chosen: number;
  folds: number;
  /** Mean held-out loss after each epoch (index 0: epoch 1). */
  meanValLoss: number[];
}

/**
 * Cross-validates the number of epochs of a head: `folds` runs of `opts.epochs` epochs from the
 * head's current weights, which are restored afterwards (so the final fit starts from the same
 * initialisation). Progress callbacks of `opts` are not called.
 *
 * @example
 * ```ts
 * const { chosen } = await chooseHeadEpochs(head, { ...feats, y }, { epochs: 75, seed: 1 }, 5, 10);
 * await trainModel(head, { ...feats, y }, { epochs: chosen, seed: 1 });
 * ```
 */
export async function chooseHeadEpochs(head: tf.LayersModel, data: TensorData, opts: TrainOptions, folds: number, numClasses: number): Promise<HeadEpochsChoice> {
  const initial = head.getWeights().map((w) => w.clone());
  const n = data.shape[0];
  const per = n > 0 ? data.x.length / n : 0;
  const fold = stratifiedFolds(data.y, numClasses, folds, opts.seed);
  const part = (rows: number[]): TensorData => {
    const x = new Float32Array(rows.length * per);
    rows.forEach((r, i) => x.set(data.x.subarray(r * per, (r + 1) * per), i * per));
    return { x, shape: [rows.length, ...data.shape.slice(1)], y: Int32Array.from(rows, (r) => data.y[r]) };
  };
  const sum = new Float64Array(opts.epochs);
  try {
    for (let f = 0; f < folds; f++) {
      const train: number[] = [];
      const held: number[] = [];
      fold.forEach((g, i) => (g === f ? held : train).push(i));
      head.setWeights(initial);
      const res = await trainModel(head, part(train), {
        ...opts,
        val: part(held),
        patience: opts.epochs + 1,
        startEpoch: 1,
        phase: `${opts.phase ?? 'head'} (cross-validation fold ${f + 1})`,
        onEpoch: undefined,
        onStep: undefined,
      });
      res.history.forEach((r, e) => (sum[e] += (r.valLoss ?? NaN) / folds));
    }
  } finally {
    head.setWeights(initial);
    tf.dispose(initial);
  }
  const meanValLoss = Array.from(sum);
  let chosen = 0;
  meanValLoss.forEach((v, e) => v < meanValLoss[chosen] && (chosen = e));
  return { chosen: chosen + 1, folds, meanValLoss };
}
