/**
 * The few-shot classifiers on tiny hand-made embeddings whose answers are known.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferkitError } from '../../src/errors.ts';
import { fitSoftmax, predictSoftmax } from '../../src/measures/logistic.ts';
import { denseRows } from '../../src/measures/rows.ts';
import { l2NormalizeRows } from '../../src/transfer/few-shot/embed.ts';
import { knnPredict } from '../../src/transfer/few-shot/knn.ts';
import { checkFewShotMethod, fewShotPredict, FEW_SHOT_METHODS } from '../../src/transfer/few-shot/methods.ts';
import { probePredict, rowSpanBasis } from '../../src/transfer/few-shot/probe.ts';
import { argmaxRows, classMeans, meanPairwiseSquared, prototypeScores, refinePrototypes, softmaxRowsInPlace } from '../../src/transfer/few-shot/prototypes.ts';
import { createRng } from '../../src/util/random.ts';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-9) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `index ${i}: ${a[i]} vs ${b[i]}`);
};

describe('prototypes', () => {
  it('class means are the per-class averages', () => {
    close(classMeans({ x: [0, 0, 2, 0, 0, 4, 1, 1], d: 2, y: [0, 0, 1, 1], k: 2 }), [1, 0, 0.5, 2.5]);
  });

  it('a class without support has no prototype: TOO_FEW_EXAMPLES', () => {
    assert.throws(() => classMeans({ x: [0, 0], d: 2, y: [0], k: 2 }), (e: unknown) => e instanceof TransferkitError && e.code === 'TOO_FEW_EXAMPLES');
  });

  it('Euclidean scores are minus the squared distance; cosine scores are cosines', () => {
    const protos = Float64Array.of(0, 0, 1, 1);
    close(prototypeScores(protos, 2, 2, [0.9, 1], 'euclidean'), [-1.81, -0.01], 1e-12);
    close(prototypeScores(Float64Array.of(1, 0, 0, 2), 2, 2, [3, 3], 'cosine'), [Math.SQRT1_2, Math.SQRT1_2], 1e-12);
    assert.deepEqual(Array.from(argmaxRows(prototypeScores(protos, 2, 2, [0.1, 0, 0.8, 0.9], 'euclidean'), 2)), [0, 1]);
  });

  it('Euclidean and cosine disagree where only the direction matters', () => {
    // the query is closer to class 0's prototype, but points more along class 1's direction
    const support = { x: [10, 0, 0, 1], d: 2, y: [0, 1], k: 2 };
    assert.deepEqual(Array.from(fewShotPredict('prototypes', support, [6, 7], { metric: 'euclidean' })), [0]);
    assert.deepEqual(Array.from(fewShotPredict('prototypes', support, [6, 7], { metric: 'cosine' })), [1]);
  });

  it('soft k-means refinement pulls a badly placed one-shot prototype to its query cluster', () => {
    // class 0's only support point lies far from its query cluster around (2.5, 3), which is
    // nearer class 1's support point: the plain rule gets those queries wrong
    const support = { x: [0, 0, 4, 0], d: 2, y: [0, 1], k: 2 };
    const queries = [2.5, 3, 2.4, 3.1, 2.6, 2.9, 5, -1, 5.1, -0.9];
    const truth = [0, 0, 0, 1, 1];
    const plain = fewShotPredict('prototypes', support, queries, { metric: 'euclidean' });
    assert.deepEqual(Array.from(plain), [1, 1, 1, 1, 1], 'the plain prototype misclassifies');
    const refined = fewShotPredict('prototypes-transductive', support, queries, { metric: 'euclidean', temperature: 4, iterations: 5 });
    assert.deepEqual(Array.from(refined), truth);
    const protos = refinePrototypes(support, queries, { metric: 'euclidean', temperature: 4, iterations: 5 });
    assert.ok(protos[1] > 1, `class 0's prototype moved toward its queries (y = ${protos[1]})`);
  });

  it('zero refinement steps leave the class means', () => {
    const s = { x: [0, 1, 2, 3], d: 2, y: [0, 1], k: 2 };
    close(refinePrototypes(s, [5, 5], { metric: 'euclidean', iterations: 0 }), classMeans(s));
  });

  it('softmax rows sum to one; the mean pairwise squared distance is exact', () => {
    const m = softmaxRowsInPlace(Float64Array.of(1, 2, 3, 0, 0, 0), 3, 0.5);
    close([m[0] + m[1] + m[2], m[3] + m[4] + m[5]], [1, 1], 1e-12);
    assert.equal(meanPairwiseSquared(Float64Array.of(0, 0, 3, 4), 2, 2), 25);
    assert.equal(meanPairwiseSquared(Float64Array.of(0, 0, 3, 4, 0, 4), 3, 2), (25 + 16 + 9) / 3);
  });

  it('L2 normalisation makes rows unit length and leaves zero rows alone', () => {
    close(l2NormalizeRows(Float64Array.of(3, 4, 0, 0), 2), [0.6, 0.8, 0, 0]);
  });
});

describe('k nearest neighbours', () => {
  const support = { x: [0, 0, 1, 0, 10, 10, 10, 11, 9, 10], d: 2, y: [0, 0, 1, 1, 1], k: 2 };

  it('1-NN takes the nearest support vector', () => {
    assert.deepEqual(Array.from(knnPredict(support, [0.4, 0, 9.6, 10], { metric: 'euclidean' })), [0, 1]);
  });

  it('an unweighted majority outvotes a closer neighbour; distance weighting does not', () => {
    // query next to class 0's two points, but its 5 neighbours are 2 of class 0 and 3 of class 1
    const q = [0.5, 0];
    assert.deepEqual(Array.from(knnPredict(support, q, { metric: 'euclidean', neighbours: 5 })), [1]);
    assert.deepEqual(Array.from(knnPredict(support, q, { metric: 'euclidean', neighbours: 5, weighted: true })), [0]);
  });

  it('ties go to the class of the nearest voter', () => {
    assert.deepEqual(Array.from(knnPredict({ x: [0, 0, 3, 0], d: 2, y: [1, 0], k: 2 }, [1, 0], { metric: 'euclidean', neighbours: 2 })), [1]);
  });

  it('refuses a neighbour count that is not a whole number ≥ 1', () => {
    assert.throws(() => knnPredict(support, [0, 0], { neighbours: 0 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
  });
});

describe('linear probe', () => {
  it('separates two well separated classes', () => {
    assert.deepEqual(Array.from(probePredict({ x: [0, 0, 4, 4], d: 2, y: [0, 1], k: 2 }, [0.5, 0, 3, 4])), [0, 1]);
  });

  it('the fit in the span of the support gives the same probabilities as the full fit', () => {
    const rng = createRng(3);
    const d = 60;
    const m = 10;
    const k = 5;
    const x = Float64Array.from({ length: m * d }, () => Math.max(0, rng.normal()));
    const y = Array.from({ length: m }, (_, i) => i % k);
    const q = Float64Array.from({ length: 20 * d }, () => Math.max(0, rng.normal()));
    const full = fitSoftmax(denseRows(x, m, d), y, k, { C: 1, maxIter: 2000, tol: 1e-10 });
    const expected = argmaxRows(predictSoftmax(full, denseRows(q, 20, d)), k);
    assert.deepEqual(Array.from(probePredict({ x, d, y, k }, q)), Array.from(expected));
  });

  it('the span basis is orthonormal and drops dependent rows', () => {
    const { q, r } = rowSpanBasis(Float64Array.of(3, 0, 0, 6, 0, 0, 1, 1, 0), 3, 3);
    assert.equal(r, 2);
    close(q, [1, 0, 0, 0, 1, 0], 1e-12);
  });
});

describe('method registry', () => {
  it('every method classifies an easy episode perfectly', () => {
    const rng = createRng(7);
    const d = 8;
    const k = 3;
    const centre = (c: number) => Array.from({ length: d }, (_, j) => (j % k === c ? 5 : 0));
    const draw = (c: number) => centre(c).map((v) => v + 0.3 * rng.normal() + 0.5);
    const sx: number[] = [];
    const sy: number[] = [];
    const qx: number[] = [];
    const qy: number[] = [];
    for (let c = 0; c < k; c++) {
      for (let s = 0; s < 2; s++) sx.push(...draw(c)), sy.push(c);
      for (let s = 0; s < 4; s++) qx.push(...draw(c)), qy.push(c);
    }
    for (const method of FEW_SHOT_METHODS) {
      for (const metric of ['cosine', 'euclidean'] as const) {
        assert.deepEqual(Array.from(fewShotPredict(method, { x: sx, d, y: sy, k }, qx, { metric })), qy, `${method} (${metric})`);
      }
    }
  });

  it('power transform and centring keep an easy episode right and check their inputs', () => {
    const support = { x: [1, 0, 0, 1], d: 2, y: [0, 1], k: 2 };
    assert.deepEqual(Array.from(fewShotPredict('prototypes', support, [0.9, 0.1, 0.1, 0.9], { power: 0.5, center: true })), [0, 1]);
    assert.throws(() => fewShotPredict('prototypes', support, [1, 0], { power: 2 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
  });

  it('an unknown method is UNKNOWN_METHOD listing the methods', () => {
    assert.throws(() => checkFewShotMethod('svm'), (e: unknown) => e instanceof TransferkitError && e.code === 'UNKNOWN_METHOD' && /prototypes, prototypes-transductive, knn, probe/.test(e.hint ?? ''));
  });
});
