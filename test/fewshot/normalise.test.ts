/**
 * CL2N (SimpleShot): centring by the base data's mean embedding, then L2 normalisation — closed
 * forms on hand-made vectors, and the option's checks in the methods and the episodic run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateFewShot } from '../../src/choose/episodes/run.ts';
import { capRows } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/load.ts';
import { TransferkitError } from '../../src/errors.ts';
import { centreRows, l2NormalizeRows, meanEmbedding } from '../../src/transfer/few-shot/embed.ts';
import { fewShotPredict } from '../../src/transfer/few-shot/methods.ts';
import { cli, oneJson } from '../cli/helpers.ts';

describe('CL2N normalisation', () => {
  it('the mean embedding is the column mean, after the power transform when asked', () => {
    const e = { x: Float32Array.of(1, 2, 3, 6, 5, -8), n: 3, d: 2 };
    assert.deepEqual(Array.from(meanEmbedding(e)), [3, 0]);
    // sign(v)·|v|^0.5: (1 + √3 + √5) / 3 and (√2 + √6 − √8) / 3
    const m = meanEmbedding(e, 0.5);
    assert.ok(Math.abs(m[0] - (1 + Math.sqrt(3) + Math.sqrt(5)) / 3) < 1e-12);
    assert.ok(Math.abs(m[1] - (Math.SQRT2 + Math.sqrt(6) - Math.sqrt(8)) / 3) < 1e-12);
  });

  it('CL2N rows are centred (by their own mean: column sums 0) and of unit length', () => {
    const x = Float64Array.of(4, 1, 0, 2, 2, 5, 9, 0, 1, 1, 3, 7);
    const d = 3;
    const mean = meanEmbedding({ x: Float32Array.from(x), n: 4, d });
    centreRows(x, d, mean);
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < 4; i++) s += x[i * d + j];
      assert.ok(Math.abs(s) < 1e-12, `column ${j} sums to ${s}`);
    }
    l2NormalizeRows(x, d);
    for (let i = 0; i < 4; i++) {
      const norm = Math.hypot(x[i * d], x[i * d + 1], x[i * d + 2]);
      assert.ok(Math.abs(norm - 1) < 1e-12, `row ${i} has length ${norm}`);
    }
  });

  it('centring by the base mean changes the cosine decision exactly as computed by hand', () => {
    // every vector sits near (10, 0): uncentred, cosines see mostly the shared offset
    const support = { x: [11, 0, 10, 1], d: 2, y: [0, 1], k: 2 };
    const query = [10.8, 0.6];
    // uncentred: cos(q, (11,0)) = 0.99846 < cos(q, (10,1)) = 0.99902 → class 1
    assert.deepEqual(Array.from(fewShotPredict('prototypes', support, query, { metric: 'cosine' })), [1]);
    // centred by (10, 0): q = (0.8, 0.6) against (1, 0) and (0, 1) → cosines 0.8 and 0.6 → class 0
    assert.deepEqual(Array.from(fewShotPredict('prototypes', support, query, { metric: 'cosine', mean: [10, 0] })), [0]);
    // the inputs are not changed
    assert.deepEqual(support.x, [11, 0, 10, 1]);
  });

  it('a mean of the wrong length is SHAPE_MISMATCH; cl2n without base data is BAD_OPTION before any loading', async () => {
    assert.throws(
      () => fewShotPredict('prototypes', { x: [1, 0, 0, 1], d: 2, y: [0, 1], k: 2 }, [1, 0], { mean: [1, 2, 3] }),
      (e: unknown) => e instanceof TransferkitError && e.code === 'SHAPE_MISMATCH' && /3 numbers, but the embeddings have 2/.test(e.message),
    );
    await assert.rejects(
      evaluateFewShot({ base: 'no-such-model', data: 'builtin:mnist', normalise: 'cl2n' }),
      (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION' && /baseData/.test(e.message + (e.hint ?? '')),
    );
    await assert.rejects(
      evaluateFewShot({ base: 'no-such-model', data: 'builtin:mnist', normalise: 'zca' as never }),
      (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION' && /l2, cl2n/.test(e.hint ?? ''),
    );
  });

  it('end to end: fashion-cnn on MNIST with CL2N by Fashion-MNIST images, the raw-pixel row centred alike', async () => {
    const digits = capRows(await loadDataset('builtin:mnist'), 1000, 1);
    const common = { base: 'fashion-cnn', data: digits, shots: [1], queries: 5, episodes: 30, methods: ['prototypes' as const], seed: 3 };
    const l2 = await evaluateFewShot(common);
    const cl2n = await evaluateFewShot({ ...common, normalise: 'cl2n', baseData: 'builtin:fashion-mnist-test', baseRows: 300 });
    assert.equal(l2.normalise, 'l2');
    assert.equal(l2.baseData, undefined);
    assert.equal(cl2n.normalise, 'cl2n');
    assert.deepEqual(cl2n.baseData, { name: 'builtin:fashion-mnist-test', rows: 300 });
    const rows = (r: typeof l2) => r.tables[0].rows.map((x) => x.mean);
    for (const m of [...rows(l2), ...rows(cl2n)]) assert.ok(m > 0.35 && m <= 1, `accuracy ${m}`);
    // centring moves the raw-pixel row too (the same episodes): the baseline got the same treatment
    assert.notEqual(rows(cl2n)[1], rows(l2)[1]);
  });

  it('CLI: --normalise cl2n without --base-data names the missing data; --help shows the flags', async () => {
    const r = await cli('fewshot', '--base', 'fashion-cnn', '--data', 'builtin:mnist', '--normalise', 'cl2n', '--json');
    assert.notEqual(r.code, 0);
    const err = oneJson(r.stdout).error;
    assert.equal(err.code, 'BAD_OPTION');
    assert.match(err.message, /no baseData was given/);
    const help = await cli('fewshot', '--help');
    assert.match(help.stdout, /--normalise <name>/);
    assert.match(help.stdout, /--base-data <data>/);
  });
});
