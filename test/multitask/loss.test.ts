import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { checkWeights, fixedWeightLoss, taskWeights, uncertaintyLoss } from '../../src/transfer/multitask/loss.ts';
import { maskedCrossEntropy } from '../../src/transfer/multitask/train.ts';
import { multiTaskVerdict } from '../../src/transfer/multitask/verdict.ts';

await tf.setBackend('cpu');

const close = (a: number, b: number, tol = 1e-5, what = '') => assert.ok(Math.abs(a - b) < tol, `${what} ${a} vs ${b}`);

test('uncertainty loss Σ exp(−s)·CE + s equals the hand-computed value', () => {
  // CE = (2, 0.5), s = (ln 2, −1): exp(−ln 2)·2 + ln 2 + exp(1)·0.5 − 1 = 1 + 0.693147 + 1.359141 − 1
  const value = tf.tidy(() => uncertaintyLoss([tf.scalar(2), tf.scalar(0.5)], tf.tensor1d([Math.log(2), -1])).dataSync()[0]);
  close(value, 1 + Math.log(2) + Math.E * 0.5 - 1, 1e-5, 'loss');
  // at s = 0 it is the plain sum
  close(tf.tidy(() => uncertaintyLoss([tf.scalar(2), tf.scalar(0.5)], tf.zeros([2]) as tf.Tensor1D).dataSync()[0]), 2.5);
});

test('the gradient of the log-variances is 1 − exp(−s)·CE, and descent moves s_t to log CE_t', () => {
  const ce = [2, 0.5];
  const s = tf.variable(tf.zeros([2]) as tf.Tensor1D);
  const grad = tf.tidy(() => tf.grad((v: tf.Tensor) => uncertaintyLoss(ce.map((c) => tf.scalar(c)), v as tf.Tensor1D))(s).dataSync());
  // a large loss pushes s up (its weight down), a small one pushes s down (its weight up)
  close(grad[0], 1 - 2, 1e-6, 'ds0');
  close(grad[1], 1 - 0.5, 1e-6, 'ds1');
  for (let i = 0; i < 400; i++) {
    tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => uncertaintyLoss(ce.map((c) => tf.scalar(c)), v as tf.Tensor1D))(s);
      s.assign(tf.sub(s, tf.mul(g, 0.1)));
    });
  }
  const learned = s.dataSync();
  close(learned[0], Math.log(2), 1e-3, 's0');
  close(learned[1], Math.log(0.5), 1e-3, 's1');
  assert.deepEqual(taskWeights({ kind: 'uncertainty' }, 2, learned).map((w) => Number(w.toFixed(3))), [0.5, 2]);
  s.dispose();
});

test('fixed weights: Σ w·CE, and bad weights are clear errors', () => {
  close(tf.tidy(() => fixedWeightLoss([tf.scalar(2), tf.scalar(0.5)], [1, 0.5]).dataSync()[0]), 2.25);
  assert.deepEqual(taskWeights({ kind: 'fixed' }, 3), [1, 1, 1]);
  assert.throws(() => checkWeights([1], ['class', 'group']), (e: Error & { code?: string }) => e.code === 'BAD_OPTION' && /1 loss weight given for 2 tasks \(class, group\)/.test(e.message));
  assert.throws(() => checkWeights([1, -1], ['class', 'group']), /task "group" is -1/);
  assert.throws(() => checkWeights([0, 0], ['class', 'group']), /Every loss weight is 0/);
});

test('masked cross-entropy averages over labelled examples only', () => {
  const v = tf.tidy(() => maskedCrossEntropy(tf.tensor2d([[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]]), Int32Array.from([0, -1, 1]), 2).dataSync()[0]);
  close(v, -(Math.log(0.5) + Math.log(0.8)) / 2);
  close(tf.tidy(() => maskedCrossEntropy(tf.tensor2d([[0.5, 0.5]]), Int32Array.from([-1]), 2).dataSync()[0]), 0);
});

test('the multi- vs single-task verdict pairs by seed', () => {
  const v = multiTaskVerdict('group', [0.91, 0.93, 0.92], [0.89, 0.9, 0.9]);
  assert.equal(v.kind, 'helped');
  close(v.difference.mean, 2.333333, 1e-4);
  assert.match(v.text, /^multi-task helped group by 2\.3 ± \d\.\d points \(95% CI over 3 seeds, paired t\)$/);
  assert.equal(multiTaskVerdict('class', [0.7, 0.71, 0.69], [0.75, 0.76, 0.74]).kind, 'hurt');
  assert.equal(multiTaskVerdict('class', [0.7, 0.75], [0.72, 0.72]).kind, 'no-difference');
  assert.throws(() => multiTaskVerdict('class', [0.7], [0.7, 0.8]), /pairs runs by seed/);
});
