/**
 * compareDisparities: paired bootstrap comparison of several models' disparities on the same
 * rows, and the introduced / kept / reduced verdicts, on predictions built to have known
 * disparities.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareDisparities } from '../../src/audit/compare-disparities.ts';
import { createRng } from '../../src/util/random.ts';

const N = 1000;
const rng = createRng('compare-disparities');
const group = Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 'a' : 'b'));
const yTrue = Array.from({ length: N }, () => (rng.next() < 0.5 ? 'pos' : 'neg'));
/** The truth with 10% of answers flipped, whatever the group. */
const fair = () => yTrue.map((y) => (rng.next() < 0.1 ? (y === 'pos' ? 'neg' : 'pos') : y));
/** Like `fair`, and group b's negatives become positive 40% of the time. */
const biased = () => fair().map((p, i) => (group[i] === 'b' && p === 'neg' && rng.next() < 0.4 ? 'pos' : p));

test('the source model carries a disparity scratch does not have; one transferred model keeps it, one reduces it', () => {
  const r = compareDisparities({
    yTrue,
    sensitive: { group },
    positive: 'pos',
    predictions: { scratch: fair(), 'source-only': biased(), kept: biased(), reduced: fair() },
    reference: 'scratch',
    source: 'source-only',
    resamples: 400,
    seed: 3,
  });
  const by = Object.fromEntries(r.models.map((m) => [m.model, m]));
  assert.deepEqual(r.groups, ['a', 'b']);
  // selection rate of b rises by about 0.4 × P(predicted neg) ≈ 0.2: flagged, and clearly above scratch
  const src = by['source-only'].measures.demographic_parity_difference;
  assert.ok(src.value > 0.12 && src.flagged, `source DP ${src.value}`);
  assert.ok(src.low <= src.value && src.value <= src.high);
  assert.ok(by['source-only'].vsReference.demographic_parity_difference.low > 0);
  assert.match(by['source-only'].verdict, /^carries a disparity scratch does not have/);
  assert.equal(by['source-only'].vsSource, undefined, 'the source is not compared with itself');
  assert.match(by.kept.verdict, /^kept the source's disparity/);
  assert.match(by.reduced.verdict, /^reduced the source's disparity to scratch's level/);
  assert.ok(by.reduced.vsSource!.demographic_parity_difference.high < 0);
  assert.match(by.scratch.verdict, /^the reference/);
  // the differences are paired: the reference minus itself is exactly 0 in every resample
  assert.deepEqual(by.scratch.vsReference.demographic_parity_difference, { value: 0, low: 0, high: 0 });
  // the point estimate is the plain max − min of selection rates
  const sel = (p: string[], g: string) => p.filter((v, i) => group[i] === g && v === 'pos').length / (N / 2);
  const preds = { scratch: fair() };
  const again = compareDisparities({ yTrue, sensitive: { group }, positive: 'pos', predictions: { ...preds, other: preds.scratch }, reference: 'scratch', resamples: 50 });
  assert.ok(Math.abs(again.models[0].measures.demographic_parity_difference.value - Math.abs(sel(preds.scratch, 'a') - sel(preds.scratch, 'b'))) < 1e-12);
});

test('same seed, same intervals; a missing reference or a length mismatch is BAD_INPUT; one group is TOO_FEW_EXAMPLES', () => {
  const predictions = { scratch: fair(), src: biased() };
  const a = compareDisparities({ yTrue, sensitive: { group }, positive: 'pos', predictions, reference: 'scratch', resamples: 100, seed: 9 });
  const b = compareDisparities({ yTrue, sensitive: { group }, positive: 'pos', predictions, reference: 'scratch', resamples: 100, seed: 9 });
  assert.deepEqual(a, b);
  assert.throws(() => compareDisparities({ yTrue, sensitive: { group }, positive: 'pos', predictions, reference: 'nope' }), (e: { code?: string; message: string }) => e.code === 'BAD_INPUT' && /"nope" is not among the models \(scratch, src\)/.test(e.message));
  assert.throws(() => compareDisparities({ yTrue, sensitive: { group }, positive: 'pos', predictions: { scratch: predictions.scratch.slice(1) }, reference: 'scratch' }), (e: { code?: string; message: string }) => e.code === 'BAD_INPUT' && /999 predictions for 1000 rows/.test(e.message));
  assert.throws(() => compareDisparities({ yTrue, sensitive: { group: group.map(() => 'a') }, positive: 'pos', predictions, reference: 'scratch' }), (e: { code?: string }) => e.code === 'TOO_FEW_EXAMPLES');
});
