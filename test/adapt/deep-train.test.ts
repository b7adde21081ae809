import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { accuracyOf, dannLambda, trainAdapted, type AdaptEpochRecord, type LabelledDomainData } from '../../src/adapt/deep/index.ts';
import { proxyADistance } from '../../src/measures/proxy-a-distance.ts';
import { buildCnn, buildMlp } from '../../src/models/architectures.ts';
import { cutAt } from '../../src/models/surgery.ts';
import { createRng } from '../../src/util/random.ts';
import { moonPoints } from './helpers.ts';

await initEngine({ backend: 'wasm' });

/**
 * The DANN paper's toy problem: two interleaving moons (classes), centred, rotated by `angle`
 * degrees for the target domain.
 */
function moons(n: number, seed: number, angle: number): LabelledDomainData {
  const { points, labels } = moonPoints(n, seed, angle);
  return { x: Float32Array.from(points.flat()), shape: [n, 2], y: Int32Array.from(labels) };
}

function images(n: number, seed: number, shift: number): LabelledDomainData {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: n * 64 }, () => Math.min(1, Math.max(0, 0.5 + shift + 0.3 * rng.normal())));
  return { x, shape: [n, 8, 8, 1], y: Int32Array.from({ length: n }, (_, i) => i % 3) };
}

const strip = (h: AdaptEpochRecord[]) => h.map(({ seconds: _s, ...rest }) => rest);

test('DANN schedule: 0 at the start, rising to ≈1', () => {
  assert.equal(dannLambda(0), 0);
  assert.ok(Math.abs(dannLambda(0.5) - (2 / (1 + Math.exp(-5)) - 1)) < 1e-12);
  assert.ok(dannLambda(1) > 0.9999 && dannLambda(1) < 1);
});

test('DANN on rotated two-moons beats source-only training on the target (or at least aligns the features)', async () => {
  const rows: string[] = [];
  let ermAcc = 0;
  let dannAcc = 0;
  let ermPad = 0;
  let dannPad = 0;
  for (const seed of [3, 4]) {
    const source = moons(300, seed, 0);
    const target = moons(300, seed + 50, 35);
    const heldOut = moons(300, seed + 99, 35);
    for (const method of ['erm', 'dann'] as const) {
      const model = buildMlp(2, 2, { hidden: [32, 32], dropout: 0, seed });
      const res = await trainAdapted({
        model,
        featureLayer: 'dense2',
        source,
        targets: [{ x: target.x, shape: target.shape }],
        method,
        lambda: 1,
        epochs: 40,
        batchSize: 32,
        lr: 0.01,
        seed,
      });
      assert.equal(res.steps, 40 * 10);
      const acc = accuracyOf(model, heldOut);
      const features = cutAt(model, 'dense2');
      const feats = (d: LabelledDomainData) => tf.tidy(() => (features.predict(tf.tensor(d.x, d.shape)) as tf.Tensor).dataSync() as Float32Array);
      const pad = proxyADistance({ x: feats(source), shape: [300, 32] }, { x: feats(heldOut), shape: [300, 32] }, { seed: 1 }).pad;
      assert.ok(accuracyOf(model, source) > 0.95, `${method} fits the source`);
      if (method === 'erm') (ermAcc += acc / 2), (ermPad += pad / 2);
      else (dannAcc += acc / 2), (dannPad += pad / 2);
      if (method === 'dann') {
        const last = res.history.at(-1)!;
        assert.ok(last.lambda > 0.99, 'λ ramped up');
        assert.ok(last.domainAccuracy! < 0.8, `domain classifier is confused: ${last.domainAccuracy}`);
      }
      rows.push(`seed ${seed} ${method}: target acc ${acc.toFixed(3)}, PAD ${pad.toFixed(3)}`);
      model.dispose();
    }
  }
  const msg = rows.join('; ');
  assert.ok(dannAcc > ermAcc + 0.05 || dannPad < ermPad - 0.05, msg);
  assert.ok(dannAcc > ermAcc, msg);
});

test('every method keeps tf.memory().numTensors flat over 30 steps and frees what it made', async () => {
  const source = images(24, 1, 0);
  const target = images(24, 2, 0.2);
  for (const method of ['erm', 'deep-coral', 'mmd', 'dann'] as const) {
    const model = buildCnn([8, 8, 1], 3, { seed: 2 });
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await trainAdapted({
      model,
      featureLayer: 'dense1',
      source,
      targets: [target],
      method,
      epochs: 10,
      batchSize: 8,
      seed: 1,
      onStep: () => counts.push(tf.memory().numTensors),
    });
    assert.equal(counts.length, 30);
    assert.deepEqual(new Set(counts).size, 1, `${method}: live tensors per step ${counts.join(',')}`);
    assert.equal(tf.memory().numTensors, before, `${method}: tensors left after training`);
    model.dispose();
  }
});

test('the same seed gives the same history (dropout and all)', async () => {
  const source = images(32, 3, 0);
  const target = images(32, 4, 0.15);
  const run = async (seed: number) => {
    const model = buildCnn([8, 8, 1], 3, { seed: 5 });
    const res = await trainAdapted({ model, featureLayer: 'dense1', source, targets: [target], method: 'dann', epochs: 2, batchSize: 8, seed, monitor: target });
    model.dispose();
    return strip(res.history);
  };
  const a = await run(7);
  assert.deepEqual(a, await run(7));
  assert.notDeepEqual(a, await run(8));
});

test('multi-source: ERM pools the domains; CORAL/MMD/DANN align them pairwise without a target', async () => {
  const sources = [0, 1, 2].map((k) => ({ ...moons(60, 10 + k, 20 * k), name: `rot${20 * k}` }));
  for (const method of ['erm', 'deep-coral', 'mmd', 'dann'] as const) {
    const model = buildMlp(2, 2, { hidden: [8], dropout: 0, seed: 1 });
    const res = await trainAdapted({ model, featureLayer: 'dense1', source: sources, method, epochs: 2, batchSize: 16, seed: 1 });
    assert.deepEqual(res.domains, ['rot0', 'rot20', 'rot40']);
    assert.equal(res.steps, 2 * 4);
    const last = res.history.at(-1)!;
    if (method === 'erm') assert.equal(last.alignLoss, 0);
    else assert.ok(last.alignLoss > 0, `${method} measured a misalignment`);
    if (method === 'deep-coral' || method === 'mmd') assert.ok(Math.abs(last.loss - (last.classLoss + last.alignLoss)) < 1e-4);
    model.dispose();
  }
});

test('bad options are named', async () => {
  const source = moons(20, 1, 0);
  const model = buildMlp(2, 2, { hidden: [4], seed: 1 });
  await assert.rejects(trainAdapted({ model, featureLayer: 'dense1', source, method: 'dann', epochs: 1, seed: 1 }), { code: 'NEED_TWO_DOMAINS' });
  await assert.rejects(trainAdapted({ model, featureLayer: 'dense1', source, method: 'bogus' as 'erm', epochs: 1, seed: 1 }), { code: 'BAD_OPTION' });
  await assert.rejects(trainAdapted({ model, featureLayer: 'nope', source, targets: [source], method: 'mmd', epochs: 1, seed: 1 }), { code: 'UNKNOWN_LAYER' });
  await assert.rejects(
    trainAdapted({ model, featureLayer: 'dense1', source, targets: [{ x: new Float32Array(9), shape: [3, 3] }], method: 'mmd', epochs: 1, seed: 1 }),
    { code: 'SHAPE_MISMATCH' },
  );
  await assert.rejects(trainAdapted({ model, featureLayer: 'dense1', source: { ...source, y: source.y.map(() => 5) }, method: 'erm', epochs: 1, seed: 1 }), { code: 'BAD_LABEL' });
  model.dispose();
});
