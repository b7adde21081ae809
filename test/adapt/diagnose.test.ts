import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseShift } from '../../src/adapt/diagnose.ts';
import { subset, type Dataset } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/load.ts';
import { createRng } from '../../src/util/random.ts';

/** A table with numeric x1, x2 and a categorical colour; `draw` gives (class, x1, x2). */
function table(name: string, n: number, seed: number, draw: (rng: ReturnType<typeof createRng>) => [number, number, number]): Dataset {
  const rng = createRng(seed);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const colour: string[] = [];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [y, a, b] = draw(rng);
    labels[i] = y;
    x1[i] = a;
    x2[i] = b;
    colour.push(rng.next() < 0.5 ? 'red' : 'blue');
  }
  return {
    name,
    size: n,
    features: { kind: 'tabular', columns: [{ name: 'x1', type: 'numeric', values: x1 }, { name: 'x2', type: 'numeric', values: x2 }, { name: 'colour', type: 'categorical', values: colour }] },
    labels,
    classes: ['no', 'yes'],
  };
}

/** y = [x1 > 0] with x1 ~ N(0, 1) and x2 ~ N(mean2, 1). */
const covariate = (mean2: number) => (rng: ReturnType<typeof createRng>): [number, number, number] => {
  const a = rng.normal();
  return [a > 0 ? 1 : 0, a, mean2 + rng.normal()];
};
/** x | y ~ N(±1, 1) in both columns, P(y = 1) = p. */
const prior = (p: number) => (rng: ReturnType<typeof createRng>): [number, number, number] => {
  const y = rng.next() < p ? 1 : 0;
  const m = y ? 1 : -1;
  return [y, m + rng.normal(), m + rng.normal()];
};

test('no shift: two samples of one distribution', async () => {
  const d = await diagnoseShift({ source: table('a', 300, 1, covariate(0)), target: table('b', 300, 2, covariate(0)), seed: 1 });
  assert.equal(d.verdict, 'no significant shift', d.reasons.join('\n'));
  assert.ok(d.mmd.pValue > 0.05);
  assert.ok(d.pad.pad < 0.3);
  assert.equal(d.labelShift?.significant, false);
  assert.ok(d.drift && d.drift.every((f) => f.pValue > 0.01));
});

test('covariate shift: x2 moves, the labels follow the same rule in the same proportions', async () => {
  const d = await diagnoseShift({ source: table('a', 300, 1, covariate(0)), target: table('b', 300, 2, covariate(1.5)), seed: 1 });
  assert.equal(d.verdict, 'covariate shift', d.reasons.join('\n'));
  assert.ok(d.mmd.pValue < 0.01);
  assert.ok(d.pad.pad > 0.8, `PAD ${d.pad.pad}`);
  assert.equal(d.drift![0].name, 'x2', 'the drifted column ranks first');
  assert.match(d.reasons.join('\n'), /MMD² .* < 0\.05/);
});

test('label shift: the same classes in other proportions (50/50 → 85/15) — and not called covariate shift', async () => {
  const d = await diagnoseShift({ source: table('a', 400, 1, prior(0.5)), target: table('b', 400, 2, prior(0.15)), seed: 1 });
  assert.equal(d.verdict, 'label shift', d.reasons.join('\n'));
  assert.ok(d.mmd.pValue < 0.05, 'the inputs do differ overall');
  assert.ok(d.conditionalMmd && d.conditionalMmd.pValue > 0.05, 'but not once the class mix is matched');
  assert.ok(Math.abs(d.labelShift!.targetPrior[1] - 0.15) < 0.06, `estimated target share of "yes": ${d.labelShift!.targetPrior[1]}`);
});

test('covariate shift that also changes the class mix is not mistaken for label shift when BBSE leaves the simplex', async () => {
  // y = [x2 > x1²/2 − 0.5]; source x wide around 0, target x around (2, 1.5): p(y|x) is fixed, p(x) moves
  const parabola = (target: boolean) => (rng: ReturnType<typeof createRng>): [number, number, number] => {
    const a = target ? 2 + 0.5 * rng.normal() : 2 * rng.normal();
    const b = target ? 1.5 + 0.5 * rng.normal() : 1.5 * rng.normal();
    return [b > (a * a) / 2 - 0.5 ? 1 : 0, a, b];
  };
  const d = await diagnoseShift({ source: table('a', 300, 1, parabola(false)), target: table('b', 300, 2, parabola(true)), seed: 1 });
  assert.equal(d.verdict, 'covariate shift', d.reasons.join('\n'));
  assert.ok(d.labelShift!.rawWeights.some((w) => w < 0));
  assert.match(d.reasons.join('\n'), /left the simplex/);
});

test('spam: two halves of 2002 do not differ (p > 0.05); 2002 and 2003 do (p < 0.01)', async () => {
  const s2002 = await loadDataset('builtin:spam-2002');
  const s2003 = await loadDataset('builtin:spam-2003');
  const order = createRng(7).shuffle(Array.from({ length: s2002.size }, (_, i) => i));
  const halfA = subset(s2002, order.slice(0, 300));
  const halfB = subset(s2002, order.slice(300, 600));
  const t = subset(s2003, createRng(8).shuffle(Array.from({ length: s2003.size }, (_, i) => i)).slice(0, 300));
  const text = { dims: 4096 };
  const same = await diagnoseShift({ source: halfA, target: halfB, seed: 1, text });
  assert.ok(same.mmd.pValue > 0.05, `halves of 2002: p = ${same.mmd.pValue}`);
  assert.equal(same.verdict, 'no significant shift', same.reasons.join('\n'));
  const moved = await diagnoseShift({ source: halfA, target: t, seed: 1, text });
  assert.ok(moved.mmd.pValue < 0.01, `2002 vs 2003: p = ${moved.mmd.pValue}`);
  assert.equal(moved.verdict, 'covariate and label shift', moved.reasons.join('\n'));
  assert.ok(moved.labelShift!.targetPrior[1] > 0.3, 'the 2003 mail has far more spam (half) than 2002 (a sixth)');
  assert.equal(moved.kind, 'text');
});

test('bad input: a target class the source lacks, data that does not exist, mixed kinds', async () => {
  const src = table('a', 50, 1, covariate(0));
  const other = { ...table('b', 50, 2, covariate(0)), classes: ['no', 'maybe'] };
  await assert.rejects(diagnoseShift({ source: src, target: other }), { code: 'UNKNOWN_TARGET_CLASS' });
  await assert.rejects(diagnoseShift({ source: src, target: '/nope/missing.csv', label: 'y' }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'FILE_NOT_FOUND');
    assert.match(err.message, /^Target data: /);
    return true;
  });
  const texts: Dataset = { name: 't', size: 2, features: { kind: 'text', texts: ['a', 'b'] }, labels: Int32Array.of(0, 1), classes: ['no', 'yes'] };
  await assert.rejects(diagnoseShift({ source: src, target: texts }), { code: 'KIND_MISMATCH' });
  await assert.rejects(diagnoseShift({ source: src, target: src, alpha: 2 }), { code: 'BAD_OPTION' });
});
