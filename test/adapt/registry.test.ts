/**
 * The registry's contract, in the spirit of scikit-learn's estimator checks: the exact list of
 * methods (a new method must be added here), and every method run through the same checks on
 * one small synthetic shifted problem — the documented result fields, scores in [0, 1], same
 * seed → same result, and refusals that name the method and the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { adapt, ADAPT_METHOD_NAMES, AUTO_CANDIDATES, DEFAULT_DEEP_CANDIDATES, type AdaptMethodName, type AdaptResult } from '../../src/adapt/adapt.ts';
import { DEEP_LAMBDA_DEFAULTS, DEEP_METHODS, runDeep } from '../../src/adapt/deep-adapt.ts';
import { SHALLOW_METHODS } from '../../src/adapt/methods.ts';
import { autoCandidatesFor, BUILTIN_METHODS, checkApplies, methodNamed, methodsOf, registeredMethods, registerMethod, type ApplyContext, type MethodEntry } from '../../src/adapt/methods/index.ts';
import { trainOnSource } from '../../src/adapt/methods/shallow-training.ts';
import type { ScoreSummary } from '../../src/adapt/scores.ts';
import { VALIDATOR_BETTER, VALIDATOR_REGISTRY, VALIDATORS } from '../../src/adapt/validators.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { datasetFromRows } from '../../src/data/from-memory.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { TransferkitError } from '../../src/errors.ts';
import { createRng } from '../../src/util/random.ts';
import { cli } from '../cli/helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });

/** Every registered method, in order. A new method is added here (and to README's Domain adaptation section). */
const METHODS: Array<[string, 'shallow' | 'deep']> = [
  ['source-only', 'shallow'],
  ['coral', 'shallow'],
  ['reweight', 'shallow'],
  ['kmm', 'shallow'],
  ['kliep', 'shallow'],
  ['self-train', 'shallow'],
  ['coral+self-train', 'shallow'],
  ['reweight+self-train', 'shallow'],
  ['kmm+self-train', 'shallow'],
  ['kliep+self-train', 'shallow'],
  ['deep-coral', 'deep'],
  ['mmd', 'deep'],
  ['dann', 'deep'],
];

/** Two Gaussian blobs (classes a at (−1, −1), b at (1, 1)) and a noise column; the target is scaled by 1.5 and moved by (2, 1). */
function blobs(n: number, seed: number, target: boolean): Dataset {
  const rng = createRng(seed);
  const s = target ? 1.5 : 1;
  const rows = Array.from({ length: n }, (_, i) => {
    const m = i % 2 ? 1 : -1;
    return { x0: s * (m + 0.8 * rng.normal()) + (target ? 2 : 0), x1: s * (m + 0.8 * rng.normal()) + (target ? 1 : 0), x2: s * rng.normal(), label: i % 2 ? 'b' : 'a' };
  });
  const name = target ? 'blobs-target' : 'blobs-source';
  return datasetFromRows(rows, { name, domain: name });
}

const source = blobs(160, 1, false);
const target = blobs(120, 2, true);
const applyCtx: ApplyContext = { kind: 'tabular', sources: 1, sourceRows: 160, targetRows: 120, targetLabelled: 0, classes: 2 };

/** The result without wall-clock times (which differ run to run). */
function timeless(r: AdaptResult): unknown {
  return JSON.parse(JSON.stringify(r, (k, v) => (k === 'seconds' ? undefined : v)));
}

function assertScores(s: ScoreSummary | undefined, what: string): void {
  assert.ok(s, `${what}: scored on the labelled target`);
  for (const k of ['accuracy', 'macroF1', 'rocAuc'] as const) {
    const v: number | null = s[k];
    assert.ok(v !== null && v >= 0 && v <= 1, `${what}: ${k} ${v} in [0, 1]`);
  }
}

/** The fields every result has, whatever the method. */
function assertCommonFields(r: AdaptResult, name: string): void {
  assert.equal(r.requested, name);
  assert.equal(r.method, name);
  assert.equal(r.kind, 'tabular');
  assert.deepEqual(r.classes, ['a', 'b']);
  assert.deepEqual(r.sizes, { source: 160, target: 120, targetLabelled: 0, test: 120 });
  assert.deepEqual(r.sources, [{ name: 'blobs-source', size: 160 }]);
  assert.ok(r.features.space && r.features.dims === 3 && r.features.view && Number.isInteger(r.features.viewDims));
  assertScores(r.before, `${name} before`);
  assertScores(r.after, `${name} after`);
  for (const side of ['before', 'after'] as const) {
    const d = r.domain[side];
    assert.ok([d.pad, d.mmd2, d.coralDistance].every(Number.isFinite), `${name}: domain ${side} measured`);
  }
  assert.ok(r.domain.note.length > 0);
  assert.ok(r.seconds >= 0);
  assert.equal(r.candidates.at(-1)!.method, name);
  for (const c of r.candidates) assert.ok(['entropy', 'im', 'snd'].every((v) => Number.isFinite(c.scores[v as 'entropy'])), `${name}: ${c.method} has validator scores`);
}

const reads = (m: MethodEntry, prefix: string) => m.options.some((o) => o.field.startsWith(prefix));

test('the registry holds exactly these methods, in this order; every list of methods is derived from it', () => {
  assert.deepEqual(
    registeredMethods().map((m) => [m.name, m.family]),
    METHODS,
    'a new method is registered in src/adapt/methods/index.ts and listed in METHODS here',
  );
  assert.deepEqual(BUILTIN_METHODS.map((m) => m.name), METHODS.map(([n]) => n));
  assert.deepEqual(SHALLOW_METHODS, METHODS.filter(([, f]) => f === 'shallow').map(([n]) => n));
  assert.deepEqual(DEEP_METHODS, METHODS.filter(([, f]) => f === 'deep').map(([n]) => n));
  assert.deepEqual(ADAPT_METHOD_NAMES, [...METHODS.map(([n]) => n), 'auto']);
  assert.deepEqual(AUTO_CANDIDATES, ['source-only', 'coral', 'reweight', 'kliep', 'self-train', 'coral+self-train', 'reweight+self-train']);
  assert.deepEqual(autoCandidatesFor(2000), ['source-only', 'coral', 'reweight', 'kmm', 'kliep', 'self-train', 'coral+self-train', 'reweight+self-train'], 'KMM joins on small sources');
  assert.deepEqual(autoCandidatesFor(2001), AUTO_CANDIDATES);
  assert.deepEqual(DEEP_LAMBDA_DEFAULTS, { 'deep-coral': 1, mmd: 1, dann: 1 });
  assert.deepEqual(VALIDATORS, VALIDATOR_REGISTRY.map((v) => v.name));
  assert.deepEqual(VALIDATORS, ['dev', 'entropy', 'im', 'snd']);
  assert.deepEqual(VALIDATOR_BETTER, { dev: 'lower', entropy: 'lower', im: 'lower', snd: 'higher' });
});

test('every entry is well formed: a one-line description, distinct documented options, deep methods never auto candidates', () => {
  for (const m of registeredMethods()) {
    assert.ok(m.description.length > 0 && !m.description.includes('\n'), `${m.name}: one-line description`);
    assert.ok(m.options.length > 0 && m.options.every((o) => o.help.length > 0), `${m.name}: options with help`);
    assert.equal(new Set(m.options.map((o) => o.field)).size, m.options.length, `${m.name}: each option once`);
    assert.equal(m.applies(applyCtx), true, `${m.name} applies to a plain tabular problem`);
    if (m.family === 'deep') {
      assert.equal(m.autoCandidate, false);
      assert.ok(m.defaultLambda >= 0);
      assert.ok(reads(m, 'deep.'), `${m.name} reads the deep options`);
    } else {
      assert.ok(['C', 'classWeights', 'labelledWeight'].every((f) => m.options.some((o) => o.field === f)), `${m.name} reads the classifier options`);
    }
  }
  assert.equal(methodNamed('auto'), undefined, 'auto chooses among methods; it is not one');
  assert.deepEqual(methodsOf('deep').map((m) => m.name), DEEP_METHODS);
});

test('registerMethod refuses a taken, reserved or malformed name and a deep auto candidate, leaving the registry as it was', () => {
  const base = { family: 'shallow' as const, description: 'x', applies: () => true as const, options: [], autoCandidate: false, run: (ctx: Parameters<typeof trainOnSource>[0]) => ({ model: trainOnSource(ctx) }) };
  const before = registeredMethods().length;
  for (const name of ['coral', 'auto', 'erm', 'Coral', 'two words']) {
    assert.throws(() => registerMethod({ ...base, name }), (err: Error) => err instanceof TransferkitError && err.code === 'BAD_OPTION' && err.message.includes(`"${name}"`));
  }
  assert.throws(
    () => registerMethod({ name: 'deep-probe', family: 'deep', description: 'x', applies: () => true, options: [], autoCandidate: true, defaultLambda: 1, run: () => Promise.reject(new Error('not run')) }),
    /cannot be auto candidates/,
  );
  assert.equal(registeredMethods().length, before);
});

for (const entry of methodsOf('shallow')) {
  test(`shallow contract: ${entry.name} — the documented fields, scores in [0, 1], same seed → same result`, async () => {
    const r = await adapt({ source, target, method: entry.name as AdaptMethodName, seed: 1 });
    assertCommonFields(r, entry.name);
    assert.equal(r.deep, undefined);
    assert.equal(r.chosenBy, undefined);
    assert.equal(r.candidates.length, 1);
    assert.deepEqual(Object.keys(r.candidates[0].scores).sort(), ['entropy', 'im', 'snd']);
    assert.deepEqual(r.candidates[0].test, r.after);
    // what a method declares it reads is what it reports
    assert.equal(r.weights !== undefined, reads(entry, 'reweight.'), `${entry.name}: importance weights iff it reweights`);
    if (r.weights) assert.ok(r.weights.ess > 0 && r.weights.essFraction > 0 && r.weights.essFraction <= 1 && r.weights.min >= 0);
    assert.equal(r.selfTrain !== undefined, reads(entry, 'selfTrain.'), `${entry.name}: self-training rounds iff it self-trains`);
    assert.equal(r.targetPrior !== undefined, reads(entry, 'targetPrior'), `${entry.name}: a target prior iff it reads one`);
    assert.equal(r.domain.after !== r.domain.before, reads(entry, 'coral.'), `${entry.name}: the features move iff it aligns them`);
    assert.deepEqual(timeless(await adapt({ source, target, method: entry.name as AdaptMethodName, seed: 1 })), timeless(r), `${entry.name}: same seed, same result`);
  });
}

const tiny = { epochs: 1, hidden: [4], batchSize: 16 };

for (const entry of methodsOf('deep')) {
  test(`deep contract: ${entry.name} — one tiny run: the documented fields, scores in [0, 1], same seed → same result`, async () => {
    const tensors = tf.memory().numTensors;
    const r = await adapt({ source, target, method: entry.name as AdaptMethodName, seed: 1, deep: tiny });
    assert.equal(tf.memory().numTensors, tensors, 'no tensors left behind');
    assertCommonFields(r, entry.name);
    assert.deepEqual(r.candidates.map((c) => c.method), ['erm', entry.name]);
    const d = r.deep!;
    assert.ok(d.network && d.featureLayer && d.stepsPerEpoch > 0);
    assert.deepEqual([d.epochs, d.batchSize, d.lambda, d.history.length, d.baselineHistory.length], [1, 16, entry.defaultLambda, 1, 1]);
    assert.deepEqual(d.domains, ['blobs-source', 'blobs-target']);
    assert.deepEqual(timeless(await adapt({ source, target, method: entry.name as AdaptMethodName, seed: 1, deep: tiny })), timeless(r), `${entry.name}: same seed, same result`);
  });
}

test('a method that does not apply is refused before any work, naming the method and the reason', async () => {
  const withBase: ApplyContext = { ...applyCtx, base: 'fashion-cnn' };
  for (const entry of methodsOf('deep')) {
    const reason = entry.applies(withBase);
    assert.equal(typeof reason, 'string', `${entry.name} refuses a base model on tabular data`);
    assert.throws(() => checkApplies(entry, withBase), (err: Error) => {
      assert.ok(err instanceof TransferkitError);
      assert.equal(err.code, 'BAD_OPTION');
      assert.ok(err.message.includes(`"${entry.name}"`) && err.message.includes(reason as string), err.message);
      assert.equal(err.where, entry.name);
      return true;
    });
    const input = { method: entry.name as (typeof DEEP_METHODS)[number], classes: ['a', 'b'], sources: [source], target, base: 'fashion-cnn', seed: 0, viewDims: 100, options: tiny, classBalanced: true, labelledWeight: 5 };
    await assert.rejects(runDeep(input), (err: Error) => err instanceof TransferkitError && err.message.includes(reason as string));
  }
  // a method registered from outside goes through the same door: here one that never applies
  registerMethod({ name: 'contract-probe', family: 'shallow', description: 'refuses everything', applies: () => 'it is a probe that refuses every problem', options: [], autoCandidate: false, run: (ctx) => ({ model: trainOnSource(ctx) }) });
  await assert.rejects(adapt({ source, target, method: 'contract-probe' as AdaptMethodName }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'BAD_OPTION');
    assert.match(err.message, /"contract-probe" does not apply here: it is a probe that refuses every problem/);
    return true;
  });
  await assert.rejects(adapt({ source, target, method: 'auto', candidates: ['coral', 'contract-probe' as 'coral'] }), /"contract-probe" does not apply here/);
});

test('a registered method runs through adapt() like a built-in one', async () => {
  registerMethod({ name: 'strong-prior', family: 'shallow', description: 'source-only with C = 0.01', applies: () => true, options: [{ field: 'C', help: 'ignored' }], autoCandidate: false, run: (ctx) => ({ model: trainOnSource({ ...ctx, options: { ...ctx.options, C: 0.01 } }) }) });
  const r = await adapt({ source, target, method: 'strong-prior' as AdaptMethodName, seed: 1 });
  assertCommonFields(r, 'strong-prior');
  const ref = await adapt({ source, target, method: 'source-only', seed: 1, C: 0.01 });
  assert.deepEqual(r.after, ref.after);
});

test('auto tries the registry’s auto candidates (and, on tables, DANN) and chooses one of them', async () => {
  const r = await adapt({ source, target, method: 'auto', seed: 1 });
  assert.deepEqual(r.candidates.map((c) => c.method), [...autoCandidatesFor(source.size), ...DEFAULT_DEEP_CANDIDATES]);
  assert.ok(r.candidates.some((c) => c.method === r.method));
  assert.equal(r.chosenBy, 'dev');
  for (const c of r.candidates) assertScores(c.test, `auto candidate ${c.method}`);
});

test('README and the CLI name every registered built-in method; --method offers exactly the registry’s', async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = /<!-- adapt-section -->([\s\S]*?)<!-- \/adapt-section -->/.exec(readme)![1];
  for (const m of BUILTIN_METHODS) assert.ok(section.includes(m.name), `README's Domain adaptation section names ${m.name}`);
  assert.match(section, /### Contributing[\s\S]*registerMethod/, 'README explains how to add a method');
  const help = (await cli('adapt', '--help')).stdout;
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const m of BUILTIN_METHODS) assert.match(help, new RegExp(`^  ${esc(m.name)} +${esc(m.description.slice(0, 20))}`, 'm'), `--help lists ${m.name} with its description`);
  const choices = /--method <name>[\s\S]*?\(choices: ([^)]*), default/.exec(help)![1].replace(/\s+/g, ' ');
  assert.deepEqual([...choices.matchAll(/"([^"]+)"/g)].map((x) => x[1]), [...BUILTIN_METHODS.map((m): string => m.name), 'auto']);
});
