/**
 * Compares fine-tuning recipes on the demo task: the built-in `fashion-cnn` (clothing) reused
 * for MNIST digits with 10 labelled digits per class, 3 seeds, scored on the demo's fixed 25%
 * MNIST test split. The baseline is the foundation's plain fine-tune with the demo's settings
 * (`DEMO_FIT`); every recipe trains on the same digits per seed (paired comparison).
 *
 *   node --import tsx scripts/finetune-recipes.ts [out-dir]
 *
 * Environment: RECIPES (comma-separated names to run, default all), SEEDS (default 3),
 * BASE (default fashion-cnn), WAIT_MINUTES (how long to wait for the base to appear, default 0).
 * Writes <out-dir>/results.json and prints a Markdown table. A later run with RECIPES into the
 * same folder replaces those rows and keeps the others (when base, seeds and DEMO_FIT match).
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../src/data/load.ts';
import { samplePerClass, trainValTestSplit } from '../src/data/split.ts';
import { initEngine } from '../src/engine/backend.ts';
import { evaluateModel } from '../src/models/evaluate.ts';
import { meanStd } from '../src/measures/stats.ts';
import { resolveModelRef } from '../src/models/zoo.ts';
import { DEMO_FIT, DEMO_TEST_FRACTION } from '../src/choose/demo.ts';
import { fit, type FitConfig } from '../src/transfer/fit.ts';
import { writeJsonAtomic } from '../src/util/atomic.ts';

interface Recipe {
  name: string;
  /** What the recipe changes, for the table. */
  what: string;
  config: Partial<FitConfig>;
}

const AUG = 'shift=0.1,rotate=12,zoom=0.1';
const AUG_MILD = 'shift=0.05,rotate=8,zoom=0.05';
/** LoRA adapts the base's own dense layer, so it keeps the whole pretrained network and cuts where the old head was. */
const LORA: Partial<FitConfig> = { strategy: 'lora', cutAt: undefined, headHidden: [], headDropout: 0, loraRank: 8, loraAlpha: 16 };
const RECIPES: Recipe[] = [
  { name: 'plain', what: 'the foundation’s fine-tune with the demo settings (DEMO_FIT)', config: {} },
  { name: 'augment', what: `+ --augment ${AUG}`, config: { augment: AUG } },
  { name: 'augment-mild', what: `+ --augment ${AUG_MILD}`, config: { augment: AUG_MILD } },
  { name: 'augment-smooth', what: `+ --augment ${AUG_MILD} --label-smoothing 0.1`, config: { augment: AUG_MILD, labelSmoothing: 0.1 } },
  { name: 'cosine', what: '+ --lr-schedule cosine --warmup 2', config: { lrSchedule: 'cosine', warmup: 2 } },
  { name: 'smooth', what: '+ --label-smoothing 0.1 --weight-decay 0.01', config: { labelSmoothing: 0.1, weightDecay: 0.01 } },
  { name: 'l2sp', what: '+ --unfreeze 2 --l2sp 0.01 (both convolutions, pulled toward their pretrained values)', config: { unfreeze: 2, l2sp: 0.01 } },
  { name: 'discriminative', what: '+ --unfreeze 2 --lr-decay 0.5', config: { unfreeze: 2, lrDecay: 0.5 } },
  {
    name: 'gradual',
    what: '--unfreeze-schedule "1:head,20:conv2,40:conv1" --lr-decay 0.3 (one phase of --epochs)',
    config: { unfreezeSchedule: '1:head,20:conv2,40:conv1', lrDecay: 0.3 },
  },
  {
    name: 'gradual-augment',
    what: `gradual + --augment ${AUG_MILD}`,
    config: { unfreezeSchedule: '1:head,20:conv2,40:conv1', lrDecay: 0.3, augment: AUG_MILD },
  },
  { name: 'lora', what: '--strategy lora --lora-rank 8 --lora-alpha 16 on dense1; softmax head where the old head was', config: { ...LORA } },
  { name: 'lora-augment', what: `lora + --lr 0.003 --augment ${AUG_MILD}`, config: { ...LORA, learningRate: 3e-3, augment: AUG_MILD } },
  { name: 'lora-augment-80', what: `lora + --lr 0.003 --epochs 80 --augment ${AUG}`, config: { ...LORA, learningRate: 3e-3, epochs: 80, augment: AUG } },
  {
    name: 'lora-all-augment',
    what: `lora on conv1,conv2,dense1 + --lr 0.003 --augment ${AUG_MILD}`,
    config: { ...LORA, loraLayers: ['conv1', 'conv2', 'dense1'], learningRate: 3e-3, augment: AUG_MILD },
  },
  {
    name: 'lora-conv-augment',
    what: `--cut-at flatten, lora on conv1,conv2 --lr 0.002 --augment ${AUG_MILD} (drops dense1: a smaller model, so its share is of that model)`,
    config: { ...LORA, cutAt: 'flatten', loraLayers: ['conv1', 'conv2'], learningRate: 2e-3, augment: AUG_MILD },
  },
];

const out = process.argv[2] ?? 'runs/finetune-recipes';
const seeds = Array.from({ length: Number(process.env.SEEDS ?? 3) }, (_, i) => i + 1);
const base = process.env.BASE ?? 'fashion-cnn';
const only = process.env.RECIPES?.split(',').map((s) => s.trim());
const recipes = RECIPES.filter((r) => !only || only.includes(r.name));

// the zoo model may still be training: wait for it
const deadline = Date.now() + Number(process.env.WAIT_MINUTES ?? 0) * 60_000;
const modelPath = () => {
  try {
    return join(resolveModelRef(base), 'model.json');
  } catch {
    return undefined;
  }
};
while (!(modelPath() && existsSync(modelPath()!)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 30_000));

tf.env().set('PROD', true);
const engine = await initEngine();
console.log(`backend: ${engine.backend}; base: ${base}; seeds: ${seeds.join(', ')}; recipes: ${recipes.map((r) => r.name).join(', ')}`);
console.log(`plain = DEMO_FIT = ${JSON.stringify(DEMO_FIT)}`);

const mnist = await loadDataset('builtin:mnist');
const { train: pool, test } = trainValTestSplit(mnist, { val: 0, test: DEMO_TEST_FRACTION, seed: 0 });
const testSet = { ...test, name: 'builtin:mnist (held-out test split)' };

/** One recipe's result over the seeds. */
interface Row {
  name: string;
  what: string;
  accuracy: number;
  std: number;
  perSeed: number[];
  trainableParams: number;
  totalParams: number;
  seconds: number;
}
// rows of an earlier run into the same folder, with the same settings, are kept: RECIPES=x reruns x only
const resultsPath = join(out, 'results.json');
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const earlier = existsSync(resultsPath) ? (JSON.parse(await readFile(resultsPath, 'utf8')) as { base: string; seeds: number[]; demoFit: unknown; rows: Row[] }) : undefined;
const kept = earlier && earlier.base === base && same(earlier.seeds, seeds) && same(earlier.demoFit, DEMO_FIT) ? earlier.rows : [];
const byName = new Map<string, Row>(kept.map((r) => [r.name, r]));
const save = () => {
  const ordered = [...RECIPES.map((r) => byName.get(r.name)).filter((r): r is Row => r !== undefined)];
  return writeJsonAtomic(resultsPath, { base, seeds, perClass: 10, testSize: test.size, demoFit: DEMO_FIT, rows: ordered }).then(() => ordered);
};
for (const recipe of recipes) {
  const acc: number[] = [];
  const sec: number[] = [];
  let params = { trainableParams: 0, totalParams: 0 };
  for (const seed of seeds) {
    const train = { ...samplePerClass(pool, 10, seed).sample, name: `mnist (10 per class, seed ${seed})` };
    const dir = join(out, `${recipe.name}-seed${seed}`);
    await rm(dir, { recursive: true, force: true });
    const res = await fit({ valFraction: 0, ...(DEMO_FIT as Partial<FitConfig>), strategy: 'finetune', ...recipe.config, base, train, seed, out: dir });
    const m = await evaluateModel({ model: res.model, data: testSet });
    res.model.dispose();
    acc.push(m.accuracy);
    sec.push(res.seconds);
    params = { trainableParams: res.trainableParams, totalParams: res.totalParams };
    console.log(`${recipe.name} seed ${seed}: test accuracy ${(100 * m.accuracy).toFixed(2)}% (${res.seconds.toFixed(0)} s)`);
  }
  const s = meanStd(acc);
  byName.set(recipe.name, { name: recipe.name, what: recipe.what, accuracy: s.mean, std: s.std, perSeed: acc, ...params, seconds: meanStd(sec).mean });
  await save();
}
const rows = await save();

const plain = rows.find((r) => r.name === 'plain');
const pct = (v: number) => (100 * v).toFixed(1);
console.log(`\n| recipe | test accuracy (mean ± std, ${seeds.length} seeds) | vs plain | trainable params (share of the model) | s / run | settings |`);
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  const delta = plain ? `${r.accuracy >= plain.accuracy ? '+' : ''}${pct(r.accuracy - plain.accuracy)}` : '';
  console.log(`| ${r.name} | ${pct(r.accuracy)} ± ${pct(r.std)} | ${delta} | ${r.trainableParams.toLocaleString('en')} (${pct(r.trainableParams / r.totalParams)}%) | ${r.seconds.toFixed(0)} | ${r.what} |`);
}
if (plain) {
  const recipesOnly = rows.filter((r) => r.name !== 'plain' && !r.name.startsWith('lora'));
  const best = recipesOnly.reduce<Row | undefined>((b, r) => (!b || r.accuracy > b.accuracy ? r : b), undefined);
  if (best) console.log(`\nbest recipe: ${best.name}, ${pct(best.accuracy - plain.accuracy)} points over plain fine-tuning (bar: ≥ 2)`);
  for (const lora of rows.filter((r) => r.name.startsWith('lora'))) {
    console.log(`${lora.name}: ${pct(lora.accuracy - plain.accuracy)} points vs plain (full) fine-tuning (bar: ≥ −2), training ${pct(lora.trainableParams / lora.totalParams)}% of its model's parameters (bar: < 10%)`);
  }
}
