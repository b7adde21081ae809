import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listBuiltinDatasets, loadBuiltin } from '../../src/data/builtins.ts';
import { TransferkitError } from '../../src/errors.ts';
import { saveWordVectors, type WordVectors } from '../../src/models/text/word-vectors.ts';
import { classVectorTable, knownWords, parseClassDescriptions } from '../../src/transfer/zero-shot/class-vectors.ts';
import { cosineScores, embedDevise, fitDevise, scoreDevise } from '../../src/transfer/zero-shot/devise.ts';
import { evaluateZeroShot } from '../../src/transfer/zero-shot/evaluate.ts';
import { textZeroShot } from '../../src/transfer/zero-shot/text-zero-shot.ts';
import { zeroShot } from '../../src/transfer/zero-shot/zero-shot.ts';
import { createRng } from '../../src/util/random.ts';
import { cli, oneJson } from '../cli/helpers.ts';

/** A hand-made 3-d vector table: axis 0 animals, axis 1 food, axis 2 clothing. */
function fixture(): WordVectors {
  const rows: Record<string, number[]> = {
    animal: [1, 0, 0], cat: [0.9, 0.1, 0], dog: [0.95, 0, 0.05], purrs: [0.8, 0, 0.2], barks: [0.9, 0.1, 0.1],
    food: [0, 1, 0], bread: [0.1, 0.9, 0], apple: [0, 0.95, 0.1], eat: [0.2, 0.8, 0],
    clothing: [0, 0, 1], 't-shirt': [0, 0.1, 0.9], top: [0.1, 0.1, 0.8], wear: [0, 0.2, 0.9], a: [0.3, 0.3, 0.3],
  };
  const words = Object.keys(rows);
  return { name: 'fixture-3d', words, dims: 3, vectors: Float32Array.from(words.flatMap((w) => rows[w])), index: new Map(words.map((w, i) => [w, i])) };
}

test('text zero-shot by cosine: known answers on a hand-made vector table, top-k, empty documents as misses', () => {
  const wv = fixture();
  const texts = ['a cat purrs', 'dog barks', 'eat bread', 'an apple', 'wear a t-shirt', 'zzz qqq'];
  const labels = [0, 0, 1, 1, 2, 2];
  const r = textZeroShot(wv, texts, labels, { classes: ['animal', 'food', 'clothing'], top: 2 });
  assert.deepEqual(Array.from(r.predictions), [0, 0, 1, 1, 2, -1]);
  assert.equal(r.emptyDocuments, 1);
  assert.equal(r.top1!.accuracy, 5 / 6); // the empty document is a miss
  assert.equal(r.top1!.chance, 1 / 3);
  assert.equal(r.topK!.k, 2);
  assert.equal(r.topK!.accuracy, 5 / 6);
  assert.deepEqual(r.perClass!.map((p) => p.accuracy), [1, 1, 0.5]);
  // 'dog barks' = mean of two vectors; its cosine with 'animal' = e0·v/|v|
  const v = [(0.95 + 0.9) / 2, 0.05, (0.05 + 0.1) / 2];
  assert.ok(Math.abs(r.scores[1 * 3 + 0] - v[0] / Math.hypot(...v)) < 1e-6);
  // descriptions: 'clothing' described as "things to wear"
  const d = textZeroShot(wv, ['wear a t-shirt'], [1], { classes: ['animal', 'garment'], descriptions: new Map([['animal', 'animal'], ['garment', 'things to wear']]), use: 'description' });
  assert.equal(d.top1!.accuracy, 1);
});

test('class names: multi-word and slashed names average their known words; unknown names and bad input are errors', () => {
  const wv = fixture();
  assert.deepEqual(knownWords(wv, 'T-shirt/top'), ['t-shirt', 'top']);
  const t = classVectorTable(wv, ['T-shirt/top', 'Animal']);
  const unit = (x: number[]) => x.map((v) => v / Math.hypot(...x));
  const expected = unit([0, 0.1, 0.9]).map((v, j) => (v + unit([0.1, 0.1, 0.8])[j]) / 2);
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(t.values[j] - expected[j]) < 1e-6);
  assert.deepEqual(Array.from(t.values.slice(3)), [1, 0, 0]);
  assert.throws(() => classVectorTable(wv, ['Sneaker']), (e: unknown) => e instanceof TransferkitError && e.code === 'UNKNOWN_WORD' && /class "Sneaker"/.test(e.message));
  assert.throws(() => textZeroShot(wv, ['qqq', 'zzz'], undefined, { classes: ['animal', 'food'] }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_INPUT' && /None of the 2 documents/.test(e.message));
  assert.throws(() => textZeroShot(wv, [], undefined, { classes: ['animal', 'food'] }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_INPUT');
  assert.throws(() => textZeroShot(wv, ['cat'], undefined, { classes: ['animal'] }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
  assert.throws(() => textZeroShot(wv, ['cat'], undefined, { classes: ['animal', 'food'], top: 3 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
  assert.equal(parseClassDescriptions('class,description\nfood,foods and drinks\n').get('food'), 'foods and drinks');
  assert.deepEqual([...parseClassDescriptions('food,foods and drinks\nanimal,cats\n').keys()], ['food', 'animal'], 'no header: the first row is a class');
  assert.deepEqual([...parseClassDescriptions('Class,Description\nfood,foods\n').keys()], ['food']);
  assert.throws(() => parseClassDescriptions('class,description\nfood,a\nfood,b\n', 'd.csv'), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_CSV' && /two rows/.test(e.message));
  assert.throws(() => classVectorTable(wv, ['food'], { use: 'description', descriptions: new Map() }), (e: unknown) => e instanceof TransferkitError && e.code === 'UNKNOWN_CLASS');
});

test('DeViSE ridge map: the closed form on tiny data, and cosine recognition of a class never trained on', () => {
  // d = 1, a = 2: W = Σ x̃ t̃ / (Σ x̃² + λ), b = mean(t) − mean(x)·W
  const X = { rows: 4, cols: 1, data: Float64Array.of(0, 1, 2, 3) };
  const y = [0, 0, 1, 1];
  const S = Float64Array.of(2, 0, 0, 5); // unit rows: (1, 0) and (0, 1)
  const m = fitDevise(X, y, S, 2, { ridge: 1 });
  // x̃ = −1.5, −0.5, 0.5, 1.5; t̃ column 0 = 0.5, 0.5, −0.5, −0.5 → Σ x̃ t̃ = −2; Σ x̃² = 5
  assert.ok(Math.abs(m.W[0] - -2 / 6) < 1e-12);
  assert.ok(Math.abs(m.W[1] - 2 / 6) < 1e-12);
  assert.ok(Math.abs(m.b[0] - (0.5 - 1.5 * (-2 / 6))) < 1e-12);
  assert.ok(Math.abs(m.b[1] - (0.5 - 1.5 * (2 / 6))) < 1e-12);
  const E = embedDevise(m, { rows: 1, cols: 1, data: Float64Array.of(3) });
  assert.ok(Math.abs(E[0] - (m.b[0] + 3 * m.W[0])) < 1e-12);
  // 2-d features, classes on the axes of a 3-d space; the unseen class lies along x1 + x2
  const Xs = { rows: 4, cols: 2, data: Float64Array.of(1, 0, 2, 0, 0, 1, 0, 2) };
  const model = fitDevise(Xs, [0, 0, 1, 1], Float64Array.of(1, 0, 0, 0, 1, 0), 2, { ridge: 1e-6 });
  const unseen = Float64Array.of(1, 1, 0, 1, -1, 0); // "both" vs "first minus second"
  const sc = scoreDevise(model, { rows: 1, cols: 2, data: Float64Array.of(1.5, 1.5) }, unseen, 2);
  assert.ok(sc[0] > sc[1]);
  assert.deepEqual(Array.from(cosineScores(Float64Array.of(2, 0), 1, Float64Array.of(1, 0, 0, 3), 2, 2)), [1, 0]);
  assert.throws(() => fitDevise(X, y, S, 2, { ridge: 0 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
});

test('evaluateZeroShot with devise on word-vector signatures; DAP refuses signatures outside [0, 1]', () => {
  const wv = fixture();
  const classes = ['cat', 'dog', 'bread', 'apple'];
  const table = classVectorTable(wv, classes);
  // features: the class vector plus small deterministic noise
  const rows: number[] = [];
  const ys: number[] = [];
  for (let c = 0; c < 4; c++) for (let k = 0; k < 10; k++) {
    rows.push(...Array.from(table.values.slice(c * 3, c * 3 + 3), (v, j) => v + 0.01 * Math.sin(7 * k + 3 * j + c)));
    ys.push(c);
  }
  const X = { rows: ys.length, cols: 3, data: Float64Array.from(rows) };
  const r = evaluateZeroShot({ classes, table, train: { X, y: ys }, test: { X, y: ys } }, { unseen: ['dog', 'apple'], method: 'devise', devise: { ridge: 0.01 } });
  assert.equal(r.method, 'devise');
  assert.deepEqual(r.seen, ['cat', 'bread']);
  assert.equal(r.zsl.accuracy, 1);
  const negative = { ...table, values: Float64Array.from(table.values, (v, i) => (i === 0 ? -0.5 : v)) };
  assert.throws(() => evaluateZeroShot({ classes, table: negative, train: { X, y: ys }, test: { X, y: ys } }, { unseen: ['dog', 'apple'], method: 'dap' }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION' && /DAP needs class signatures in \[0, 1\]/.test(e.message));
});

const fashionInstalled = listBuiltinDatasets().find((d) => d.name === 'fashion-mnist-test')!.available;

test('zeroShot on images with classNames: DeViSE by default on the word vectors of the Fashion-MNIST names', { skip: !fashionInstalled && 'dataset-fashion-mnist is not installed' }, async () => {
  const words = ['t-shirt', 'top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle', 'boot'];
  const rng = createRng('fashion-names');
  const wv: WordVectors = { name: 'random-8d', words, dims: 8, vectors: Float32Array.from({ length: words.length * 8 }, () => rng.normal()), index: new Map(words.map((w, i) => [w, i])) };
  const steps: string[] = [];
  const r = await zeroShot({ base: 'fashion-cnn', train: 'builtin:fashion-mnist-test', test: 'builtin:fashion-mnist-test', classNames: wv, unseen: ['Pullover', 'Sandal', 'Bag'], perClass: 20, testPerClass: 20, generalised: true, onStep: (s) => steps.push(s) });
  assert.equal(r.method, 'devise');
  assert.equal(r.attributes, 'word vectors random-8d');
  assert.equal(r.attributesUsed.length, 8);
  assert.equal(r.zsl.images, 60);
  assert.equal(r.details.ridge, 0.01 * 140);
  assert.ok(r.gzsl && r.gzsl.uncalibrated.seen > 0.5, `seen classes are recognised by the plain argmax: ${r.gzsl?.uncalibrated.seen}`);
  assert.match(r.gzsl!.calibration, /class-wise hold-out|none/);
  assert.ok(steps.some((s) => s.startsWith('training devise on 7 seen classes')));
  await assert.rejects(zeroShot({ base: 'fashion-cnn', train: 'builtin:fashion-mnist-test', test: 'builtin:fashion-mnist-test', unseen: ['Bag'] }), (e: unknown) => e instanceof TransferkitError && e.code === 'MISSING_OPTION');
});

test('built-ins builtin:austen and builtin:wordnet-topics load with their documented sizes and classes', async () => {
  const austen = await loadBuiltin('austen');
  assert.equal(austen.size, 9112);
  assert.deepEqual(austen.classes, ['Sense & Sensibility', 'Pride & Prejudice', 'Mansfield Park', 'Emma', 'Northanger Abbey', 'Persuasion']);
  assert.equal(austen.labels.filter((l) => l === 3).length, 2135); // Emma
  assert.equal(austen.features.kind, 'text');
  const wn = await loadBuiltin('wordnet-topics');
  assert.equal(wn.size, 1200);
  assert.deepEqual(wn.classes, ['animal', 'artifact', 'body', 'feeling', 'food', 'location', 'person', 'plant']);
  for (let c = 0; c < 8; c++) assert.equal(wn.labels.filter((l) => l === c).length, 150);
  assert.ok(wn.features.kind === 'text' && wn.features.texts.every((t) => t.split(' ').length >= 4));
});

test('CLI: zeroshot classifies texts by class names from a .tkwv file; errors name the missing option or word', async () => {
  const root = await mkdtemp(join(tmpdir(), 'tk-zs-names-'));
  try {
    const vec = join(root, 'fixture.tkwv');
    await saveWordVectors(fixture(), vec);
    const data = join(root, 'docs.jsonl');
    await writeFile(data, ['a cat purrs', 'dog barks', 'eat bread', 'an apple'].map((text, i) => JSON.stringify({ text, label: i < 2 ? 'animal' : 'food' })).join('\n') + '\n');
    const bad = join(root, 'bad.jsonl');
    await writeFile(bad, [JSON.stringify({ text: 'cat', label: 'animal' }), JSON.stringify({ text: 'bread', label: 'cuisine' })].join('\n') + '\n');
    const unlabelled = join(root, 'unlabelled.jsonl');
    await writeFile(unlabelled, ['a cat purrs', 'eat bread', 'wear a t-shirt'].map((text) => JSON.stringify({ text })).join('\n') + '\n');
    const desc = join(root, 'classes.csv');
    await writeFile(desc, 'clothing,things to wear\nanimal,a cat or a dog\nfood,bread to eat\n');
    const [ok, none, unknown, noUnseen, help, named, described, noClasses] = await Promise.all([
      cli('zeroshot', '--test', data, '--class-names', vec, '--top', '1', '--json'),
      cli('zeroshot', '--test', data, '--json'),
      cli('zeroshot', '--test', bad, '--class-names', vec),
      cli('zeroshot', '--base', 'fashion-cnn', '--train', 'builtin:fashion-mnist-test', '--test', 'builtin:fashion-mnist-test', '--class-names', vec, '--json'),
      cli('zeroshot', '--help'),
      cli('zeroshot', '--test', unlabelled, '--class-names', vec, '--classes', 'food,animal,clothing', '--json'),
      cli('zeroshot', '--test', unlabelled, '--class-names', vec, '--descriptions', desc, '--describe-by', 'both', '--json'),
      cli('zeroshot', '--test', unlabelled, '--class-names', vec, '--json'),
    ]);
    // unlabelled texts: the candidates come from --classes, or from the keys of --descriptions
    // (a headerless CSV: its first row is a class)
    assert.equal(named.code, 0, named.stderr);
    assert.deepEqual(oneJson(named.stdout).classes, ['food', 'animal', 'clothing']);
    assert.deepEqual(oneJson(named.stdout).predictions, [1, 0, 2]);
    assert.equal(oneJson(named.stdout).top1, undefined);
    assert.equal(described.code, 0, described.stderr);
    assert.deepEqual(oneJson(described.stdout).classes, ['clothing', 'animal', 'food']);
    assert.deepEqual(oneJson(described.stdout).predictions, [1, 2, 0]);
    assert.equal(noClasses.code, 3);
    assert.equal(oneJson(noClasses.stdout).error.code, 'MISSING_OPTION');
    assert.match(oneJson(noClasses.stdout).error.hint ?? oneJson(noClasses.stdout).error.message, /--classes/);
    assert.equal(ok.code, 0, ok.stderr);
    const j = oneJson(ok.stdout);
    assert.equal(j.top1.accuracy, 1);
    assert.deepEqual(j.predictions, [0, 0, 1, 1]);
    assert.equal(none.code, 3);
    assert.equal(oneJson(none.stdout).error.code, 'MISSING_OPTION');
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /No word of class "cuisine"/);
    assert.equal(noUnseen.code, 3);
    assert.equal(oneJson(noUnseen.stdout).error.code, 'MISSING_OPTION');
    assert.match(oneJson(noUnseen.stdout).error.message, /--unseen/);
    assert.match(help.stdout, /--class-names glove-100d --unseen Pullover,Sandal,Bag/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
