import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { orderBy, rankSources, type CandidateScores } from '../../src/choose/rank.ts';
import { embed } from '../../src/choose/source.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { hScore, leep, logME, nce } from '../../src/measures/index.ts';
import { iris, irisModel } from './helpers.ts';
import { loadModelRef } from '../../src/models/load.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-rank-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test('orderBy sorts best first, numbers the ranks and puts failed candidates last', () => {
  const c = (candidate: string, logme: number): CandidateScores => ({ candidate, rank: 0, scores: { logme, leep: 0, hscore: 0, nce: 0 }, dims: 1, sourceClasses: 1, seconds: 0 });
  const r = orderBy([c('a', -1), c('b', NaN), c('c', 2), c('d', 0.5)], 'logme');
  assert.deepEqual(r.map((x) => [x.candidate, x.rank]), [['c', 1], ['d', 2], ['a', 3], ['b', 0]]);
});

test('rankSources scores each candidate with the measures on its base features and softmax, and ranks a trained source above a dead one', async () => {
  const good = await irisModel(root, 'good', { epochs: 30 });
  const dead = await irisModel(root, 'dead', { dead: true });
  const r = await rankSources({ candidates: [dead, good, join(root, 'missing')], train: 'builtin:iris' });
  assert.equal(r.metric, 'logme');
  assert.equal(r.examples, 150);
  assert.equal(r.classes, 3);
  assert.deepEqual(r.ranking.map((c) => c.candidate), [good, dead, join(root, 'missing')]);
  assert.deepEqual(r.ranking.map((c) => c.rank), [1, 2, 0]);
  assert.match(r.ranking[2].error!, /No model at/);

  // the scores are exactly the measures applied to the candidate's base features / softmax
  const src = await loadModelRef(good);
  const { features, probs } = await embed(src, iris);
  const hard = Array.from({ length: iris.size }, (_, i) => {
    const row = Array.from(probs.subarray(i * 3, i * 3 + 3));
    return row.indexOf(Math.max(...row));
  });
  const s = r.ranking[0].scores;
  assert.equal(s.logme, logME(features, iris.labels, 3).score);
  assert.equal(s.leep, leep({ rows: 150, cols: 3, data: probs }, iris.labels, 3));
  assert.equal(s.hscore, hScore(features, iris.labels));
  assert.equal(s.nce, nce(hard, iris.labels));
  assert.equal(r.ranking[0].dims, 8);
  assert.ok(s.leep > r.ranking[1].scores.leep, 'LEEP agrees');
  assert.ok(s.hscore > r.ranking[1].scores.hscore, 'H-score agrees');
  assert.ok(s.nce > r.ranking[1].scores.nce, 'NCE agrees');

  const byLeep = await rankSources({ candidates: [dead, good], train: 'builtin:iris', metric: 'leep', perClass: 10 });
  assert.equal(byLeep.examples, 30);
  assert.equal(byLeep.ranking[0].candidate, good);
  await assert.rejects(rankSources({ candidates: [], train: 'builtin:iris' }), /No candidate/);
  await assert.rejects(rankSources({ candidates: [good], train: 'builtin:iris', metric: 'nope' as 'logme' }), /Unknown transferability score/);
});
