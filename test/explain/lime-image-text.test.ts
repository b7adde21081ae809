/**
 * LIME for images (grid / SLIC segments, fills) and for text (word parts, removal keeps the rest
 * of the text): seeded determinism, and a model that reacts to one segment / one word gives that
 * part the largest weight.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferkitError } from '../../src/errors.ts';
import type { BatchPredictFn } from '../../src/explain/gradients/batch-predict.ts';
import { gridSegments, limeImage, slicSegments } from '../../src/explain/lime-image.ts';
import { limeText } from '../../src/explain/lime-text.ts';
import { tokenize } from '../../src/data/text-features.ts';
import { createRng } from '../../src/util/random.ts';

const argmax = (a: ArrayLike<number>) => Array.from(a).indexOf(Math.max(...Array.from(a)));

/** 28×28×1 dim noise in [0, 0.3) with a bright 4×4 patch at rows 8..11, cols 12..15 (grid cell 2·7 + 3 = 17). */
function patchImage(): Float32Array {
  const rng = createRng(11);
  const x = Float32Array.from({ length: 784 }, () => 0.3 * rng.next());
  for (let r = 8; r < 12; r++) for (let q = 12; q < 16; q++) x[r * 28 + q] = 1;
  return x;
}

/** Probability of class 1 = mean of the patch; class 0 = 1 − that. Returns n × 2. */
const patchModel: BatchPredictFn = (batch, n) => {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 8; r < 12; r++) for (let q = 12; q < 16; q++) s += batch[i * 784 + r * 28 + q];
    out[2 * i + 1] = s / 16;
    out[2 * i] = 1 - s / 16;
  }
  return out;
};

describe('segmentations', () => {
  it('grid cells are numbered row by row, smaller at the edges', () => {
    const g = gridSegments(28, 28, 4);
    assert.equal(Math.max(...g), 48);
    assert.equal(g[5 * 28 + 9], 9);
    const odd = gridSegments(5, 7, [2, 3]);
    assert.deepEqual(Array.from(odd.slice(0, 7)), [0, 0, 0, 1, 1, 1, 2]);
    assert.equal(odd[4 * 7 + 6], 8);
  });

  it('SLIC-like superpixels follow an intensity edge off the grid, deterministically', () => {
    const x = Float32Array.from({ length: 784 }, (_, p) => (p % 28 < 13 ? 0.1 : 0.9));
    const s = slicSegments(x, [28, 28, 1], { nSegments: 16 });
    assert.deepEqual(s, slicSegments(x, [28, 28, 1], { nSegments: 16 }));
    const n = Math.max(...s) + 1;
    assert.ok(n >= 8 && n <= 16, `${n} segments`);
    for (let k = 0; k < n; k++) {
      const values = new Set<number>();
      s.forEach((id, p) => {
        if (id === k) values.add(x[p]);
      });
      assert.equal(values.size, 1, `segment ${k} straddles the edge`);
    }
  });
});

describe('limeImage', () => {
  it('gives the only segment the model looks at the largest weight, seeded', async () => {
    const x = patchImage();
    const a = await limeImage(patchModel, x, [28, 28, 1], 1, { nsamples: 300, seed: 4 });
    assert.equal(a.nSegments, 49);
    assert.equal(argmax(a.weights), 17);
    assert.ok(a.weights[17] > 0.5, `weight ${a.weights[17]}`);
    assert.ok(a.r2 > 0.99, `r2 ${a.r2}`);
    assert.equal(a.pixelWeights[9 * 28 + 13], Math.fround(a.weights[17]));
    assert.ok(Math.abs(a.output - 1) < 1e-6);
    const b = await limeImage(patchModel, x, [28, 28, 1], 1, { nsamples: 300, seed: 4 });
    assert.deepEqual(a, b);
    const c = await limeImage(patchModel, x, [28, 28, 1], 1, { nsamples: 300, seed: 5 });
    assert.notDeepEqual(a.weights, c.weights);
    const neg = await limeImage(patchModel, x, [28, 28, 1], 0, { nsamples: 300, seed: 4, fill: 0 });
    assert.equal(argmax(neg.weights.map((v) => -v)), 17, 'class 0 is hurt most by the patch');
  });

  it('works on SLIC segments and on a given segment map', async () => {
    const x = patchImage();
    const r = await limeImage(patchModel, x, [28, 28, 1], 1, { segmentation: 'slic', nSegments: 25, nsamples: 300, seed: 1 });
    const patchSegment = r.segments[9 * 28 + 13];
    assert.equal(argmax(r.weights), patchSegment);
    const halves = Int32Array.from({ length: 784 }, (_, p) => (Math.floor(p / 28) < 14 ? 3 : 1));
    const h = await limeImage(patchModel, x, [28, 28, 1], 1, { segmentation: halves, nsamples: 200, seed: 1 });
    assert.equal(h.nSegments, 4, 'ids kept as given; unused ids 0 and 2 get ~0');
    assert.equal(argmax(h.weights), 3);
    assert.ok(Math.abs(h.weights[0]) < 0.05 && Math.abs(h.weights[2]) < 0.05);
  });

  it('rejects a wrong image size and a missing target for a multi-class model', async () => {
    await assert.rejects(limeImage(patchModel, new Float32Array(10), [28, 28, 1], 1), (e: unknown) => e instanceof TransferkitError && e.code === 'SHAPE_MISMATCH');
    await assert.rejects(limeImage(patchModel, patchImage(), [28, 28, 1], 5, { nsamples: 10 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_TARGET');
  });
});

describe('limeText', () => {
  const text = 'The film was Terrible, truly terrible — and long.';
  const predict = (texts: string[]) => texts.map((t) => (/\bterrible\b/i.test(t) ? 0.9 : 0.2));

  it('gives the one word the model reacts to the largest weight, keeping the original spelling', async () => {
    const seen: string[] = [];
    const r = await limeText(
      (texts) => {
        seen.push(...texts);
        return predict(texts);
      },
      text,
      { nsamples: 500, seed: 2 },
    );
    assert.deepEqual(
      r.tokens.map((t) => t.token),
      ['The', 'film', 'was', 'Terrible', 'truly', 'and', 'long'],
    );
    assert.deepEqual(r.tokens[3].positions, [3, 5]);
    const top = [...r.tokens].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))[0];
    assert.equal(top.token, 'Terrible');
    assert.ok(top.weight > 0.5, `weight ${top.weight}`);
    for (const t of r.tokens) if (t.token !== 'Terrible') assert.ok(Math.abs(t.weight) < 0.05, `${t.token}: ${t.weight}`);
    assert.equal(seen[0], text, 'the first sample is the text itself');
    const nonWords = (s: string) => s.replace(/[\p{L}\p{N}]+/gu, '');
    assert.ok(seen.every((s) => nonWords(s) === nonWords(text)), 'removal keeps punctuation and spaces');
    assert.ok(seen.includes('The film was , truly  — and long.'), 'bag of words: both "terrible"s go together');
    assert.equal(r.output, 0.9);
    assert.deepEqual(new Set(r.tokens.map((t) => t.token.toLowerCase())), new Set(tokenize(text)), 'same words as tokenize');
  });

  it('is seeded and supports per-occurrence parts and n × k outputs', async () => {
    const a = await limeText(predict, text, { nsamples: 300, seed: 9 });
    const b = await limeText(predict, text, { nsamples: 300, seed: 9 });
    assert.deepEqual(a, b);
    const c = await limeText(predict, text, { nsamples: 300, seed: 10 });
    assert.notDeepEqual(a.tokens, c.tokens);
    const occ = await limeText((texts) => texts.flatMap((t) => {
      const p = /\bterrible\b/i.test(t) ? 0.9 : 0.2;
      return [1 - p, p];
    }), text, { bow: false, nsamples: 500, seed: 1, target: 1 });
    assert.equal(occ.tokens.length, 8);
    const ranked = [...occ.tokens].sort((x, y) => y.weight - x.weight).map((t) => t.token);
    assert.deepEqual(new Set(ranked.slice(0, 2)), new Set(['Terrible', 'terrible']));
    await assert.rejects(limeText(predict, ' ,;! '), (e: unknown) => e instanceof TransferkitError && e.code === 'EMPTY_TEXT');
  });
});
