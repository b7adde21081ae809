import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TRANSFERABILITY_METRICS } from '../../src/choose/rank.ts';
import { TRANSFERABILITY_SCORES, transferabilityScore } from '../../src/choose/transferability/registry.ts';
import { createRng } from '../../src/util/random.ts';

/** Features that carry the label (informative) or not (noise), and a softmax that agrees with it or not. */
function problem(informative: boolean, seed: number) {
  const rng = createRng(seed);
  const n = 120;
  const k = 3;
  const d = 4;
  const labels = new Int32Array(n).map((_, i) => i % k);
  const x = new Float32Array(n * d).map((_, j) => rng.normal() + (informative && j % d === 0 ? 3 * labels[Math.floor(j / d)] : 0));
  const probs = new Float32Array(n * k);
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = informative ? labels[i] : Math.floor(rng.next() * k);
    predicted[i] = c;
    for (let z = 0; z < k; z++) probs[i * k + z] = z === c ? 0.8 : 0.1;
  }
  return { features: { x, shape: [n, d] }, probs: { rows: n, cols: k, data: probs }, predicted, labels, classes: k };
}

test('the registry lists every score once, in report order, and rank takes exactly those', () => {
  assert.deepEqual(
    TRANSFERABILITY_SCORES.map((s) => s.name),
    ['logme', 'leep', 'hscore', 'nce'],
  );
  assert.deepEqual([...TRANSFERABILITY_METRICS], ['logme', 'leep', 'hscore', 'nce']);
  for (const s of TRANSFERABILITY_SCORES) {
    assert.equal(transferabilityScore(s.name), s);
    assert.ok(s.title && s.reference && s.reads, `${s.name} is described`);
  }
  assert.equal(transferabilityScore('nope'), undefined);
});

test('contract: every score is finite and ranks features that carry the labels above noise', () => {
  for (const s of TRANSFERABILITY_SCORES) {
    for (const seed of [1, 2]) {
      const good = s.score(problem(true, seed));
      const bad = s.score(problem(false, seed));
      assert.ok(Number.isFinite(good) && Number.isFinite(bad), `${s.name}: finite`);
      assert.ok(good > bad, `${s.name}: informative ${good} > noise ${bad} (seed ${seed})`);
    }
  }
});
