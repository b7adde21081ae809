import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headlineVerdict, transferVerdict } from '../../src/choose/verdict.ts';

test('helped, negative and no difference, with the interval in points', () => {
  // differences 16, 16, 18 points: mean 16.67, s = 1.155, se = 0.667, ± 4.3027·0.667 = 2.87
  const helped = transferVerdict([0.71, 0.74, 0.7], [0.55, 0.58, 0.52], { strategy: 'finetune' });
  assert.equal(helped.kind, 'helped');
  assert.equal(helped.text, 'transfer helped by 16.7 ± 2.9 points (finetune vs scratch, 95% CI over 3 seeds, paired t)');
  assert.ok(Math.abs(helped.difference.halfWidth - (4.302652729911275 * (2 / Math.sqrt(3))) / Math.sqrt(3)) < 1e-6);
  assert.ok(Math.abs(helped.transferAccuracy - 0.7166666) < 1e-6);
  assert.equal(helped.cause, undefined);

  const negative = transferVerdict([0.55, 0.58, 0.52], [0.71, 0.74, 0.7], { strategy: 'extract' });
  assert.equal(negative.kind, 'negative');
  assert.match(negative.text, /^negative transfer: −16\.7 ± 2\.9 points \(extract vs scratch/);

  const none = transferVerdict([0.7, 0.6, 0.65], [0.65, 0.65, 0.65]);
  assert.equal(none.kind, 'no-difference');
  assert.match(none.text, /^no significant difference: \+0\.0 ± \d+\.\d points/);

  assert.throws(() => transferVerdict([0.5, 0.6], [0.5]), /pairs runs by seed/);
});

test('the likely cause names a large shift, or blames the source features when the inputs look alike', () => {
  const far = transferVerdict([0.5, 0.52, 0.49], [0.6, 0.62, 0.61], { shift: { pad: 1.93, mmdPValue: 0.005 } });
  assert.equal(far.kind, 'negative');
  assert.match(far.cause!, /large shift/);
  assert.match(far.cause!, /proxy A-distance 1\.93 of 2, MMD p = 0\.005/);
  const near = transferVerdict([0.5, 0.52, 0.49], [0.6, 0.62, 0.61], { shift: { pad: 0.2, sourceConfidence: 0.3, sourceConfidenceOnSource: 0.35 } });
  assert.match(near.cause!, /features themselves/);
  assert.match(near.cause!, /30% confident on the target vs 35% on its own data/);
  const shuffled = transferVerdict([0.5, 0.52, 0.49], [0.6, 0.62, 0.61], { shift: { pad: 0.05, labelMatch: 0.13 } });
  assert.match(shuffled.cause!, /own labels explain only 13% of the target labels/);
  const unmeasured = transferVerdict([0.5, 0.52, 0.49], [0.6, 0.62, 0.61]);
  assert.match(unmeasured.cause!, /advise/);
  // no gain under a large shift is explained too; a clear gain is not
  assert.match(transferVerdict([0.6, 0.61, 0.59], [0.6, 0.6, 0.6], { shift: { pad: 1.8 } }).cause!, /large shift/);
  assert.equal(transferVerdict([0.9, 0.91, 0.92], [0.6, 0.6, 0.61], { shift: { pad: 1.8 } }).cause, undefined);
});

test('the headline is the best transfer strategy', () => {
  const a = transferVerdict([0.6, 0.61, 0.62], [0.5, 0.5, 0.5], { strategy: 'extract' });
  const b = transferVerdict([0.7, 0.71, 0.72], [0.5, 0.5, 0.5], { strategy: 'finetune' });
  assert.equal(headlineVerdict([a, b]).strategy, 'finetune');
  assert.throws(() => headlineVerdict([]), /No transfer strategy/);
});
