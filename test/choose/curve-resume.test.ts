/**
 * A learning curve killed part-way resumes to the same result as an uninterrupted one: finished
 * runs are scored from their folders, the interrupted run continues from its checkpoint, the
 * rest train.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CURVE_OPTIONS_FILE, learningCurve, type CurveOptions, type CurveResult } from '../../src/choose/curve.ts';
import { resumeLearningCurve } from '../../src/choose/curve-resume.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { TransferkitError } from '../../src/errors.ts';
import { resumeFit } from '../../src/transfer/fit.ts';
import { iris, irisModel } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-curve-resume-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

const base = await irisModel(root, 'iris-src', { epochs: 20 });
/** 2 sizes × 2 seeds × 2 strategies, plus 2 monitored runs per size: 12 runs. */
const options = (out: string): CurveOptions => ({ base, train: 'builtin:iris', sizes: [3, 6], seeds: 2, strategies: ['finetune', 'scratch'], valPerClass: 3, fit: { epochs: 4, finetuneEpochs: 2, learningRate: 0.05 }, out, threads: 1 });
/** What must not depend on the interruption: every number but the times (as curve.json holds them). */
const numbers = (c: CurveResult) => JSON.parse(JSON.stringify({
  points: c.points.map((p) => ({ size: p.size, examples: p.examples, verdicts: p.verdicts, results: p.results.map((r) => ({ strategy: r.strategy, perSeed: r.perSeed, accuracy: r.accuracy, epochs: r.epochs, lossCurve: r.lossCurve.map(({ epoch, loss, valLoss, valAccuracy }) => ({ epoch, loss, valLoss, valAccuracy })) })) })),
  verdict: c.verdict,
  cut: c.cut,
  shift: c.shift,
})) as unknown;
/** Every history.jsonl of a curve folder, by run, without the times. */
const histories = (out: string) =>
  Object.fromEntries(
    readdirSync(out, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('history.jsonl'))
      .map((f) => [f, readFileSync(join(out, f), 'utf8').trim().split('\n').map((l) => ({ ...(JSON.parse(l) as object), seconds: 0 }))]),
  );

let whole: CurveResult;

test('killed after 3 runs and in the middle of the 5th, resumed: the same curve as uninterrupted; resumed again: no training', async () => {
  whole = await learningCurve(options(join(root, 'whole')));
  assert.ok(existsSync(join(root, 'whole', CURVE_OPTIONS_FILE)), 'the options are kept for a resume');

  const out = join(root, 'killed');
  let done = 0;
  await assert.rejects(learningCurve({ ...options(out), onRun: () => { if (++done === 3) throw new Error('power cut'); } }), /power cut/);
  assert.ok(!existsSync(join(out, 'curve.json')));
  // the next start of the curve refuses the folder and says how to continue
  await assert.rejects(learningCurve(options(out)), (err: TransferkitError) => err.code === 'RUN_EXISTS' && /curve --resume/.test(err.hint ?? ''));

  // a second interruption inside a run: the 4th run trains (4 epochs), the 5th (n3's monitored
  // finetune run) is cut after its 2nd epoch's checkpoint
  let epochs = 0;
  const reported: string[] = [];
  await assert.rejects(
    resumeLearningCurve(out, {
      onRun: (e) => reported.push(`${e.size} ${e.strategy} ${e.seed}`),
      callbacks: { onEpoch: () => { if (++epochs === 6) throw new Error('power cut'); } },
    }),
    /power cut/,
  );
  assert.equal(epochs, 6, 'the 3 finished runs were not trained again');
  assert.deepEqual(reported, ['3 finetune 1', '3 scratch 1', '3 finetune 2', '3 scratch 2'], 'finished runs are reported (scored from their folders), then the 4th');
  const cut = join(out, 'n3', 'finetune-seed1-monitored');
  assert.ok(existsSync(join(cut, 'checkpoints', 'last')) && !existsSync(join(cut, 'metrics.json')), 'the 5th run is interrupted with a checkpoint');

  // resumeFit takes the in-memory data of such a run again, and refuses other data
  await assert.rejects(resumeFit(cut), (err: TransferkitError) => err.code === 'RESUME_IN_MEMORY');
  await assert.rejects(resumeFit(cut, {}, { train: iris, val: iris }), (err: TransferkitError) => err.code === 'DATA_CHANGED');

  const resumed = await resumeLearningCurve(out);
  assert.deepEqual(numbers(resumed), numbers(whole), 'accuracies per seed, loss curves and verdicts equal the uninterrupted curve');
  assert.deepEqual(histories(out), histories(join(root, 'whole')), 'each run trained each epoch once, as uninterrupted');
  const written = JSON.parse(readFileSync(join(out, 'curve.json'), 'utf8')) as CurveResult;
  assert.deepEqual(written.points.map((p) => p.results.map((r) => r.perSeed)), whole.points.map((p) => p.results.map((r) => r.perSeed)));

  // a finished curve: summarised again from its runs, with no training
  const before = readFileSync(join(out, 'n6', 'scratch-seed2', 'history.jsonl'), 'utf8');
  let trainedEpochs = 0;
  const tensors = tf.memory().numTensors;
  const again = await resumeLearningCurve(out, { callbacks: { onEpoch: () => trainedEpochs++ } });
  assert.equal(trainedEpochs, 0);
  assert.equal(readFileSync(join(out, 'n6', 'scratch-seed2', 'history.jsonl'), 'utf8'), before, 'no new epochs in the history files');
  assert.deepEqual(histories(out), histories(join(root, 'whole')));
  assert.deepEqual(numbers(again), numbers(whole));
  assert.equal(tf.memory().numTensors, tensors, 'the models read back from the run folders are disposed');
});

test('resuming a folder with no curve-options.json, or a curve given data in memory, is a clear error', async () => {
  const empty = join(root, 'empty');
  await assert.rejects(resumeLearningCurve(empty), (err: TransferkitError) => err.code === 'RUN_NOT_FOUND' && err.message.includes('curve-options.json is missing'));

  const damaged = join(root, 'damaged');
  await rm(damaged, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(damaged));
  await writeFile(join(damaged, CURVE_OPTIONS_FILE), '{"format":');
  await assert.rejects(resumeLearningCurve(damaged), (err: TransferkitError) => err.code === 'CORRUPT_RUN');

  const memory = join(root, 'memory');
  await assert.rejects(learningCurve({ ...options(memory), train: iris, sizes: [3], seeds: 1, strategies: ['scratch'], valPerClass: 0, onRun: () => { throw new Error('stop'); } }), /stop/);
  const saved = JSON.parse(readFileSync(join(memory, CURVE_OPTIONS_FILE), 'utf8')) as { inMemory: string[]; options: { train: unknown } };
  assert.deepEqual(saved.inMemory, ['train']);
  assert.deepEqual(saved.options.train, { inMemory: true, name: iris.name });
  await assert.rejects(resumeLearningCurve(memory), (err: TransferkitError) => err.code === 'RESUME_IN_MEMORY' && err.message.includes('(train)'));
});
