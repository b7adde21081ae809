import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { clusterData } from '../../src/unsupervised/cluster.ts';
import { detectNovelty } from '../../src/unsupervised/novelty.ts';
import { TransferkitError } from '../../src/errors.ts';

test('clothing is novel to digits on fashion-cnn features: AUROC ≥ 0.9 for k-NN and Mahalanobis (small real subset)', async () => {
  const before = tf.memory().numTensors;
  for (const method of ['knn', 'mahalanobis'] as const) {
    const r = await detectNovelty({ base: 'fashion-cnn', normal: 'builtin:mnist', novel: 'builtin:fashion-mnist-test', method, maxNormal: 400, maxTest: 200, seed: 1 });
    assert.ok(r.auroc! >= 0.9, `${method} AUROC ${r.auroc}`);
    assert.equal(r.scored.novel, 200);
    assert.equal(r.scored.test, 200);
    assert.equal(r.scores.length, 400);
    assert.ok(r.meanScore.novel! > r.meanScore.normal!);
    assert.ok(r.space.includes('fashion-cnn'));
  }
  assert.equal(tf.memory().numTensors, before, 'the base model is freed');
});

test('a held-out digit is scored by class; its examples are the positives', async () => {
  const r = await detectNovelty({ base: 'fashion-cnn', normal: 'builtin:mnist', novelClasses: ['1'], method: 'knn', maxNormal: 300, maxTest: 300, seed: 2 });
  const novel = r.scores.filter((s) => s.novel);
  assert.ok(novel.length > 10 && novel.length < 80, `about a tenth of 300 are ones, got ${novel.length}`);
  assert.ok(r.auroc! > 0.5, `AUROC ${r.auroc}`);
  await assert.rejects(detectNovelty({ normal: 'builtin:mnist', novelClasses: ['cat'], maxNormal: 50, maxTest: 50 }), (e: unknown) => e instanceof TransferkitError && e.code === 'UNKNOWN_CLASS' && /cat/.test(e.message));
  await assert.rejects(detectNovelty({ normal: 'builtin:mnist', method: 'autoencoder' }), (e: unknown) => e instanceof TransferkitError && e.code === 'MISSING_BASE' && Boolean(e.hint));
  await assert.rejects(detectNovelty({ normal: 'builtin:mnist', method: 'svm' as never }), (e: unknown) => e instanceof TransferkitError && e.code === 'UNKNOWN_METHOD');
});

test('clustering digits on fashion-cnn features and raw pixels scores NMI/ARI against the labels', async () => {
  const r = await clusterData({ base: 'fashion-cnn', data: 'builtin:mnist', k: 10, maxRows: 600, seed: 1, restarts: 2 });
  assert.equal(r.size, 600);
  assert.ok(r.labelled);
  for (const c of [r.transferred!, r.raw!]) {
    assert.equal(c.k, 10);
    assert.ok(c.nmi! > 0.3 && c.nmi! <= 1, `${c.space} NMI ${c.nmi}`);
    assert.ok(c.ari! > 0.1 && c.ari! <= 1, `${c.space} ARI ${c.ari}`);
    assert.ok(c.silhouette > -1 && c.silhouette < 1);
    assert.equal(c.labels.length, 600);
  }
  const chosen = await clusterData({ data: 'builtin:mnist', kRange: [2, 4], maxRows: 200, seed: 1, restarts: 1 });
  assert.equal(chosen.kChosenBy, 'silhouette');
  assert.equal(chosen.transferred, undefined);
  assert.deepEqual(chosen.raw!.silhouetteByK!.map((s) => s.k), [2, 3, 4]);
  assert.equal(chosen.raw!.k, chosen.raw!.silhouetteByK!.reduce((a, b) => (b.silhouette > a.silhouette ? b : a)).k);
  await assert.rejects(clusterData({ data: 'builtin:mnist', kRange: [5, 2] }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
});
