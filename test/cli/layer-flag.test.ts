/**
 * `layerFlag`: the one reading of `--cut-at` / `--layer` that every command shares, and that
 * resolves to the layer `resolveLayer` picks for the same index or name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { layerFlag } from '../../src/cli/parsers.ts';
import { resolveLayer } from '../../src/models/surgery.ts';

test('layerFlag: whole numbers (negative too) are layer indices, anything else a name', () => {
  assert.equal(layerFlag(undefined), undefined);
  assert.equal(layerFlag('3'), 3);
  assert.equal(layerFlag('-2'), -2);
  assert.equal(layerFlag(' 1 '), 1);
  assert.equal(layerFlag('flatten'), 'flatten');
  assert.equal(layerFlag('dense1'), 'dense1');
  assert.equal(layerFlag('1.5'), '1.5');
  const input = tf.input({ shape: [4] });
  const h = tf.layers.dense({ units: 3, name: 'hidden' }).apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: 'out' }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  assert.equal(resolveLayer(model, layerFlag('-2')!).name, 'hidden');
  assert.equal(resolveLayer(model, layerFlag('hidden')!).name, 'hidden');
  model.dispose();
});
