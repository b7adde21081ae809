/**
 * Episode sampling (seeded, disjoint, right counts, clear errors), the interval formula, and
 * methods compared on the same episodes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateOnEpisodes, meanInterval, sampleEpisodes } from '../../src/choose/episodes.ts';
import { TransferkitError } from '../../src/errors.ts';
import type { Embeddings } from '../../src/transfer/few-shot/embed.ts';
import { createRng } from '../../src/util/random.ts';

/** `perClass[c]` examples of class c, in class order. */
function labelsOf(perClass: number[]): Int32Array {
  return Int32Array.from(perClass.flatMap((n, c) => new Array<number>(n).fill(c)));
}

const classes = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const labels = labelsOf([30, 25, 40, 22, 30, 50, 26]);

describe('sampleEpisodes', () => {
  it('gives ways classes, shots + queries of each, support and query disjoint', () => {
    const episodes = sampleEpisodes(labels, classes, { ways: 5, shots: 3, queries: 15 }, 50, 1);
    assert.equal(episodes.length, 50);
    for (const ep of episodes) {
      assert.equal(new Set(ep.classes).size, 5);
      assert.equal(ep.support.length, 15);
      assert.equal(ep.query.length, 75);
      const all = [...ep.support, ...ep.query];
      assert.equal(new Set(all).size, all.length, 'no example twice in an episode');
      ep.support.forEach((row, i) => assert.equal(labels[row], ep.classes[ep.supportY[i]]));
      ep.query.forEach((row, i) => assert.equal(labels[row], ep.classes[ep.queryY[i]]));
      for (let c = 0; c < 5; c++) {
        assert.equal(ep.supportY.filter((y) => y === c).length, 3);
        assert.equal(ep.queryY.filter((y) => y === c).length, 15);
      }
    }
  });

  it('is seeded: the same seed gives the same episodes, another seed others', () => {
    const spec = { ways: 5, shots: 1, queries: 5 };
    assert.deepEqual(sampleEpisodes(labels, classes, spec, 20, 7), sampleEpisodes(labels, classes, spec, 20, 7));
    assert.notDeepEqual(sampleEpisodes(labels, classes, spec, 20, 7), sampleEpisodes(labels, classes, spec, 20, 8));
  });

  it('varies the classes across episodes and uses all of them', () => {
    const seen = new Set<number>();
    for (const ep of sampleEpisodes(labels, classes, { ways: 3, shots: 1, queries: 1 }, 100, 1)) ep.classes.forEach((c) => seen.add(c));
    assert.equal(seen.size, classes.length);
  });

  it('a class with fewer than shots + queries examples is named with its count', () => {
    assert.throws(
      () => sampleEpisodes(labels, classes, { ways: 5, shots: 5, queries: 20 }, 10, 1),
      (e: unknown) => e instanceof TransferkitError && e.code === 'TOO_FEW_EXAMPLES' && /Class "d" has 22 examples, fewer than the 25/.test(e.message) && /at most `queries: 17` \(per class\) at `shots: 5`/.test(e.hint ?? ''),
    );
  });

  it('more ways than classes is TOO_FEW_EXAMPLES naming both numbers', () => {
    assert.throws(
      () => sampleEpisodes(labels, classes, { ways: 8, shots: 1, queries: 1 }, 10, 1),
      (e: unknown) => e instanceof TransferkitError && e.code === 'TOO_FEW_EXAMPLES' && /8-way episodes need 8 classes, but the data has 7/.test(e.message),
    );
  });

  it('refuses sizes that are not whole numbers in range', () => {
    for (const [spec, count] of [[{ ways: 1, shots: 1, queries: 1 }, 5], [{ ways: 5, shots: 0, queries: 1 }, 5], [{ ways: 5, shots: 1, queries: 1.5 }, 5], [{ ways: 5, shots: 1, queries: 1 }, 0]] as const) {
      assert.throws(() => sampleEpisodes(labels, classes, spec, count, 1), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
    }
  });
});

describe('meanInterval', () => {
  it('is the mean ± 1.96·sd/√n with the n − 1 standard deviation', () => {
    const r = meanInterval([0.5, 0.7]);
    assert.ok(Math.abs(r.mean - 0.6) < 1e-12);
    assert.ok(Math.abs(r.sd - Math.sqrt(0.02)) < 1e-12);
    assert.ok(Math.abs(r.interval - (1.96 * Math.sqrt(0.02)) / Math.SQRT2) < 1e-12);
    const same = meanInterval([0.8, 0.8, 0.8]);
    assert.ok(same.interval < 1e-12);
    assert.ok(Number.isNaN(meanInterval([]).mean));
  });
});

describe('evaluateOnEpisodes', () => {
  // two informative coordinates per class plus noise; a "raw" space where the classes are pure noise
  const rng = createRng(5);
  const k = 6;
  const perClass = 20;
  const d = 12;
  const y = labelsOf(new Array(k).fill(perClass));
  const good = new Float32Array(y.length * d);
  const noise = new Float32Array(y.length * d);
  y.forEach((c, i) => {
    for (let j = 0; j < d; j++) {
      good[i * d + j] = (j === 2 * c || j === 2 * c + 1 ? 3 : 0) + 0.5 * rng.normal() + 1;
      noise[i * d + j] = rng.normal() + 1;
    }
  });
  const names = Array.from({ length: k }, (_, c) => `c${c}`);
  const emb = (x: Float32Array, space: string): Embeddings => ({ x, n: y.length, d, labels: y, classes: names, space });

  it('scores every contender on the same episodes: informative features win, noise is near chance', () => {
    const episodes = sampleEpisodes(y, names, { ways: 3, shots: 2, queries: 5 }, 60, 1);
    let calls = 0;
    const rows = evaluateOnEpisodes(
      [
        { name: 'prototypes', method: 'prototypes', embeddings: emb(good, 'good') },
        { name: 'knn', method: 'knn', embeddings: emb(good, 'good') },
        { name: 'noise', method: 'prototypes', embeddings: emb(noise, 'noise') },
      ],
      episodes,
      { keepAccuracies: true, onEpisode: () => calls++ },
    );
    assert.equal(calls, 60);
    assert.deepEqual(rows.map((r) => r.name), ['prototypes', 'knn', 'noise']);
    assert.ok(rows[0].mean > 0.95, `prototypes ${rows[0].mean}`);
    assert.ok(rows[1].mean > 0.9, `knn ${rows[1].mean}`);
    assert.ok(rows[2].mean < 0.6, `noise ${rows[2].mean}`);
    for (const r of rows) {
      assert.equal(r.accuracies!.length, 60);
      assert.ok(Math.abs(r.mean - meanInterval(r.accuracies!).mean) < 1e-12);
      assert.equal(r.episodes, 60);
    }
  });

  it('refuses contenders that embed other examples', () => {
    const other: Embeddings = { x: good.slice(0, d * 10), n: 10, d, labels: y.slice(0, 10), classes: names, space: 'short' };
    assert.throws(
      () => evaluateOnEpisodes([{ name: 'a', method: 'prototypes', embeddings: emb(good, 'good') }, { name: 'b', method: 'prototypes', embeddings: other }], []),
      (e: unknown) => e instanceof TransferkitError && e.code === 'SHAPE_MISMATCH',
    );
  });
});
