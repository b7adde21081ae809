import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { residualModel, unsupportedOpModel } from './build-models.ts';
import { cli } from '../cli/helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-onnx-cli-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test('inspect model.onnx lists nodes with shapes; convert writes a model folder that fit fine-tunes end to end', async () => {
  const file = join(root, 'res28.onnx');
  await writeFile(file, residualModel({ channels: 1, size: 28, classes: 10 }));

  const text = await cli('inspect', file);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /opset 13/);
  assert.match(text.stdout, /stem_pool\s+MaxPool\s+stem_pool_out\s+\[\?,8,14,14\]/);
  assert.match(text.stdout, /fc\s+Gemm\s+logits\s+\[\?,10\]/);
  const json = JSON.parse((await cli('inspect', file, '--json')).stdout) as { nodes: Array<{ name: string; outputShapes: unknown[] }>; inputs: Array<{ shape: unknown }> };
  assert.deepEqual(json.inputs[0].shape, [null, 1, 28, 28]);
  assert.deepEqual(json.nodes.find((n) => n.name === 'gap')?.outputShapes, [[null, 8, 1, 1]]);

  const out = join(root, 'res28');
  const conv = await cli('convert', file, '--out', out, '--json');
  assert.equal(conv.code, 0, conv.stderr);
  const summary = JSON.parse(conv.stdout) as { inputShape: number[]; outputShape: number[]; classes: number; ops: Record<string, number> };
  assert.deepEqual(summary.inputShape, [28, 28, 1]);
  assert.deepEqual(summary.outputShape, [10]);
  assert.equal(summary.ops.Conv, 3);
  assert.ok(existsSync(join(out, 'model.json')) && existsSync(join(out, 'transferkit.json')));

  const run = join(root, 'run');
  const fit = await cli('fit', '--base', out, '--train', 'builtin:mnist', '--per-class', '3', '--strategy', 'finetune', '--epochs', '1', '--out', run, '--json');
  assert.equal(fit.code, 0, fit.stderr + fit.stdout);
  assert.ok(existsSync(join(run, 'model', 'model.json')), 'the fine-tuned model is saved');

  // the same without the convert step: fit --base model.onnx converts in memory, with the same result
  const direct = join(root, 'run-direct');
  const fit2 = await cli('fit', '--base', file, '--train', 'builtin:mnist', '--per-class', '3', '--strategy', 'finetune', '--epochs', '1', '--out', direct, '--json');
  assert.equal(fit2.code, 0, fit2.stderr + fit2.stdout);
  const a = JSON.parse(fit.stdout) as { train: { accuracy: number }; trainableParams: number; totalParams: number };
  const b = JSON.parse(fit2.stdout) as { train: { accuracy: number }; trainableParams: number; totalParams: number };
  assert.deepEqual([b.trainableParams, b.totalParams], [a.trainableParams, a.totalParams]);
  assert.equal(b.train.accuracy, a.train.accuracy);
});

test('fit --base model.onnx with an unconvertible op fails with the op named and leaves no run folder', async () => {
  const file = join(root, 'gelu-base.onnx');
  await writeFile(file, unsupportedOpModel());
  const out = join(root, 'gelu-run');
  const r = await cli('fit', '--base', file, '--train', 'builtin:mnist', '--per-class', '3', '--strategy', 'extract', '--out', out, '--json');
  assert.equal(r.code, 3);
  assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'UNSUPPORTED_OP');
  assert.ok(!existsSync(out));
});

test('convert reports an unsupported op by name with exit code 3', async () => {
  const file = join(root, 'gelu.onnx');
  await writeFile(file, unsupportedOpModel());
  const r = await cli('convert', file, '--out', join(root, 'gelu'), '--json');
  assert.equal(r.code, 3);
  const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
  assert.equal(err.code, 'UNSUPPORTED_OP');
  assert.match(err.message, /Erf node "gelu_erf"/);
});
