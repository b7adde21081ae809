import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransferkitError } from '../../src/errors.ts';
import { randomizedSvd } from '../../src/measures/randomized-svd.ts';
import { denseRows, toSparse } from '../../src/measures/rows.ts';
import { loadWordVectors } from '../../src/models/text/word-vectors.ts';
import { buildVocabulary, cooccurrenceCounts } from '../../src/transfer/text-pretrain/cooccurrence.ts';
import { ppmi } from '../../src/transfer/text-pretrain/ppmi.ts';
import { pretrainText } from '../../src/transfer/text-pretrain/pretrain-data.ts';
import { pretrainWordVectors } from '../../src/transfer/text-pretrain/pretrain-text.ts';
import { cli, oneJson } from '../cli/helpers.ts';

/** Dense copy of a sparse V × V matrix. */
function dense(M: ReturnType<typeof cooccurrenceCounts>): number[][] {
  const out = Array.from({ length: M.n }, () => new Array<number>(M.d).fill(0));
  for (let i = 0; i < M.n; i++) for (let p = M.indptr[i]; p < M.indptr[i + 1]; p++) out[i][M.indices[p]] = M.values[p];
  return out;
}

test('vocabulary and co-occurrence counts on a hand-counted corpus', () => {
  const docs = [['a', 'b', 'c', 'a'], ['b', 'a', 'x']];
  const v = buildVocabulary(docs, { minCount: 2 });
  assert.deepEqual(v.words, ['a', 'b']); // a ×3, b ×2; c and x once
  assert.deepEqual(Array.from(v.counts), [3, 2]);
  const all = buildVocabulary(docs, { minCount: 1 });
  assert.deepEqual(all.words, ['a', 'b', 'c', 'x']); // ties alphabetical
  // window 1: pairs a-b, b-c, c-a | b-a, a-x
  assert.deepEqual(dense(cooccurrenceCounts(docs, all, { window: 1 })), [
    [0, 2, 1, 1],
    [2, 0, 1, 0],
    [1, 1, 0, 0],
    [1, 0, 0, 0],
  ]);
  // window 2, harmonic: doc 1 adds a-c (1/2) and b-a (1/2) at distance 2; doc 2 adds b-x (1/2)
  const h = dense(cooccurrenceCounts(docs, all, { window: 2, weighting: 'harmonic' }));
  assert.deepEqual(h[0], [0, 2.5, 1.5, 1]);
  assert.deepEqual(h[1], [2.5, 0, 1, 0.5]);
  // out-of-vocabulary words keep their position: with only a and b, 'a b c a' has a–b at distance 1
  // and b–a at distance 2 (c between them), 'b a x' one more a–b: 3
  assert.deepEqual(dense(cooccurrenceCounts(docs, v, { window: 2 })), [[0, 3], [3, 0]]);
  assert.deepEqual(dense(cooccurrenceCounts(docs, v, { window: 1 })), [[0, 2], [2, 0]]);
  // a word next to itself: each occurrence has the other as context (2 on the diagonal), so
  // every row sums to the context count of its word's occurrences ('very very nice': 2 + 1, 1)
  const vv = buildVocabulary([['very', 'very', 'nice']], { minCount: 1 });
  assert.deepEqual(vv.words, ['very', 'nice']);
  assert.deepEqual(dense(cooccurrenceCounts([['very', 'very', 'nice']], vv, { window: 1 })), [[2, 1], [1, 0]]);
  assert.throws(() => cooccurrenceCounts(docs, v, { window: 0 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
  assert.throws(() => buildVocabulary([['a']], { minCount: 2 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_INPUT');
});

test('PPMI by hand: plain (α = 1) and with smoothed context probabilities', () => {
  // counts [[0, 2], [2, 1]] (symmetric): row sums 2, 3; total 5
  const C = toSparse(denseRows(Float32Array.of(0, 2, 2, 1), 2, 2)) as ReturnType<typeof cooccurrenceCounts>;
  const P = dense(ppmi(C, { alpha: 1 }));
  // PMI(0,1) = log(2·5 / (2·3)) > 0; PMI(1,0) = log(2·5/(3·2)); PMI(1,1) = log(1·5/(3·3)) < 0 → dropped
  assert.ok(Math.abs(P[0][1] - Math.log(10 / 6)) < 1e-6);
  assert.ok(Math.abs(P[1][0] - Math.log(10 / 6)) < 1e-6);
  assert.equal(P[1][1], 0);
  // α = 0.5: P_α(c) = √#c / (√2 + √3)
  const Q = dense(ppmi(C, { alpha: 0.5 }));
  const pc1 = Math.sqrt(3) / (Math.sqrt(2) + Math.sqrt(3));
  assert.ok(Math.abs(Q[0][1] - Math.log(2 / (2 * pc1))) < 1e-6);
  // shift k = 2 subtracts log 2
  assert.ok(Math.abs(dense(ppmi(C, { alpha: 1, shift: 1.2 }))[0][1] - (Math.log(10 / 6) - Math.log(1.2))) < 1e-6);
  assert.throws(() => ppmi(C, { alpha: 0 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
});

test('randomized SVD recovers a known rank-2 matrix (dense and sparse) and its singular values', () => {
  // A = 5·u1 v1ᵀ + 2·u2 v2ᵀ with orthonormal u's (6-d) and v's (4-d)
  const u1 = [1, 1, 1, 1, 1, 1].map((x) => x / Math.sqrt(6));
  const u2 = [1, -1, 1, -1, 1, -1].map((x) => x / Math.sqrt(6));
  const v1 = [1, 0, 1, 0].map((x) => x / Math.SQRT2);
  const v2 = [0, 1, 0, -1].map((x) => x / Math.SQRT2);
  const A = new Float64Array(24);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 4; j++) A[i * 4 + j] = 5 * u1[i] * v1[j] + 2 * u2[i] * v2[j];
  // sparse rows store float32 values: a looser tolerance
  for (const [X, tol] of [[denseRows(A, 6, 4), 1e-9], [toSparse(denseRows(A, 6, 4)), 1e-6]] as const) {
    const svd = randomizedSvd(X, 2, { seed: 1 });
    assert.ok(Math.abs(svd.S[0] - 5) < tol && Math.abs(svd.S[1] - 2) < tol, `singular values ${svd.S}`);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 4; j++) {
        let r = 0;
        for (let q = 0; q < 2; q++) r += svd.U[i * 2 + q] * svd.S[q] * svd.V[j * 2 + q];
        assert.ok(Math.abs(r - A[i * 4 + j]) < tol);
      }
    }
  }
  assert.throws(() => randomizedSvd(denseRows(A, 6, 4), 0), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
});

test('PPMI + SVD word vectors: words in the same contexts end up close; deterministic; saved vectors load back', async () => {
  const texts: string[] = [];
  for (let k = 0; k < 40; k++) {
    texts.push(`the cat eats fish and the cat sleeps`, `the dog eats meat and the dog sleeps`, `the car needs fuel on the road`, `the truck needs fuel on the road`);
  }
  const a = pretrainWordVectors(texts, { dims: 3, window: 2, minCount: 2 });
  const b = pretrainWordVectors(texts, { dims: 3, window: 2, minCount: 2 });
  assert.deepEqual(a.vectors.vectors, b.vectors.vectors);
  const wv = a.vectors;
  const cos = (x: string, y: string) => {
    const i = wv.index.get(x)!;
    const j = wv.index.get(y)!;
    let s = 0;
    for (let q = 0; q < wv.dims; q++) s += wv.vectors[i * wv.dims + q] * wv.vectors[j * wv.dims + q];
    return s; // rows are unit length
  };
  assert.ok(cos('cat', 'dog') > cos('cat', 'car') + 0.3, `cat~dog ${cos('cat', 'dog')}, cat~car ${cos('cat', 'car')}`);
  assert.ok(cos('car', 'truck') > cos('truck', 'dog') + 0.3);
  assert.equal(a.stats.documents, 160);
  assert.throws(() => pretrainWordVectors(['', '!!'], {}), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_INPUT');
  assert.throws(() => pretrainWordVectors(texts, { dims: 0 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');

  const root = await mkdtemp(join(tmpdir(), 'tk-selfsup-'));
  try {
    const out = join(root, 'v.tkwv');
    const ds = { name: 'toy', size: texts.length, features: { kind: 'text' as const, texts }, labels: new Int32Array(texts.length).fill(-1), classes: [] };
    const run = await pretrainText({ data: [ds], out, dims: 4, minCount: 2 });
    const back = await loadWordVectors(out);
    assert.deepEqual(back.words, run.vectors.words);
    assert.deepEqual(back.vectors, run.vectors.vectors);
    const [ok, image] = await Promise.all([
      cli('pretrain-text', '--data', 'builtin:wordnet-topics', '--out', join(root, 'wn.tkwv'), '--dims', '8', '--min-count', '3', '--json'),
      cli('pretrain-text', '--data', 'builtin:iris', '--out', join(root, 'x.tkwv'), '--json'),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const j = oneJson(ok.stdout);
    assert.equal(j.dims, 8);
    assert.equal(j.stats.documents, 1200);
    assert.equal((await loadWordVectors(join(root, 'wn.tkwv'))).words.length, j.words);
    assert.equal(image.code, 3);
    assert.equal(oneJson(image.stdout).error.code, 'KIND_MISMATCH');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
