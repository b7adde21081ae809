import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mitigate, type MitigationMethod, type MitigationRows } from '../../src/audit/mitigate/mitigate.ts';
import { TransferkitError } from '../../src/errors.ts';
import { createRng } from '../../src/util/random.ts';

const HMDA = fileURLToPath(new URL('../../datasets/hmda/hmda.csv', import.meta.url));
const FEATURES = ['pirat', 'hirat', 'lvrat', 'chist', 'mhist', 'phist', 'unemp', 'selfemp', 'insurance', 'condomin', 'single', 'hschool'];

interface Table {
  X: number[][];
  afamColumn: number[];
  y: number[];
  afam: string[];
  real: boolean;
}

/** Boston HMDA (label deny = yes, sensitive attribute afam), or a synthetic set of the same shape when the CSV is absent. */
function hmda(): Table {
  if (existsSync(HMDA)) {
    const lines = readFileSync(HMDA, 'utf8').trim().split(/\r?\n/);
    const head = lines[0].split(',');
    const rows = lines.slice(1).map((l) => l.split(','));
    const at = (r: string[], name: string) => r[head.indexOf(name)];
    const num = (v: string) => (v === 'yes' ? 1 : v === 'no' ? 0 : Number(v));
    return {
      X: rows.map((r) => FEATURES.map((f) => num(at(r, f)))),
      afamColumn: rows.map((r) => num(at(r, 'afam'))),
      y: rows.map((r) => num(at(r, 'deny'))),
      afam: rows.map((r) => at(r, 'afam')),
      real: true,
    };
  }
  // 2,380 rows, 14% afam = yes, denial 28% vs 9%, through credit history and ratios
  const rng = createRng('hmda-synthetic');
  const t: Table = { X: [], afamColumn: [], y: [], afam: [], real: false };
  for (let i = 0; i < 2380; i++) {
    const a = rng.next() < 0.142;
    const chist = Math.min(6, Math.max(1, Math.round(1.6 + (a ? 1 : 0) + 1.2 * Math.abs(rng.normal()))));
    const pirat = 0.33 + 0.08 * rng.normal() + (a ? 0.02 : 0);
    const lvrat = 0.74 + 0.15 * rng.normal() + (a ? 0.05 : 0);
    const insurance = rng.next() < (a ? 0.04 : 0.015) ? 1 : 0;
    const z = -3.6 + 0.45 * chist + 8 * (pirat - 0.33) + 2 * (lvrat - 0.74) + 4 * insurance + 0.5 * (a ? 1 : 0) + 1.2 * rng.normal();
    t.X.push([pirat, pirat * 0.8, lvrat, chist, 2, rng.next() < 0.07 ? 1 : 0, 3 + rng.next() * 2, rng.next() < 0.12 ? 1 : 0, insurance, rng.next() < 0.3 ? 1 : 0, rng.next() < 0.4 ? 1 : 0, rng.next() < 0.98 ? 1 : 0]);
    t.afamColumn.push(a ? 1 : 0);
    t.y.push(z > 0 ? 1 : 0);
    t.afam.push(a ? 'yes' : 'no');
  }
  return t;
}

function split(t: Table, withAfam: boolean, seed: number): { train: MitigationRows; test: MitigationRows } {
  const n = t.y.length;
  const order = createRng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const cut = Math.round(0.7 * n);
  const rows = (idx: number[]): MitigationRows => ({
    X: idx.map((i) => (withAfam ? [...t.X[i], t.afamColumn[i]] : t.X[i])),
    y: idx.map((i) => t.y[i]),
    groups: idx.map((i) => t.afam[i]),
  });
  return { train: rows(order.slice(0, cut)), test: rows(order.slice(cut)) };
}

const fmt = (v: number) => v.toFixed(4);

for (const withAfam of [true, false]) {
  test(`HMDA, afam ${withAfam ? 'a feature' : 'not a feature'}: threshold optimisation (DP) halves the held-out DP difference; the accuracy cost is reported`, (t) => {
    const data = hmda();
    if (!data.real) t.diagnostic('datasets/hmda/hmda.csv is absent: a synthetic set of the same shape stands in');
    const { train, test: held } = split(data, withAfam, 1);
    const r = mitigate({ method: 'threshold', constraint: 'demographic_parity', train, test: held });
    t.diagnostic(`threshold/DP: DP ${fmt(r.before.demographicParityDifference)} → ${fmt(r.after.demographicParityDifference)}, accuracy ${fmt(r.before.accuracy)} → ${fmt(r.after.accuracy)} (cost ${fmt(r.accuracyCost)})`);
    assert.equal(r.testRows, held.y.length);
    assert.ok(r.before.demographicParityDifference > 0.05, 'the plain model treats the groups differently');
    assert.ok(r.after.demographicParityDifference <= 0.5 * r.before.demographicParityDifference, `DP ${r.before.demographicParityDifference} → ${r.after.demographicParityDifference}`);
    assert.ok(r.demographicParityChange <= -0.5);
    assert.ok(r.drawn && r.drawn.demographicParityDifference <= 0.5 * r.before.demographicParityDifference, 'one seeded draw too');
    assert.ok(Math.abs(r.accuracyCost - (r.before.accuracy - r.after.accuracy)) < 1e-15, 'the cost is stated, not hidden');
    assert.ok(r.accuracyCost < 0.03, `accuracy cost ${r.accuracyCost}`);
  });
}

test('HMDA, every method with afam as a feature: demographic parity improves on held-out rows', (t) => {
  const { train, test: held } = split(hmda(), true, 1);
  for (const method of ['reweigh', 'threshold', 'expgrad'] as MitigationMethod[]) {
    const r = mitigate({ method, constraint: 'demographic_parity', train, test: held, eps: 0.02 });
    t.diagnostic(`${method}: DP ${fmt(r.before.demographicParityDifference)} → ${fmt(r.after.demographicParityDifference)}, EO ${fmt(r.before.equalizedOddsDifference)} → ${fmt(r.after.equalizedOddsDifference)}, accuracy ${fmt(r.before.accuracy)} → ${fmt(r.after.accuracy)}`);
    assert.ok(r.after.demographicParityDifference < r.before.demographicParityDifference, method);
    assert.ok(r.notes.length > 0);
  }
});

test('the report is consistent: per-group rates give the differences, scores can replace features', () => {
  const rng = createRng('report');
  const make = (n: number): MitigationRows & { scores: number[] } => {
    const groups: string[] = [];
    const y: number[] = [];
    const scores: number[] = [];
    const X: number[][] = [];
    for (let i = 0; i < n; i++) {
      const g = rng.next() < 0.4 ? 'p' : 'q';
      const label = rng.next() < (g === 'p' ? 0.6 : 0.3) ? 1 : 0;
      const x = label - 0.5 + (g === 'p' ? 0.3 : -0.3) + rng.normal();
      groups.push(g);
      y.push(label);
      X.push([x]);
      scores.push(1 / (1 + Math.exp(-2 * x)));
    }
    return { X, y, groups, scores };
  };
  const train = make(800);
  const held = make(400);
  const r = mitigate({ method: 'threshold', constraint: 'equalized_odds', train: { ...train, X: undefined }, test: { ...held, X: undefined } });
  const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
  for (const s of [r.before, r.after]) {
    assert.ok(Math.abs(s.demographicParityDifference - spread(s.groups.map((g) => g.selectionRate))) < 1e-12);
    assert.ok(Math.abs(s.equalizedOddsDifference - Math.max(spread(s.groups.map((g) => g.truePositiveRate)), spread(s.groups.map((g) => g.falsePositiveRate)))) < 1e-12);
    const acc = s.groups.reduce((a, g) => a + g.accuracy * g.count, 0) / 400;
    assert.ok(Math.abs(acc - s.accuracy) < 1e-12);
  }
  assert.ok(r.notes[0].includes('given model scores'));
  assert.ok(r.after.equalizedOddsDifference < r.before.equalizedOddsDifference);
});

test('mitigate names bad input', () => {
  const rows: MitigationRows = { X: [[0], [1], [2], [3]], y: [0, 1, 0, 1], groups: ['a', 'a', 'b', 'b'] };
  const is = (code: string) => (e: unknown) => e instanceof TransferkitError && e.code === code && !!e.hint;
  assert.throws(() => mitigate({ method: 'nope' as MitigationMethod, train: rows, test: rows }), is('BAD_OPTION'));
  assert.throws(() => mitigate({ method: 'reweigh', train: { ...rows, X: undefined, scores: [0.1, 0.2, 0.3, 0.4] }, test: { ...rows, X: undefined, scores: [0.1, 0.2, 0.3, 0.4] } }), is('MISSING_OPTION'));
  assert.throws(() => mitigate({ method: 'reweigh', train: rows, test: { ...rows, groups: ['a', 'a', 'b', 'c'] } }), is('BAD_INPUT'));
  assert.throws(() => mitigate({ method: 'reweigh', train: rows, test: { ...rows, X: [[0], [1]] } }), is('SHAPE_MISMATCH'));
});
