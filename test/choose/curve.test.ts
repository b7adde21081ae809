import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { compareTransfer, crossing, efficiency, learningCurve, type CurvePoint } from '../../src/choose/curve.ts';
import { timeToAccuracy } from '../../src/choose/experiment.ts';
import { initEngine } from '../../src/engine/backend.ts';
import type { EpochRecord } from '../../src/transfer/train.ts';
import { irisModel } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-curve-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test('crossing interpolates in log labels; efficiency states how many labels scratch needs', () => {
  const scratch = [
    { labels: 10, acc: 0.3 },
    { labels: 100, acc: 0.6 },
    { labels: 1000, acc: 0.9 },
  ];
  assert.equal(crossing(scratch, 0.2), 10);
  assert.equal(crossing(scratch, 0.6), 100);
  // halfway between 0.6 and 0.9 → halfway between log 100 and log 1000 → √(100·1000)
  assert.ok(Math.abs(crossing(scratch, 0.75)! - Math.sqrt(1e5)) < 1e-9);
  assert.equal(crossing(scratch, 0.95), null);

  const point = (size: number, examples: number, acc: Record<string, number>): CurvePoint => ({
    size,
    examples,
    verdicts: [],
    results: Object.entries(acc).map(([strategy, accuracy]) => ({ strategy: strategy as 'extract', accuracy, std: 0, perSeed: [], seconds: 0, epochs: 0, toTarget: { target: 0, epochs: null, seconds: null, reached: 0 }, lossCurve: [] })),
  });
  const eff = efficiency([point(1, 10, { extract: 0.5, finetune: 0.45, scratch: 0.3 }), point(10, 100, { extract: 0.75, scratch: 0.6 }), point(100, 1000, { extract: 0.95, scratch: 0.9 })], 10);
  assert.equal(eff[0].strategy, 'extract');
  assert.ok(Math.abs(eff[0].scratchLabels! - 10 ** (1 + 2 / 3)) < 1e-6, 'acc 0.5 is 2/3 of the way from 0.3 to 0.6');
  assert.match(eff[0].statement, /^scratch needs ≈ 46 labels \(4\.6 per class\) to match extract at 1 per class \(10 labels, 50\.0%\): 4\.6× as many$/);
  assert.match(eff[1].statement, /≈ 316 labels \(32 per class\)/);
  assert.equal(eff[2].scratchLabels, null);
  assert.match(eff[2].statement, /more than 1000 labels/);
});

test('timeToAccuracy counts epochs and seconds over phases', () => {
  const h = (phase: string, epoch: number, valAccuracy: number): EpochRecord => ({ phase, epoch, loss: 1, accuracy: 0, valAccuracy, learningRate: 0.1, seconds: 2 });
  const history = [h('head', 1, 0.5), h('head', 2, 0.7), h('finetune', 1, 0.85), h('finetune', 2, 0.9)];
  assert.deepEqual(timeToAccuracy(history, 0.8), { epochs: 3, seconds: 6 });
  assert.deepEqual(timeToAccuracy(history, 0.5), { epochs: 1, seconds: 2 });
  assert.equal(timeToAccuracy(history, 0.95), null);
});

test('a tiny learning curve end to end: paired runs, mean ± std per size, dynamics, verdicts, curve.json', async () => {
  const base = await irisModel(root, 'iris-src', { epochs: 20 });
  const out = join(root, 'curve');
  const c = await learningCurve({ base, train: 'builtin:iris', sizes: [3, 'all'], seeds: 2, valPerClass: 5, fit: { epochs: 4, finetuneEpochs: 2, learningRate: 0.05 }, out });
  assert.deepEqual(c.seeds, [1, 2]);
  assert.deepEqual(c.strategies, ['extract', 'finetune', 'scratch']);
  assert.equal(c.testSize, 38, 'round(150 / 4), stratified, never trained on');
  assert.equal(c.points.length, 2);
  assert.equal(c.points[0].examples, 9);
  assert.equal(c.points[1].examples, 150 - 38 - 15, 'all: the pool minus the validation examples');
  for (const p of c.points) {
    for (const r of p.results) {
      assert.equal(r.perSeed.length, 2);
      assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && r.std >= 0);
      assert.ok(r.lossCurve.length > 0 && r.lossCurve[0].valAccuracy !== undefined, 'loss curves carry validation accuracy');
      assert.ok(r.toTarget.target > 0);
    }
    assert.deepEqual(p.verdicts.map((v) => v.strategy), ['extract', 'finetune']);
    assert.ok(p.verdict && ['helped', 'no-difference', 'negative'].includes(p.verdict.kind));
  }
  assert.equal(c.dataEfficiency.length, 2);
  assert.equal(c.verdict.text.length, 2);
  assert.ok(c.shift === undefined || c.shift.pad === undefined, 'no source sample recorded for this model');
  assert.ok(existsSync(join(out, 'curve.json')));
  assert.ok(existsSync(join(out, 'n3', 'scratch-seed2', 'model', 'model.json')));

  // the same curve with its runs side by side on two worker threads: the same numbers
  const parallel = await learningCurve({ base, train: 'builtin:iris', sizes: [3, 'all'], seeds: 2, valPerClass: 5, fit: { epochs: 4, finetuneEpochs: 2, learningRate: 0.05 }, threads: 2 });
  const numbers = (x: typeof c) => x.points.map((p) => p.results.map((r) => [r.perSeed, r.lossCurve.map((e) => e.valAccuracy)]));
  assert.deepEqual(numbers(parallel), numbers(c));

  const cmp = await compareTransfer({ base, train: 'builtin:iris', perClass: 4, seeds: [7], strategies: ['extract', 'scratch'], valPerClass: 0, fit: { epochs: 2 } });
  assert.equal(cmp.point.examples, 12);
  assert.equal(cmp.point.verdict!.difference.n, 1);
  assert.equal(cmp.point.verdict!.kind, 'no-difference', 'one seed gives no interval');
  assert.match(cmp.point.verdict!.text, /run at least 2 seeds/);
  await assert.rejects(learningCurve({ base, train: 'builtin:iris', sizes: [0] }), /whole number of examples per class/);
});
