/**
 * What keeps a resumed learning curve honest: a folder that is not empty is refused, a run whose
 * settings or data differ from the curve's is refused by name, the curve folder is locked while a
 * curve trains there, file references resume from any directory, locks of terminated worker
 * threads do not block a resume in the same process, a resumed run's seconds cover the whole run,
 * and `compare` does not point at `curve --resume`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { compareTransfer, CURVE_OPTIONS_FILE, learningCurve, type CurveOptions } from '../../src/choose/curve.ts';
import { resumeLearningCurve } from '../../src/choose/curve-resume.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { TransferkitError } from '../../src/errors.ts';
import { RUN_LOCK } from '../../src/runs/run-folder.ts';
import { iris, irisModel } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-curve-guards-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const base = await irisModel(root, 'iris-src', { epochs: 5 });
const small = (out: string, epochs = 3): CurveOptions => ({ base, train: 'builtin:iris', sizes: [3], seeds: 1, strategies: ['scratch'], valPerClass: 0, measureShift: false, cutAt: 'default', fit: { epochs, learningRate: 0.05 }, out, threads: 1 });
const code = (c: string, check: (e: TransferkitError) => boolean = () => true) => (e: unknown) => e instanceof TransferkitError && e.code === c && check(e);
const options = (out: string) => JSON.parse(readFileSync(join(out, CURVE_OPTIONS_FILE), 'utf8')) as { options: Record<string, unknown> & { fit: Record<string, unknown> } };

test('a folder with runs but no curve-options.json is refused; a run trained with other settings or data is refused by name', async () => {
  const out = join(root, 'mix');
  await learningCurve(small(out, 6));
  await rm(join(out, CURVE_OPTIONS_FILE));
  await rm(join(out, 'curve.json'));
  // a new curve there would resume-mix its runs with these
  await assert.rejects(learningCurve(small(out, 1)), code('OUT_NOT_EMPTY', (e) => e.message.includes('n3') && /new or empty `out`/.test(e.hint ?? '')));
  assert.ok(!existsSync(join(out, CURVE_OPTIONS_FILE)), 'no options written beside the old runs');
  assert.ok(!existsSync(join(out, RUN_LOCK)), 'the refused curve released the folder');

  // options that no longer match the runs (edited, or another curve's): refused, naming run and difference
  const epochs = join(root, 'epochs');
  await learningCurve(small(epochs, 6));
  const saved = options(epochs);
  saved.options.fit.epochs = 1;
  await writeFile(join(epochs, CURVE_OPTIONS_FILE), JSON.stringify(saved));
  const run = join(epochs, 'n3', 'scratch-seed1');
  await assert.rejects(resumeLearningCurve(epochs), code('RUN_MISMATCH', (e) => e.message.includes(run) && /epochs: 6 in the run, 1 now/.test(e.message) && e.hint!.includes(`Delete that run folder (${run})`)));
  // other data for the run (a different test split leaves another pool to sample from)
  saved.options.fit.epochs = 6;
  saved.options.testFraction = 0.4;
  await writeFile(join(epochs, CURVE_OPTIONS_FILE), JSON.stringify(saved));
  await assert.rejects(resumeLearningCurve(epochs), code('RUN_MISMATCH', (e) => e.message.includes(run) && /train: other data/.test(e.message)));
  // deleting the run, as the hint says, trains it again with the curve's settings
  await rm(run, { recursive: true });
  const again = await resumeLearningCurve(epochs);
  assert.deepEqual(again.points[0].results.map((r) => r.epochs), [6]);
});

test('a curve folder is locked while a curve trains there: a second curve or resume is refused; a stale lock is taken over', async () => {
  const out = join(root, 'locked');
  let inner: unknown;
  await learningCurve({
    ...small(out),
    onRun: () => void 0,
    callbacks: {
      onEpoch: (r) => {
        if (r.epoch === 1) inner = readFileSync(join(out, RUN_LOCK), 'utf8');
      },
    },
  });
  assert.equal(inner, String(process.pid), 'the curve folder holds the lock of the process training it');
  assert.ok(!existsSync(join(out, RUN_LOCK)), 'released at the end');
  // as a live curve process (another one: the parent) leaves it
  await writeFile(join(out, RUN_LOCK), String(process.ppid));
  await assert.rejects(resumeLearningCurve(out), code('RUN_LOCKED', (e) => e.message.includes(`pid ${process.ppid}`) && e.message.includes('learning curve')));
  await assert.rejects(learningCurve(small(join(out))), code('RUN_LOCKED'));
  // a killed process's lock is stale
  await writeFile(join(out, RUN_LOCK), '2147483646');
  const r = await resumeLearningCurve(out);
  assert.equal(r.points.length, 1);
  assert.ok(!existsSync(join(out, RUN_LOCK)));
});

test('curve-options.json records files as absolute paths: the curve resumes from another directory', async () => {
  const work = join(root, 'cwd');
  await mkdir(join(work, 'other'), { recursive: true });
  if (iris.features.kind !== 'tabular') throw new Error('iris is tabular');
  const cols = iris.features.columns;
  const csv = [[...cols.map((c) => c.name), 'species'].join(','), ...Array.from({ length: iris.size }, (_, i) => [...cols.map((c) => c.values[i]), iris.classes[iris.labels[i]]].join(','))].join('\n');
  await writeFile(join(work, 'iris-test.csv'), csv + '\n');
  const here = process.cwd();
  process.chdir(work);
  try {
    const out = join(work, 'curve');
    await assert.rejects(learningCurve({ ...small('curve'), base: relative(work, base), test: 'iris-test.csv', label: 'species', onRun: () => { throw new Error('power cut'); } }), /power cut/);
    const saved = options(out).options;
    assert.equal(saved.base, base, 'a model path is recorded absolute');
    assert.equal(saved.test, join(work, 'iris-test.csv'), 'a data file is recorded absolute');
    assert.equal(saved.train, 'builtin:iris', 'a builtin stays as it is');
    process.chdir(join(work, 'other'));
    const r = await resumeLearningCurve(out);
    assert.equal(r.testSize, iris.size, 'the test file was found from another directory');
  } finally {
    process.chdir(here);
  }
});

test('with threads: 2, a curve cut short resumes in the same process (its terminated workers left no lock in the way)', async () => {
  const out = join(root, 'threads');
  const opts: CurveOptions = { ...small(out, 30), sizes: [3, 6], seeds: 2, strategies: ['scratch', 'finetune'], threads: 2 };
  let n = 0;
  await assert.rejects(learningCurve({ ...opts, onRun: () => { if (++n === 1) throw new Error('power cut'); } }), /power cut/);
  const locks = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(RUN_LOCK));
  assert.deepEqual(locks, [], 'no run keeps the lock of a terminated worker thread');
  const r = await resumeLearningCurve(out, { threads: 2 });
  assert.deepEqual(r.points.map((p) => p.results.map((x) => x.perSeed.length)), [[2, 2], [2, 2]]);
});

test('a run resumed part-way reports the seconds of the whole run, in metrics.json and when read back', async () => {
  const out = join(root, 'seconds');
  let e = 0;
  await assert.rejects(learningCurve({ ...small(out, 40), fit: { epochs: 40, learningRate: 0.05, batchSize: 2 }, callbacks: { onEpoch: () => { if (++e === 38) throw new Error('power cut'); } } }), /power cut/);
  const first = await resumeLearningCurve(out);
  const run = join(out, 'n3', 'scratch-seed1');
  const epochSeconds = (await readFile(join(run, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { seconds: number }).seconds);
  assert.equal(epochSeconds.length, 40);
  const sum = epochSeconds.reduce((a, b) => a + b, 0);
  const recorded = (JSON.parse(await readFile(join(run, 'metrics.json'), 'utf8')) as { seconds: number }).seconds;
  assert.ok(recorded >= sum, `metrics.json's ${recorded} s covers all 40 epochs (${sum} s)`);
  assert.equal(first.points[0].results[0].seconds, recorded, 'the resume reports what metrics.json records');
  const readBack = await resumeLearningCurve(out);
  assert.equal(readBack.points[0].results[0].seconds, recorded, 'read back from the finished run: the same seconds');
});

test('compare into a folder that holds a comparison says so, without pointing at curve --resume', async () => {
  const out = join(root, 'compare');
  const opts = { base, train: 'builtin:iris', perClass: 3, seeds: 1, strategies: ['scratch' as const], measureShift: false, cutAt: 'default', fit: { epochs: 2, learningRate: 0.05 }, out, threads: 1 };
  await compareTransfer(opts);
  await assert.rejects(compareTransfer(opts), code('RUN_EXISTS', (e) => /holds a comparison/.test(e.message) && !/curve --resume/.test(`${e.message} ${e.hint}`) && /--out/.test(e.hint ?? '')));
});
