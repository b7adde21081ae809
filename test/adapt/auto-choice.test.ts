import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideAuto, validatorMargin } from '../../src/adapt/auto-choice.ts';
import { devDifference, devRisk, validateCandidates, type CandidateEvidence } from '../../src/adapt/validators.ts';
import { createRng } from '../../src/util/random.ts';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

/** Sample (co)variance with n − 1. */
function cov(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  return a.reduce((s, x, i) => s + (x - ma) * (b[i] - mb), 0) / (n - 1);
}

test('DEV standard error: the closed form (Var(L) − Cov(L, w)²/Var(w))/n is the sample variance of Zᵢ = Lᵢ + η(wᵢ − 1), over n', () => {
  const probs = [0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7, 0.55, 0.45];
  const labels = [0, 1, 0, 1, 1];
  const w = [0.5, 0.8, 1.6, 1.4, 0.9];
  const r = devRisk(probs, labels, w, 2);
  const L = labels.map((y, i) => w[i] * -Math.log(probs[i * 2 + y]));
  const eta = -cov(L, w) / cov(w, w);
  close(r.eta, eta, 1e-12, 'η');
  const Z = L.map((l, i) => l + eta * (w[i] - 1));
  close(r.risk, Z.reduce((s, z) => s + z, 0) / 5, 1e-12, 'DEV = mean of Z');
  close(r.se, Math.sqrt(cov(Z, Z) / 5), 1e-12, 'se² = Var(Z)/n');
  // equal weights: the plain standard error of the mean loss
  const plain = devRisk(probs, labels, [1, 1, 1, 1, 1], 2);
  const l = labels.map((y, i) => -Math.log(probs[i * 2 + y]));
  close(plain.se, Math.sqrt(cov(l, l) / 5), 1e-12, 'equal weights');
});

test('DEV paired margin: DEV(A) − DEV(B) exactly, with the standard error of the per-row differences (brute force)', () => {
  const rng = createRng(5);
  const n = 7;
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const w = Array.from({ length: n }, () => 0.3 + 2 * rng.next());
  const pa: number[] = [];
  const pb: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = 0.05 + 0.9 * rng.next();
    const b = 0.05 + 0.9 * rng.next();
    pa.push(a, 1 - a);
    pb.push(b, 1 - b);
  }
  const d = devDifference(pa, pb, labels, w, 2);
  close(d.difference, devRisk(pa, labels, w, 2).risk - devRisk(pb, labels, w, 2).risk, 1e-12, 'difference');
  const D = labels.map((y, i) => w[i] * (Math.log(pb[i * 2 + y]) - Math.log(pa[i * 2 + y])));
  const eta = -cov(D, w) / cov(w, w);
  const Z = D.map((x, i) => x + eta * (w[i] - 1));
  close(d.se, Math.sqrt(cov(Z, Z) / n), 1e-12, 'se of the paired margin');
  assert.throws(() => devDifference(pa, pb.slice(2), labels, w, 2), { code: 'SHAPE_MISMATCH' });
});

test('DEV standard error matches the spread of the estimate over many simulated held-out sets', () => {
  const rng = createRng(11);
  const n = 120;
  const estimates: number[] = [];
  const ses: number[] = [];
  for (let rep = 0; rep < 1500; rep++) {
    const probs = new Float64Array(2 * n);
    const labels = new Int32Array(n);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      w[i] = Math.exp(0.6 * rng.normal());
      // the loss grows with the weight: what the control variate is for
      const p = 1 / (1 + Math.exp(-(1.5 - 0.5 * w[i] + rng.normal())));
      labels[i] = i % 2;
      probs[2 * i + labels[i]] = p;
      probs[2 * i + 1 - labels[i]] = 1 - p;
    }
    const r = devRisk(probs, labels, w, 2);
    estimates.push(r.risk);
    ses.push(r.se);
  }
  const mean = estimates.reduce((s, x) => s + x, 0) / estimates.length;
  const sd = Math.sqrt(estimates.reduce((s, x) => s + (x - mean) ** 2, 0) / (estimates.length - 1));
  const meanSe = ses.reduce((s, x) => s + x, 0) / ses.length;
  assert.ok(Math.abs(meanSe / sd - 1) < 0.12, `predicted se ${meanSe.toFixed(4)} vs observed sd ${sd.toFixed(4)}`);
});

/** Held-out source rows and target rows shared by the synthetic candidates below. */
const N = 300;
const rng = createRng(3);
const labels = Int32Array.from({ length: N }, (_, i) => i % 2);
const weights = Float64Array.from({ length: N }, () => 0.4 + 1.2 * rng.next());
const baseCorrect = Float64Array.from({ length: N }, () => 0.5 + 0.3 * rng.next());

/** A candidate whose log-probability of the true class on held-out source row i is source-only's plus `shift(i)`; on the target it predicts `target`. */
function candidate(name: string, shift: (i: number) => number, target: number[]): CandidateEvidence {
  const probs = new Float64Array(2 * N);
  for (let i = 0; i < N; i++) {
    const p = baseCorrect[i] * Math.exp(shift(i));
    probs[2 * i + labels[i]] = p;
    probs[2 * i + 1 - labels[i]] = 1 - p;
  }
  return { name, k: 2, targetProbs: target, sourceVal: { probs, labels, weights } };
}

/** Target predictions: 200 rows of alternating classes, confidence `c` (± a little, so that SND has no ties). */
const targetAt = (c: number) => {
  const r = createRng(`t${c}`);
  return Array.from({ length: 200 }, (_, i) => {
    const p = c + 0.02 * (r.next() - 0.5);
    return i % 2 ? [1 - p, p] : [p, 1 - p];
  }).flat();
};
/** ±0.15 on the log scale, exactly half the rows each way (seeded order). */
const signs = createRng(4).shuffle(Array.from({ length: N }, (_, i) => (i % 2 ? 0.15 : -0.15)));

const sourceOnly = candidate('source-only', () => 0, targetAt(0.8));
/** Better than source-only by DEV on average, but by far less than the row-to-row noise of the margin. */
const noisy = candidate('reweight', (i) => signs[i] + 0.004, targetAt(0.8));
/** Better on every held-out row. */
const clearlyBetter = candidate('self-train', () => 0.08, targetAt(0.8));

test('a DEV margin within its noise keeps source-only, with a reason; a clear one replaces it', () => {
  const ev = [sourceOnly, noisy];
  const choices = validateCandidates(ev, { seed: 0 });
  const dev = choices.find((c) => c.validator === 'dev')!;
  assert.equal(dev.chosen, 'reweight', `DEV prefers the noisy candidate: ${JSON.stringify(dev.scores)}`);
  const m = validatorMargin(dev, noisy, sourceOnly);
  assert.ok(m.gain > 0 && m.se! > 0 && m.z! < 2, `within noise: ${JSON.stringify(m)}`);
  const kept = decideAuto(ev, choices, { seed: 0 });
  assert.equal(kept.chosen, 'source-only');
  assert.equal(kept.proposed, 'reweight');
  assert.equal(kept.rule, 'kept');
  assert.match(kept.reason, /kept source-only: dev prefers reweight by .* ± .*within its noise/);
  // the other validators see identical target predictions and keep the first candidate: they disagree with DEV
  assert.match(kept.risk ?? '', /validators disagree/);

  const ev2 = [sourceOnly, noisy, clearlyBetter];
  const clear = decideAuto(ev2, validateCandidates(ev2, { seed: 0 }), { seed: 0 });
  assert.equal(clear.chosen, 'self-train');
  assert.equal(clear.rule, 'margin');
  const cm = clear.margins.find((x) => x.validator === 'dev' && x.candidate === 'self-train')!;
  assert.ok(cm.z! > 2, JSON.stringify(cm));
  assert.match(clear.reason, /dev prefers self-train to source-only by .* standard errors/);
  assert.equal(clear.targetDisagreement['self-train'], 0, 'identical target predictions');
});

test('several validators agreeing replace source-only even when no margin is clear; a source-only choice stands; no source-only, no rule', () => {
  // more confident and still balanced on the target: entropy, IM and SND all choose it; DEV prefers it slightly
  const confident = candidate('coral', (i) => signs[i] + 0.004, targetAt(0.97));
  const ev = [sourceOnly, confident];
  const choices = validateCandidates(ev, { seed: 0 });
  assert.ok(choices.filter((c) => c.chosen === 'coral').length >= 3, JSON.stringify(choices.map((c) => c.chosen)));
  const strict = decideAuto(ev, choices, { z: 1e9, seed: 0 });
  assert.equal(strict.rule, 'agreement');
  assert.equal(strict.chosen, 'coral');
  assert.match(strict.reason, /\d validators \(dev, entropy, im.*\) chose coral/);
  assert.deepEqual(choices.map((c) => c.chosen), ['coral', 'coral', 'coral', 'source-only']);
  assert.match(strict.risk!, /the validators disagree \(dev → coral, entropy → coral, im → coral, snd → source-only\)/, 'a dissenting validator is named as a risk');
  // asking for more than the 4 validators means all 4: snd dissents, so source-only is kept
  const all4 = decideAuto(ev, choices, { z: 1e9, agree: 5, seed: 0 });
  assert.equal(all4.agree, 4);
  assert.equal(all4.chosen, 'source-only');
  assert.match(all4.reason, /3 of 4 validators chose it \(4, dev among them, needed\)/);

  const worse = candidate('kliep', () => -0.05, targetAt(0.8));
  const ev2 = [sourceOnly, worse];
  const d2 = decideAuto(ev2, validateCandidates(ev2, { seed: 0 }), { seed: 0 });
  assert.equal(d2.rule, 'source-only-best');
  assert.equal(d2.chosen, 'source-only');

  const ev3 = [noisy, worse];
  const d3 = decideAuto(ev3, validateCandidates(ev3, { seed: 0 }), { seed: 0 });
  assert.equal(d3.rule, 'no-baseline');
  assert.equal(d3.chosen, 'reweight');
});

test('entropy and IM margins carry their own noise estimates; SND has none; all are seeded and repeatable', () => {
  const confident = candidate('coral', () => 0, targetAt(0.97));
  const ev = [sourceOnly, confident];
  const choices = validateCandidates(ev, { seed: 0 });
  const a = decideAuto(ev, choices, { seed: 7 });
  const b = decideAuto(ev, choices, { seed: 7 });
  assert.deepEqual(a, b);
  const by = (v: string) => a.margins.find((m) => m.validator === v)!;
  assert.ok(by('entropy').gain > 0 && by('entropy').se! >= 0);
  assert.ok(by('im').gain > 0 && by('im').se! >= 0);
  assert.equal(by('snd').se, null);
  assert.equal(by('snd').z, null);
  // with entropy deciding, a sure gain on every row is a clear margin
  assert.equal(decideAuto(ev, choices, { validator: 'entropy', seed: 0 }).rule, 'margin');
  assert.throws(() => decideAuto(ev, choices.filter((c) => c.validator !== 'dev'), { validator: 'dev' }), { code: 'BAD_OPTION' });
});
