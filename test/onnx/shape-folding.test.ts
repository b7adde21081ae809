import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryConst, concatConst, FoldError, gatherConst, shapeOf, sliceConst, squeezeConst, unsqueezeConst, type ConstValue } from '../../src/models/onnx/shape-folding.ts';

const c = (data: number[], dims: number[]): ConstValue => ({ kind: 'const', data: Float64Array.from(data), dims });

test('Shape marks the dynamic batch, and the mark follows it through Gather, Unsqueeze, Concat and Slice', () => {
  const s = shapeOf([null, 64, 7, 7]);
  assert.deepEqual([...s.data], [-1, 64, 7, 7]);
  assert.deepEqual(s.batchAt, [0]);
  assert.equal(shapeOf([8, 3]).batchAt, undefined, 'a fixed batch is a plain number');
  assert.deepEqual([...shapeOf([null, 64, 7, 7], 1).data], [64, 7, 7]);
  assert.deepEqual([...shapeOf([null, 64, 7, 7], -2).data], [7, 7]);

  const n = gatherConst(s, c([0], []));
  assert.deepEqual(n.dims, []);
  assert.deepEqual(n.batchAt, [0]);
  const target = concatConst([c([5], [1]), unsqueezeConst(n, [0]), c([-1], [1])], 0);
  assert.deepEqual(target.dims, [3]);
  assert.deepEqual([...target.data], [5, -1, -1]);
  assert.deepEqual(target.batchAt, [1], 'the batch moved to position 1');
  assert.deepEqual(gatherConst(s, c([-1, 1], [2])).batchAt, undefined, 'negative indices count from the end; no batch picked');
  assert.deepEqual([...gatherConst(s, c([-1, 1], [2])).data], [7, 64]);

  assert.deepEqual([...sliceConst(s, [1], [Infinity]).data], [64, 7, 7]);
  assert.deepEqual([...sliceConst(s, [-1], [-5], undefined, [-1]).data], [7, 7, 64, -1], 'reverse slice');
  assert.deepEqual(sliceConst(s, [-1], [-5], undefined, [-1]).batchAt, [3]);
  assert.deepEqual([...sliceConst(c([1, 2, 3, 4, 5, 6], [2, 3]), [1], [3], [1]).data], [2, 3, 5, 6], 'slice along axis 1 of a matrix');
});

test('Gather, Squeeze and Concat on matrices; arithmetic folds on plain values and refuses the batch size', () => {
  const m = c([1, 2, 3, 4, 5, 6], [2, 3]);
  const g = gatherConst(m, c([2, 0], [2]), 1);
  assert.deepEqual(g.dims, [2, 2]);
  assert.deepEqual([...g.data], [3, 1, 6, 4]);
  assert.deepEqual(squeezeConst(c([7], [1, 1]), []).dims, []);
  assert.throws(() => squeezeConst(m, [0]), FoldError);
  const cat = concatConst([m, c([9, 9], [2, 1])], 1);
  assert.deepEqual(cat.dims, [2, 4]);
  assert.deepEqual([...cat.data], [1, 2, 3, 9, 4, 5, 6, 9]);
  assert.throws(() => concatConst([m, c([9], [1, 1])], 1), FoldError);

  assert.deepEqual([...binaryConst('Mul', c([7, 7], [2]), c([2], [])).data], [14, 14]);
  assert.deepEqual([...binaryConst('Div', c([64], [1]), c([8], [])).data], [8]);
  assert.deepEqual(binaryConst('Mul', c([3], []), c([2], [1])).dims, [1], 'a scalar times a 1-element list is a list, whichever comes first');
  assert.deepEqual(binaryConst('Mul', c([2], [1]), c([3], [])).dims, [1]);
  assert.throws(() => binaryConst('Div', c([7], []), c([2], [])), /remainder/);
  assert.throws(() => binaryConst('Mul', gatherConst(shapeOf([null, 3]), c([0], [])), c([2], [])), /batch size/);
});
