/**
 * The registry contract, in the spirit of scikit-learn's estimator checks: every registered
 * explanation method is listed here (a new method must be added to EXPECTED), and every method
 * runs through `explain()` on one tiny model of each kind it explains and keeps the common
 * contract: the header (scope as registered, method, classes, rows explained), finite numbers,
 * the same result for the same seed, and for Shapley values efficiency (Σφ = f(x) − E f).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { datasetFromRows } from '../../src/data/from-memory.ts';
import { loadDataFor } from '../../src/models/trained-model.ts';
import { loadDataset } from '../../src/data/load.ts';
import { samplePerClass } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { explain, EXPLAIN_METHODS, IMAGE_METHODS, MODEL_METHODS, type ExplainMethodName } from '../../src/explain/model/explain.ts';
import { explainModel } from '../../src/explain/model/explain-model.ts';
import type { Explanation } from '../../src/explain/model/explanation.ts';
import { applyLink, inputRows, modelProbs } from '../../src/explain/model/model-view.ts';
import type { MethodOptions } from '../../src/explain/model/options.ts';
import { explainMethods, findMethod, methodHelp, registerMethod, type DataKind, type ExplainMethod } from '../../src/explain/model/registry.ts';
import { narrate } from '../../src/explain/narrative/narrate.ts';
import type { FittedModel } from '../../src/models/model-handle.ts';
import { fit } from '../../src/transfer/fit.ts';
import { createRng } from '../../src/util/random.ts';
import { expectError } from '../data/helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });

/** Every registered method: name, the data it explains, its scope, in registration order. */
const EXPECTED = [
  'shap tabular local',
  'exact-shap tabular local',
  'kernel-shap tabular local',
  'shap text local',
  'exact-shap text local',
  'kernel-shap text local',
  'lime tabular local',
  'lime text local',
  'permutation tabular global',
  'pdp tabular global',
  'mean-shap tabular global',
  'counterfactual tabular what-if',
  'ig image image',
  'saliency image image',
  'smoothgrad image image',
  'gradcam image image',
  'occlusion image image',
  'lime image image',
];

/** Every option of explain(), by name (the type checks that the list is complete and exact). */
const OPTION_NAMES = Object.keys({
  model: 1, data: 1, method: 1, rows: 1, className: 1, seed: 1, background: 1, backgroundSize: 1, link: 1, label: 1, feature: 1,
  nsamples: 1, repeats: 1, audience: 1, immutable: 1, permittedRanges: 1, count: 1, layer: 1, steps: 1, out: 1,
} satisfies Record<keyof MethodOptions, 1>);

/** The value each option takes in the contract runs; a method gets only the options it declares. */
type Values = Partial<Omit<MethodOptions, 'model' | 'data' | 'method'>>;
const VALUES: Values = { rows: [1, 6], seed: 5, link: 'logit', nsamples: 64, repeats: 2, count: 1, steps: 16 };

/** The names of the EXPECTED methods for any of `kinds`, each once, in order. */
const expectedNames = (...kinds: string[]) => [...new Set(EXPECTED.map((l) => l.split(' ')).filter(([, kind]) => kinds.includes(kind)).map(([name]) => name))];

test('the registry lists every method (a new method is added to EXPECTED), and the method lists come from it', () => {
  assert.deepEqual(explainMethods().map((m) => `${m.name} ${m.data.join('/')} ${m.scope}`), EXPECTED);
  assert.deepEqual(EXPLAIN_METHODS, expectedNames('tabular', 'text', 'image'));
  assert.deepEqual(MODEL_METHODS, expectedNames('tabular', 'text'));
  assert.deepEqual(IMAGE_METHODS, expectedNames('image'));
  assert.equal(methodHelp(), `tabular/text: ${MODEL_METHODS.join(', ')}; images: ${IMAGE_METHODS.join(', ')}`, 'the CLI help groups the methods by data kind');
  // the built-in methods of transferkit 0.1 keep their names and order
  assert.deepEqual(EXPLAIN_METHODS.slice(0, 13), ['shap', 'exact-shap', 'kernel-shap', 'lime', 'permutation', 'pdp', 'mean-shap', 'counterfactual', 'ig', 'saliency', 'smoothgrad', 'gradcam', 'occlusion']);
});

test('every entry is well formed: a one-line description, options that explain() has, each with help', () => {
  for (const m of explainMethods()) {
    assert.match(m.description, /^\S[^\n]{10,}$/, `${m.name}: description`);
    assert.ok(m.data.length > 0, `${m.name}: data kinds`);
    const names = m.options.map((o) => o.name);
    assert.deepEqual(names.filter((n) => !OPTION_NAMES.includes(n)), [], `${m.name}: options are explain() options`);
    assert.equal(new Set(names).size, names.length, `${m.name}: each option once`);
    for (const o of m.options) assert.ok(o.help.length > 3 && !o.help.includes('\n'), `${m.name}: help of ${o.name}`);
    if (m.data.includes('image')) assert.deepEqual(names.filter((n) => ['background', 'label', 'feature'].includes(n)), [], `${m.name}: image methods read no tabular option`);
  }
});

test('lookup by data kind: one name may serve several kinds; a method that does not apply names the method, the kind and those that do', async () => {
  assert.notEqual(findMethod('lime', 'image'), findMethod('lime', 'tabular'));
  assert.notEqual(findMethod('lime', 'text'), findMethod('lime', 'tabular'));
  assert.notEqual(findMethod('shap', 'text'), findMethod('shap', 'tabular'));
  const wrong = await expectError(() => findMethod('permutation', 'image'), 'KIND_MISMATCH', [/permutation/, /tabular models/, /takes images/]);
  assert.match(wrong.hint!, /ig, saliency, smoothgrad, gradcam, occlusion, lime/);
  const text = await expectError(() => findMethod('pdp', 'text'), 'KIND_MISMATCH', [/pdp/, /takes text/]);
  assert.match(text.hint!, /^For text models use one of: shap, exact-shap, kernel-shap, lime\.$/);
  await expectError(() => findMethod('ig', 'tabular'), 'KIND_MISMATCH', [/ig method explains image models/, /tabular data/]);
  await expectError(() => findMethod('nope', 'tabular'), 'UNKNOWN_METHOD', [/nope/]);
  await expectError(() => registerMethod({ ...findMethod('pdp', 'tabular') }), 'DUPLICATE_METHOD', [/pdp/]);
  assert.deepEqual(explainMethods().map((m) => m.name).length, EXPECTED.length, 'a refused registration adds nothing');
});

test('a method with its own description tells the narrative how to describe it', () => {
  const n = narrate({
    audience: 'regulatory',
    prediction: { label: 'yes', probability: 0.8, classes: ['no', 'yes'] },
    attributions: {
      features: ['a', 'b'], values: [0.2, 0.1], baseValue: 0.5, output: 0.8, link: 'identity', method: 'banzhaf',
      description: { name: 'Banzhaf values', definition: 'the mean marginal contribution over all coalitions.', plain: 'how much each factor matters', additive: false, sampled: false },
    },
  });
  assert.match(n.text, /Method: Banzhaf values \(`banzhaf`\)\. Definition: the mean marginal contribution/);
});

// ── the contract, run on one tiny model of each kind ──────────────────────────────────────────

const root = await mkdtemp(join(tmpdir(), 'tk-registry-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

/** Every number in a result, with its path. */
function numbers(o: unknown, path = '$'): Array<[string, number]> {
  if (typeof o === 'number') return [[path, o]];
  if (Array.isArray(o)) return o.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (o && typeof o === 'object') return Object.entries(o).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  return [];
}

/** The result without its wall time. */
const timeless = (e: Explanation) => ({ ...e, seconds: 0 });

/** The options a method declares, at their contract values. */
function optionsFor(m: ExplainMethod): Values {
  return Object.fromEntries(m.options.filter((o) => o.name in VALUES).map((o) => [o.name, VALUES[o.name as keyof Values]]));
}

/** Runs `m` twice with the same options and checks the common contract; returns the result. */
async function checkContract(m: ExplainMethod, model: FittedModel, data: MethodOptions['data'], size: number): Promise<Explanation> {
  const opts = { model, data, method: m.name as ExplainMethodName, ...optionsFor(m) };
  const e = await explain(opts);
  const where = `${m.name} on ${model.features.kind} data`;
  assert.deepEqual(Object.keys(e).slice(0, 7), ['kind', 'scope', 'method', 'model', 'classes', 'explained', 'seconds'], `${where}: the header comes first`);
  assert.equal(e.scope, m.scope, `${where}: scope as registered`);
  assert.ok(e.method === m.name || (m.reportsAs ?? []).includes(e.method), `${where}: method ${e.method}`);
  assert.equal(e.model, '(in memory)');
  assert.deepEqual(e.classes, model.classes, `${where}: classes`);
  const rows = opts.rows ?? [0];
  if (m.scope === 'global') assert.ok(Number.isInteger(e.explained) && e.explained >= 1 && e.explained <= size, `${where}: measured on ${e.explained} of ${size} rows`);
  else assert.equal(e.explained, rows.length, `${where}: rows explained`);
  if ('rows' in e && Array.isArray(e.rows)) assert.deepEqual(e.rows.map((r) => r.row), rows, `${where}: one result per row asked, in order`);
  const bad = numbers(e).filter(([, v]) => !Number.isFinite(v));
  assert.deepEqual(bad, [], `${where}: finite numbers`);
  assert.deepEqual(timeless(await explain(opts)), timeless(e), `${where}: same seed, same result`);
  return e;
}

/** Σφ = f(x) − E f: output is the model's own (linked) output, baseValue its mean over `background`. */
function checkEfficiency(e: Explanation, model: FittedModel, x: Float64Array[], background: Float64Array[]): number {
  if (e.kind !== 'shapley') return 0;
  const k = model.classes.length;
  const f = (rows: Float64Array[], cls: number) => {
    const p = modelProbs(model, rows);
    return rows.map((_, i) => applyLink(p[i * k + cls], e.link));
  };
  for (const r of e.rows) {
    const cls = model.classes.indexOf(r.class);
    const sum = r.values.reduce((a, b) => a + b, 0);
    const fx = f([x[r.row]], cls)[0];
    const Ef = f(background, cls).reduce((a, b) => a + b, 0) / background.length;
    assert.ok(Math.abs(r.output - fx) < 1e-5, `${e.method} row ${r.row}: output ${r.output} = f(x) ${fx}`);
    assert.ok(Math.abs(r.baseValue - Ef) < 1e-5, `${e.method} row ${r.row}: base ${r.baseValue} = E f ${Ef}`);
    assert.ok(Math.abs(sum - (fx - Ef)) < 1e-5, `${e.method} row ${r.row}: Σφ ${sum} = f(x) − E f ${fx - Ef}`);
  }
  return e.rows.length;
}

const kindsTested = new Set<DataKind>();

test('every tabular method keeps the contract on a tiny logistic model (Shapley values: efficiency)', async () => {
  const rng = createRng(11);
  const colours = ['red', 'green', 'blue'];
  const rows = Array.from({ length: 40 }, () => {
    const [x1, x2, x3] = [rng.normal(), rng.normal(), rng.normal()];
    const colour = colours[rng.int(3)];
    return { x1, x2, x3, colour, y: x1 + 0.5 * x2 - x3 + (colour === 'red' ? 1 : 0) > 0.3 ? 'yes' : 'no' };
  });
  const train = datasetFromRows(rows, { label: 'y', name: 'tiny' });
  const { model } = await fit({ strategy: 'scratch', arch: 'logistic', train, epochs: 30, seed: 1 });
  try {
    const x = inputRows(model.features, await loadDataFor(model, train));
    const efficient: string[] = [];
    for (const m of explainMethods(['tabular'])) {
      const e = await checkContract(m, model, train, train.size);
      if (checkEfficiency(e, model, x, x) > 0) efficient.push(m.name); // the background: the 40 training rows (under 100: all of them)
    }
    for (const name of ['shap', 'exact-shap', 'kernel-shap']) assert.ok(efficient.includes(name), `efficiency checked for ${name}`);
    kindsTested.add('tabular');
  } finally {
    model.dispose();
  }
});

test('every text method keeps the contract on a tiny text model (word Shapley values: efficiency against the empty text)', async () => {
  const words = { spam: ['free', 'cash', 'winner'], ham: ['meeting', 'agenda', 'lunch'], filler: ['the', 'today', 'please', 'see'] };
  const rng = createRng(4);
  const lines = Array.from({ length: 40 }, (_, i) => {
    const label = i % 2 === 0 ? 'spam' : 'ham';
    const text = [words[label][rng.int(3)], words.filler[rng.int(4)], words.filler[rng.int(4)]].join(' ');
    return JSON.stringify({ text, label });
  });
  const file = join(root, 'mail.jsonl');
  await writeFile(file, lines.join('\n') + '\n');
  const { model } = await fit({ strategy: 'scratch', arch: 'logistic', train: file, epochs: 20, seed: 1 });
  try {
    const data = await loadDataFor(model, file);
    const texts = data.features.kind === 'text' ? data.features.texts : [];
    const x = inputRows(model.features, data);
    const empty = inputRows(model.features, { ...data, size: 1, features: { kind: 'text', texts: [''] }, labels: Int32Array.of(-1) });
    const efficient: string[] = [];
    for (const m of explainMethods(['text'])) {
      const e = await checkContract(m, model, file, data.size);
      if (e.kind === 'shapley') e.rows.forEach((r) => assert.deepEqual(r.features, texts[r.row].split(' ')));
      if (checkEfficiency(e, model, x, empty) > 0) efficient.push(m.name);
    }
    assert.deepEqual(efficient, ['shap', 'exact-shap', 'kernel-shap'], 'efficiency checked for every word-Shapley name');
    kindsTested.add('text');
  } finally {
    model.dispose();
  }
});

test('every image method keeps the contract on a tiny CNN: one finite value per pixel', async () => {
  const mnist = await loadDataset('builtin:mnist');
  const digits = { ...samplePerClass(mnist, 1, 3).sample, name: 'mnist-10' };
  const { model } = await fit({ strategy: 'scratch', arch: 'cnn', train: digits, epochs: 1, seed: 1, valFraction: 0 });
  try {
    for (const m of explainMethods(['image'])) {
      const e = await checkContract(m, model, digits, digits.size);
      assert.equal(e.kind, 'image');
      if (e.kind !== 'image') continue;
      for (const r of e.rows) {
        assert.equal(r.attributions.length, 28 * 28, `${m.name}: one value per pixel`);
        assert.ok(r.probability >= 0 && r.probability <= 1 && model.classes.includes(r.class));
      }
    }
    kindsTested.add('image');
    await expectError(() => explainModel({ model, data: digits, method: 'shap' }), 'KIND_MISMATCH', [/explainModel explains tabular and text models/, /takes images/]);
    await expectError(() => explainModel({ model, data: digits, method: 'ig' as never }), 'UNKNOWN_METHOD', [/"ig"/]);
  } finally {
    model.dispose();
  }
});

test('every data kind a method explains was tested', () => {
  assert.deepEqual([...new Set(explainMethods().flatMap((m) => m.data))].filter((k) => !kindsTested.has(k)), []);
});
