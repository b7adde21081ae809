import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelShiftBBSE } from '../../src/measures/bbse.ts';
import { createRng } from '../../src/util/random.ts';
import { close, closeArrays } from './helpers.ts';

const p = [0.5, 0.3, 0.2]; // source label distribution
const q = [0.2, 0.3, 0.5]; // target label distribution
const predGivenTrue = [
  [0.8, 0.15, 0.05],
  [0.1, 0.7, 0.2],
  [0.05, 0.15, 0.8],
];

test('BBSE recovers a known label shift exactly from the population confusion matrix', () => {
  const joint = predGivenTrue.map((row, y) => row.map((v) => v * p[y]));
  const mu = [0, 1, 2].map((yh) => q.reduce((s, qy, y) => s + qy * predGivenTrue[y][yh], 0));
  const r = labelShiftBBSE(joint, mu);
  closeArrays(r.weights, [0.4, 1, 2.5], 1e-12, 'w = q/p');
  closeArrays(r.targetLabelDist, q, 1e-12, 'q');
  closeArrays(r.sourceLabelDist, p, 1e-15, 'p');
  assert.ok(r.minSingularValue > 0.05 && r.minSingularValue < 0.5);
  // counts work as well as probabilities
  closeArrays(labelShiftBBSE(joint.map((row) => row.map((v) => v * 1000)), mu.map((v) => v * 7)).weights, [0.4, 1, 2.5], 1e-12);
});

test('BBSE recovers the shift from sampled predictions', () => {
  const rng = createRng(11);
  const draw = (dist: number[]) => {
    let u = rng.next();
    for (let k = 0; k < dist.length; k++) if ((u -= dist[k]) < 0) return k;
    return dist.length - 1;
  };
  const conf = [0, 1, 2].map(() => [0, 0, 0]);
  for (let i = 0; i < 5000; i++) {
    const y = draw(p);
    conf[y][draw(predGivenTrue[y])]++;
  }
  const mu = [0, 0, 0];
  for (let i = 0; i < 5000; i++) mu[draw(predGivenTrue[draw(q)])]++;
  const r = labelShiftBBSE(conf, mu);
  closeArrays(r.targetLabelDist, q, 0.04, 'q̂');
  closeArrays(r.weights, [0.4, 1, 2.5], 0.25, 'ŵ');
});

test('BBSE clips negative weights and refuses a singular confusion matrix', () => {
  // C w = μ gives w = [−0.2, 2.2]
  const r = labelShiftBBSE([[0.45, 0.05], [0.05, 0.45]], [0.02, 0.98]);
  closeArrays(r.rawWeights, [-0.2, 2.2], 1e-12);
  closeArrays(r.weights, [0, 2.2], 1e-12);
  closeArrays(r.targetLabelDist, [0, 1], 1e-12);
  close(labelShiftBBSE([[0.45, 0.05], [0.05, 0.45]], [0.26, 0.74]).targetLabelDist[0], 0.2, 1e-12);
  assert.throws(() => labelShiftBBSE([[0.5, 0], [0.5, 0]], [0.5, 0.5]), (e: any) => e.code === 'SINGULAR_CONFUSION');
  assert.throws(() => labelShiftBBSE([[1, 0]], [1]), (e: any) => e.code === 'SHAPE_MISMATCH');
  assert.throws(() => labelShiftBBSE([[1, 0], [0, 1]], [1, 0, 0]), (e: any) => e.code === 'SHAPE_MISMATCH');
});
