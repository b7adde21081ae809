import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestGamma, chooseCalibration, curveAt, seenUnseenCurve, type ZeroShotTrainer } from '../../src/transfer/zero-shot/calibrate.ts';
import { fitEszsl, scoreEszsl } from '../../src/transfer/zero-shot/eszsl.ts';
import { evaluateZeroShot, parseAttributeTable } from '../../src/transfer/zero-shot/index.ts';
import { TransferkitError } from '../../src/errors.ts';
import { createRng } from '../../src/util/random.ts';

/** Per-class mean accuracies on seen and unseen candidates with γ subtracted from the seen columns, by brute force. */
function bruteForce(scores: Float64Array, truth: number[], k: number, nSeen: number, gamma: number): { seen: number; unseen: number } {
  const hits = new Float64Array(k);
  const counts = new Float64Array(k);
  truth.forEach((t, i) => {
    if (t < 0) return;
    let best = 0;
    const at = (c: number) => scores[i * k + c] - (c < nSeen ? gamma : 0);
    for (let c = 1; c < k; c++) if (at(c) > at(best)) best = c;
    counts[t]++;
    if (best === t) hits[t]++;
  });
  const meanOf = (from: number, to: number) => {
    let s = 0;
    let n = 0;
    for (let c = from; c < to; c++) if (counts[c]) (s += hits[c] / counts[c]), n++;
    return s / n;
  };
  return { seen: meanOf(0, nSeen), unseen: meanOf(nSeen, k) };
}

test('the seen-unseen curve by hand: one seen and one unseen image', () => {
  const c = seenUnseenCurve(Float64Array.of(2, 1, 3, 2.5), [0, 1], 2, 1);
  assert.deepEqual(c.points.map((p) => [p.seen, p.unseen]), [[1, 0], [1, 1], [0, 1]]);
  assert.deepEqual(c.points.map((p) => p.from), [-Infinity, 0.5, 1]);
  assert.equal(c.ausuc, 1, 'a γ in (0.5, 1] gets both right: the whole square');
  assert.equal(curveAt(c, 0.5).unseen, 0, 'at γ equal to the margin the seen class still wins (ties go to seen)');
  assert.equal(curveAt(c, 0.75).harmonic, 1);
  assert.equal(curveAt(c, -5).seen, 1);
  assert.equal(curveAt(c, 5).seen, 0);
});

test('the seen-unseen curve matches brute-force calibrated argmax at every γ (random scores, ties, empty classes)', () => {
  const rng = createRng('curve');
  for (let trial = 0; trial < 20; trial++) {
    const k = 3 + Math.floor(rng.next() * 5);
    const nSeen = 1 + Math.floor(rng.next() * (k - 1));
    const n = 5 + Math.floor(rng.next() * 60);
    // rounded scores make ties between images' margins and between columns
    const scores = Float64Array.from({ length: n * k }, () => Math.round(rng.normal() * 4) / 2);
    const truth = Array.from({ length: n }, (_, i) => (i < 2 ? [0, nSeen][i] : rng.next() < 0.1 ? -1 : Math.floor(rng.next() * k)));
    const curve = seenUnseenCurve(scores, truth, k, nSeen);
    const gammas = [-100, 100, 0, ...curve.points.map((p) => p.gamma), ...curve.points.slice(1).map((p) => p.from), ...Array.from({ length: 10 }, () => rng.normal() * 3)];
    for (const g of gammas) {
      const want = bruteForce(scores, truth, k, nSeen, g);
      const got = curveAt(curve, g);
      assert.ok(Math.abs(got.seen - want.seen) < 1e-9 && Math.abs(got.unseen - want.unseen) < 1e-9, `trial ${trial} γ ${g}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    }
    assert.equal(curve.points[0].unseen, 0);
    assert.ok(Math.abs(curve.points.at(-1)!.seen) < 1e-9);
    assert.ok(curve.ausuc >= 0 && curve.ausuc <= 1 + 1e-12);
  }
  assert.throws(() => seenUnseenCurve(Float64Array.of(1, 2), [0], 2, 2), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
  assert.throws(() => seenUnseenCurve(Float64Array.of(1, 2), [0], 2, 1), (e: unknown) => e instanceof TransferkitError && e.code === 'TOO_FEW_EXAMPLES');
});

// nine classes, each with 4 of 10 attributes (seeded); features are a fixed random linear image of the
// signature plus noise. A model trained on six of them scores those higher: the generalised setting's bias
const A = 10;
const signatureRng = createRng('signatures');
const rows = Array.from({ length: 9 }, (_, c) => {
  const v = new Array<number>(A).fill(0);
  signatureRng.shuffle([...Array(A).keys()]).slice(0, 4).forEach((j) => (v[j] = 1));
  return `C${c},${v.join(',')}`;
});
const table = parseAttributeTable(`class,${[...Array(A).keys()].map((j) => `a${j}`).join(',')}\n${rows.join('\n')}\n`, 'synthetic.csv');
const UNSEEN = ['C6', 'C7', 'C8'];
function synthetic(seed: number, perClass: number): { X: { rows: number; cols: number; data: Float64Array }; y: Int32Array } {
  const rng = createRng(seed);
  const projRng = createRng(7);
  const d = 16;
  const proj = Float64Array.from({ length: A * d }, () => projRng.normal());
  const n = 9 * perClass;
  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 9;
    for (let p = 0; p < d; p++) {
      let v = rng.normal() * 1.5;
      for (let j = 0; j < A; j++) v += table.values[y[i] * A + j] * proj[j * d + p];
      X[i * d + p] = v;
    }
  }
  return { X: { rows: n, cols: d, data: X }, y };
}

test('calibrated stacking lifts the generalised harmonic mean; γ is chosen from seen classes only', () => {
  const problem = { classes: table.classes, table, train: synthetic(1, 60), test: synthetic(2, 60) };
  // measured: DAP H 0.17 -> 0.63
  const dapPlain = evaluateZeroShot(problem, { unseen: UNSEEN, method: 'dap', generalised: true, calibration: 0 });
  const dapAuto = evaluateZeroShot(problem, { unseen: UNSEEN, method: 'dap', generalised: true, seed: 3 });
  assert.ok(dapAuto.gzsl!.harmonic > dapPlain.gzsl!.harmonic + 0.2, `DAP ${dapPlain.gzsl!.harmonic} -> ${dapAuto.gzsl!.harmonic}`);
  const plain = evaluateZeroShot(problem, { unseen: UNSEEN, method: 'eszsl', generalised: true, calibration: 0 });
  const auto = evaluateZeroShot(problem, { unseen: UNSEEN, method: 'eszsl', generalised: true, seed: 3 });
  assert.equal(plain.gzsl!.gamma, 0);
  assert.match(plain.gzsl!.calibration, /none/);
  assert.deepEqual(plain.gzsl!.uncalibrated, { seen: plain.gzsl!.seen, unseen: plain.gzsl!.unseen, harmonic: plain.gzsl!.harmonic });
  assert.match(auto.gzsl!.calibration, /class-wise hold-out/);
  assert.deepEqual(auto.gzsl!.uncalibrated, plain.gzsl!.uncalibrated);
  assert.equal(auto.gzsl!.ausuc, plain.gzsl!.ausuc, 'AUSUC does not depend on γ');
  assert.ok(auto.gzsl!.harmonic > plain.gzsl!.harmonic + 0.15, `calibrated ${auto.gzsl!.harmonic} vs ${plain.gzsl!.harmonic}`);
  assert.deepEqual(auto.zsl, plain.zsl, 'conventional zero-shot is untouched');
  // the chosen γ does not depend on the test images
  const otherTest = evaluateZeroShot({ ...problem, test: synthetic(9, 30) }, { unseen: UNSEEN, method: 'eszsl', generalised: true, seed: 3 });
  assert.equal(otherTest.gzsl!.gamma, auto.gzsl!.gamma);
  // a fixed γ is used as given
  assert.equal(evaluateZeroShot(problem, { unseen: UNSEEN, generalised: true, calibration: 0.25 }).gzsl!.gamma, 0.25);
  assert.throws(() => evaluateZeroShot(problem, { unseen: UNSEEN, generalised: true, calibration: Number.NaN }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
});

test('chooseCalibration needs four seen classes; with fewer, the generalised setting falls back to the plain argmax and says why', () => {
  const train: ZeroShotTrainer = (X, y, S, z) => {
    const m = fitEszsl(X, y, S, z);
    return (Xe, Sc, k) => scoreEszsl(m, Xe, Sc, k);
  };
  const { X, y } = synthetic(1, 10);
  const two: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i] < 2) two.push(i);
  const Xtwo = { rows: two.length, cols: X.cols, data: Float64Array.from(two.flatMap((i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)))) };
  assert.throws(() => chooseCalibration(Xtwo, two.map((i) => y[i]), table.values.subarray(0, 2 * A), 2, A, train), (e: unknown) => e instanceof TransferkitError && e.code === 'TOO_FEW_EXAMPLES');
  const small = parseAttributeTable('class,a,b,c,d\nA,1,0,0,0\nB,0,1,0,0\nE,1,1,0,0\nF,0,0,1,1\n', 'small.csv');
  const data = (seed: number) => {
    const rng = createRng(seed);
    const n = 4 * 30;
    const Xs = Float64Array.from({ length: n * 4 }, (_, k) => small.values[(Math.floor(k / 4) % 4) * 4 + (k % 4)] + rng.normal() * 0.3);
    return { X: { rows: n, cols: 4, data: Xs }, y: Int32Array.from({ length: n }, (_, i) => i % 4) };
  };
  const r = evaluateZeroShot({ classes: small.classes, table: small, train: data(1), test: data(2) }, { unseen: ['A', 'B'], generalised: true });
  assert.equal(r.gzsl!.gamma, 0);
  assert.match(r.gzsl!.calibration, /^none: .*at least 4/);
});

test('bestGamma finds a γ good for every fold even when no fold\'s own points lie there', () => {
  // fold A: one seen image (margin 10) and one unseen (margin 0): both right for γ in (0, 10]
  const foldA = seenUnseenCurve(Float64Array.of(10, 0, 0, 0), [0, 1], 2, 1);
  // fold B: both right for γ in (6, 20]
  const foldB = seenUnseenCurve(Float64Array.of(20, 0, 6, 0), [0, 1], 2, 1);
  assert.equal(curveAt(foldA, 8).harmonic, 1);
  assert.equal(curveAt(foldB, 8).harmonic, 1);
  const best = bestGamma([foldA, foldB]);
  assert.equal(best.harmonic, 1);
  assert.ok(best.gamma > 6 && best.gamma <= 10, `γ ${best.gamma}`);
  // a fold where calibration cannot help keeps γ = 0 (ties go to the smallest |γ|)
  const flat = seenUnseenCurve(Float64Array.of(1, 0, 1, 0), [0, 1], 2, 1);
  assert.equal(bestGamma([flat]).harmonic, curveAt(flat, 0).harmonic);
});

test('a seen class without test images is left out of the seen mean, as the curve leaves it out', () => {
  const problem = { classes: table.classes, table, train: synthetic(1, 40), test: synthetic(2, 40) };
  const rows: number[] = [];
  problem.test.y.forEach((c, i) => { if (c !== 0) rows.push(i); });
  const d = problem.test.X.cols;
  const test = { X: { rows: rows.length, cols: d, data: Float64Array.from(rows.flatMap((i) => Array.from(problem.test.X.data.subarray(i * d, (i + 1) * d)))) }, y: Int32Array.from(rows, (i) => problem.test.y[i]) };
  const r = evaluateZeroShot({ ...problem, test }, { unseen: UNSEEN, generalised: true, calibration: 0 });
  const per = r.gzsl!.perClass;
  assert.deepEqual(per[0], { class: 'C0', accuracy: 0, images: 0 });
  const withImages = per.slice(0, 6).filter((p) => p.images > 0);
  assert.equal(withImages.length, 5);
  assert.ok(Math.abs(r.gzsl!.seen - withImages.reduce((s, p) => s + p.accuracy, 0) / 5) < 1e-12);
});
