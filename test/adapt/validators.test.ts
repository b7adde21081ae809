import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSoftmax, predictSoftmax } from '../../src/measures/logistic.ts';
import { importanceWeights } from '../../src/adapt/reweight.ts';
import { denseRows, pickRows, toDense } from '../../src/measures/rows.ts';
import { selfTrain } from '../../src/adapt/self-train.ts';
import { devRisk, informationMaximization, meanEntropy, softNeighborhoodDensity, validateCandidates } from '../../src/adapt/validators.ts';
import { createRng } from '../../src/util/random.ts';

test('entropy and information maximisation have their closed forms', () => {
  assert.ok(Math.abs(meanEntropy([0.5, 0.5, 1, 0], 2) - Math.log(2) / 2) < 1e-12);
  assert.ok(Math.abs(informationMaximization([1, 0, 0, 1], 2) + Math.log(2)) < 1e-12, 'confident and diverse: −ln 2');
  assert.ok(Math.abs(informationMaximization([1, 0, 1, 0], 2)) < 1e-12, 'confident but one class only: 0');
});

test('DEV: with equal weights it is the plain held-out loss; the control variate cancels weights correlated with the loss', () => {
  const probs = [0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7];
  const labels = [0, 1, 0, 1];
  const plain = devRisk(probs, labels, [1, 1, 1, 1], 2);
  const mean = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.7)) / 4;
  assert.ok(Math.abs(plain.risk - mean) < 1e-12 && plain.eta === 0);
  const w = [0.5, 0.5, 1.5, 1.5];
  const r = devRisk(probs, labels, w, 2);
  const L = [0.5 * -Math.log(0.9), 0.5 * -Math.log(0.8), 1.5 * -Math.log(0.6), 1.5 * -Math.log(0.7)];
  const mL = L.reduce((a, b) => a + b) / 4;
  let cov = 0;
  for (let i = 0; i < 4; i++) cov += ((L[i] - mL) * (w[i] - 1)) / 3;
  const varW = (4 * 0.25) / 3;
  assert.ok(Math.abs(r.eta + cov / varW) < 1e-12);
  assert.ok(Math.abs(r.risk - mL) < 1e-12, 'mean weight 1: the control variate term vanishes');
  assert.throws(() => devRisk([1, 0], [0], [1, 2], 2), { code: 'SHAPE_MISMATCH' });
});

test('SND is higher when target predictions form tight clusters than when they are spread out', () => {
  const rng = createRng(1);
  const clustered: number[] = [];
  const spread: number[] = [];
  for (let i = 0; i < 200; i++) {
    const c = i % 2;
    const a = 0.98 + 0.02 * rng.next();
    clustered.push(c ? 1 - a : a, c ? a : 1 - a);
    const u = rng.next();
    spread.push(u, 1 - u);
  }
  assert.ok(softNeighborhoodDensity(clustered, 2) > softNeighborhoodDensity(spread, 2));
});

/** Three Gaussian classes at (−3, 0), (3, 0), (0, 4); the target is the same moved by `off`. */
function threeClasses(n: number, off: number[], seed: number) {
  const centres = [[-3, 0], [3, 0], [0, 4]];
  const rng = createRng(seed);
  const x = new Float64Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    x[i * 2] = centres[y[i]][0] + off[0] + rng.normal();
    x[i * 2 + 1] = centres[y[i]][1] + off[1] + rng.normal();
  }
  return { X: denseRows(x, n, 2), y };
}

test('without target labels, entropy, IM and SND pick the self-trained model when the target forms its own clusters', () => {
  const s = threeClasses(450, [0, 0], 3);
  const t = threeClasses(450, [1.5, 0], 4);
  const models = {
    'source-only': fitSoftmax(s.X, s.y, 3),
    'self-train': selfTrain(s.X, s.y, t.X, 3, { prior: 'uniform', targetWeight: 3 }).model,
  };
  const accuracy = (name: keyof typeof models) => {
    const p = predictSoftmax(models[name], t.X);
    let c = 0;
    for (let i = 0; i < 450; i++) {
      let a = 0;
      for (let k = 1; k < 3; k++) if (p[i * 3 + k] > p[i * 3 + a]) a = k;
      if (a === t.y[i]) c++;
    }
    return c / 450;
  };
  assert.ok(accuracy('self-train') > accuracy('source-only') + 0.03, 'self-training is the better model here');
  const evidence = Object.entries(models).map(([name, m]) => ({ name, k: 3, targetProbs: predictSoftmax(m, t.X) }));
  const choices = validateCandidates(evidence, { seed: 1 });
  assert.deepEqual(choices.map((c) => c.validator), ['entropy', 'im', 'snd'], 'without held-out source data DEV is left out');
  for (const c of choices) {
    assert.equal(c.chosen, 'self-train', `${c.validator} chose ${c.chosen} (scores ${JSON.stringify(c.scores)})`);
    assert.equal(Object.keys(c.scores).length, 2);
  }
  assert.throws(() => validateCandidates([]), { code: 'NO_CANDIDATES' });
  assert.throws(() => validateCandidates(evidence, { validators: ['magic' as never] }), { code: 'BAD_OPTION' });
});

/** y = 1 above the parabola x₂ = x₁²/2 − 0.5; source x wide around 0, target x around (2, 1.5): covariate shift with a linear model that only fits locally. */
function parabola(n: number, seed: number, target: boolean) {
  const rng = createRng(seed);
  const x = new Float64Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = target ? 2 + 0.5 * rng.normal() : 2 * rng.normal();
    const b = target ? 1.5 + 0.5 * rng.normal() : 1.5 * rng.normal();
    x[i * 2] = a;
    x[i * 2 + 1] = b;
    y[i] = b > (a * a) / 2 - 0.5 ? 1 : 0;
  }
  return { X: denseRows(x, n, 2), y };
}

test('DEV picks the importance-weighted model under covariate shift, where it is the better one on the target', () => {
  const s = parabola(600, 1, false);
  const t = parabola(300, 2, true);
  const train = Array.from({ length: 450 }, (_, i) => i);
  const val = Array.from({ length: 150 }, (_, i) => 450 + i);
  const weights = importanceWeights({ rows: 600, cols: 2, data: toDense(s.X) }, { rows: 300, cols: 2, data: toDense(t.X) }).weights;
  const Xs = pickRows(s.X, train);
  const ys = Int32Array.from(train, (i) => s.y[i]);
  const models = {
    'source-only': fitSoftmax(Xs, ys, 2, { classWeights: 'balanced' }),
    reweight: fitSoftmax(Xs, ys, 2, { classWeights: 'balanced', weights: train.map((i) => weights[i]) }),
  };
  const Xv = pickRows(s.X, val);
  const evidence = Object.entries(models).map(([name, m]) => ({
    name,
    k: 2,
    targetProbs: predictSoftmax(m, t.X),
    sourceVal: { probs: predictSoftmax(m, Xv), labels: Int32Array.from(val, (i) => s.y[i]), weights: val.map((i) => weights[i]) },
  }));
  const [dev] = validateCandidates(evidence, { validators: ['dev'] });
  assert.equal(dev.chosen, 'reweight', JSON.stringify(dev.scores));
  const acc = (name: 'source-only' | 'reweight') => {
    const p = predictSoftmax(models[name], t.X);
    let c = 0;
    for (let i = 0; i < 300; i++) if ((p[i * 2 + 1] > p[i * 2] ? 1 : 0) === t.y[i]) c++;
    return c / 300;
  };
  assert.ok(acc('reweight') > 0.9 && acc('source-only') < 0.7, `target accuracy: source-only ${acc('source-only')}, reweight ${acc('reweight')}`);
});
