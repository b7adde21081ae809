import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryRocAuc, classificationMetrics } from '../../src/measures/metrics.ts';
import { meanStd } from '../../src/measures/stats.ts';

// 3-class example worked by hand (the same as scikit-learn's classification_report doc example):
// y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]
// class 0: P=1/2 R=1 F1=2/3; class 1: P=0 R=0 F1=0; class 2: P=1 R=2/3 F1=0.8; macro F1 = 0.4889
function oneHotProbs(pred: number[], k: number, p = 0.8): Float32Array {
  const out = new Float32Array(pred.length * k).fill((1 - p) / (k - 1));
  pred.forEach((c, i) => (out[i * k + c] = p));
  return out;
}

test('precision, recall, F1, confusion matrix match hand-computed values', () => {
  const m = classificationMetrics(Int32Array.from([0, 1, 2, 2, 2]), oneHotProbs([0, 0, 2, 2, 1], 3), ['a', 'b', 'c']);
  assert.equal(m.accuracy, 0.6);
  assert.deepEqual(m.confusionMatrix, [[1, 0, 0], [1, 0, 0], [0, 1, 2]]);
  assert.ok(Math.abs(m.perClass[0].precision - 0.5) < 1e-12);
  assert.ok(Math.abs(m.perClass[0].f1 - 2 / 3) < 1e-12);
  assert.equal(m.perClass[1].f1, 0);
  assert.ok(Math.abs(m.perClass[2].recall - 2 / 3) < 1e-12);
  assert.ok(Math.abs(m.perClass[2].f1 - 0.8) < 1e-12);
  assert.ok(Math.abs(m.macroF1 - (2 / 3 + 0 + 0.8) / 3) < 1e-12);
  assert.ok(Math.abs(m.weightedF1 - (2 / 3 + 0 + 0.8 * 3) / 5) < 1e-12);
  // log loss: 3 right at p=0.8, 2 wrong where the true class gets 0.1
  assert.ok(Math.abs(m.logLoss - -(3 * Math.log(0.8) + 2 * Math.log(0.1)) / 5) < 1e-6);
});

test('binary ROC AUC equals the Mann–Whitney statistic, with ties counted half', () => {
  // scikit-learn doc example: roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) = 0.75
  assert.equal(binaryRocAuc([false, false, true, true], [0.1, 0.4, 0.35, 0.8]), 0.75);
  assert.equal(binaryRocAuc([true, false], [0.5, 0.5]), 0.5);
  assert.equal(binaryRocAuc([true, true], [0.1, 0.2]), null);
});

test('multiclass ROC AUC is the macro mean of one-vs-rest AUCs', () => {
  const labels = Int32Array.from([0, 1, 2, 0]);
  const probs = Float32Array.from([0.7, 0.2, 0.1, 0.3, 0.4, 0.3, 0.2, 0.2, 0.6, 0.5, 0.3, 0.2]);
  const m = classificationMetrics(labels, probs, ['x', 'y', 'z']);
  const auc0 = binaryRocAuc([true, false, false, true], [0.7, 0.3, 0.2, 0.5])!;
  const auc1 = binaryRocAuc([false, true, false, false], [0.2, 0.4, 0.2, 0.3])!;
  const auc2 = binaryRocAuc([false, false, true, false], [0.1, 0.3, 0.6, 0.2])!;
  assert.ok(Math.abs(m.rocAuc! - (auc0 + auc1 + auc2) / 3) < 1e-12);
  assert.equal(auc0, 1);
});

test('unlabelled rows are skipped and wrong shapes are refused', () => {
  const m = classificationMetrics(Int32Array.from([1, -1]), Float32Array.from([0.2, 0.8, 0.9, 0.1]), ['a', 'b']);
  assert.equal(m.n, 1);
  assert.throws(() => classificationMetrics(Int32Array.from([1]), Float32Array.from([0.2]), ['a', 'b']), /Expected 1×2/);
});

test('meanStd uses the sample standard deviation', () => {
  assert.deepEqual(meanStd([1, 2, 3]), { mean: 2, std: 1 });
});
