import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildMlp } from '../../src/models/architectures.ts';
import { saveModel } from '../../src/models/io.ts';
import { listZooModels, resolveModelRef, zooRoot } from '../../src/models/zoo.ts';
import { TransferkitError } from '../../src/errors.ts';

let tmp: string;
before(async () => {
  await tf.setBackend('cpu');
  tmp = await mkdtemp(join(tmpdir(), 'tk-zoo-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function throwsCode(fn: () => unknown, code: string): TransferkitError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TransferkitError, `expected TransferkitError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('zoo', () => {
  test('an empty or missing zoo lists nothing and explains unknown names', async () => {
    assert.ok(zooRoot().endsWith('/models/') || zooRoot().endsWith('/models'));
    assert.ok(Array.isArray(listZooModels())); // the repo's own zoo: may be empty or absent
    const empty = join(tmp, 'empty');
    await mkdir(empty);
    assert.deepEqual(listZooModels(empty), []);
    assert.deepEqual(listZooModels(join(tmp, 'absent')), []);
    const err = throwsCode(() => resolveModelRef('fashion-cnn', join(tmp, 'absent')), 'UNKNOWN_MODEL');
    assert.match(err.message, /fashion-cnn/);
    assert.match(err.hint!, /zoo is empty/);
    assert.match(err.hint!, /run folder, a model folder, a model\.json or an \.onnx file/);
  });

  test('lists models with card title, shape, classes, availability; resolves names and paths', async () => {
    const zoo = join(tmp, 'zoo');
    const model = buildMlp(4, 3, { hidden: [8], seed: 0 });
    await saveModel(model, join(zoo, 'tiny'), { classes: ['x', 'y', 'z'], features: null, accuracy: 0.9 });
    await writeFile(join(zoo, 'tiny', 'MODEL_CARD.md'), 'Intro line\n# Tiny test MLP\n\nText.\n');
    await saveModel(model, join(zoo, 'broken'), { classes: ['x', 'y', 'z'], features: null });
    await unlink(join(zoo, 'broken', 'weights.bin'));
    await mkdir(join(zoo, '.tiny.tmp-1'));
    model.dispose();

    const list = listZooModels(zoo);
    assert.deepEqual(list.map((m) => m.name), ['broken', 'tiny']);
    const tiny = list[1];
    assert.deepEqual(
      { d: tiny.description, s: tiny.inputShape, c: tiny.classes, a: tiny.accuracy, ok: tiny.available, p: tiny.path },
      { d: 'Tiny test MLP', s: [4], c: ['x', 'y', 'z'], a: 0.9, ok: true, p: join(zoo, 'tiny') },
    );
    assert.equal(list[0].available, false);
    assert.match(list[0].problem!, /weights\.bin/);

    assert.equal(resolveModelRef('tiny', zoo), join(zoo, 'tiny'));
    const err = throwsCode(() => resolveModelRef('tinny', zoo), 'UNKNOWN_MODEL');
    assert.match(err.hint!, /broken, tiny/);
    assert.equal(resolveModelRef(join(zoo, 'tiny', 'model.json'), join(tmp, 'absent')), join(zoo, 'tiny', 'model.json'));
    throwsCode(() => resolveModelRef('./no/such/model', zoo), 'MODEL_NOT_FOUND');
  });

  test('a run folder resolves to its model/, and an .onnx path to itself', async () => {
    const run = join(tmp, 'runs', 'iris');
    const model = buildMlp(4, 3, { hidden: [8], seed: 0 });
    await saveModel(model, join(run, 'model'), { classes: ['x', 'y', 'z'], features: null });
    model.dispose();
    // without config.json it is just a folder (no run): no guessing
    assert.equal(resolveModelRef(run, join(tmp, 'absent')), run);
    await writeFile(join(run, 'config.json'), '{}');
    assert.equal(resolveModelRef(run, join(tmp, 'absent')), join(run, 'model'));
    assert.equal(resolveModelRef(join(run, 'model'), join(tmp, 'absent')), join(run, 'model'));
    const onnx = join(tmp, 'net.onnx');
    await writeFile(onnx, '');
    assert.equal(resolveModelRef(onnx, join(tmp, 'absent')), onnx);
    throwsCode(() => resolveModelRef('missing.onnx', join(tmp, 'absent')), 'MODEL_NOT_FOUND');
  });
});
