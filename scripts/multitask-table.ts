/**
 * The measured multi-task table: for each setting, multi-task (fixed and uncertainty weighting)
 * against single-task models with the same trunk, data and budget, over seeds, scored on one
 * fixed test set. Writes results/multitask/<setting>.json and results/multitask/table.md.
 *
 *   node --import tsx scripts/multitask-table.ts [--seeds 3] [--per-class 20] [--only fashion-scratch,...]
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { initEngine } from '../src/engine/backend.ts';
import { disposeModelWeights } from '../src/models/dispose.ts';
import { meanStd } from '../src/measures/stats.ts';
import { writeFileAtomic } from '../src/util/atomic.ts';
import {
  buildMultiTaskModel, evaluateTasks, loadTaskData, multiTaskVerdict, prepareSplits, trainMultiTask,
  type MultiTaskData, type TaskHead, type TaskScore, type TrunkSpec, type Weighting,
} from '../src/transfer/multitask/index.ts';

interface Setting { name: string; data: string; tasks: string; trunk: TrunkSpec; trunkText: string }

const SETTINGS: Setting[] = [
  { name: 'fashion-scratch', data: 'builtin:fashion-mnist-test', tasks: 'class,group=datasets/tasks/fashion-groups.csv', trunk: { kind: 'scratch', arch: 'cnn' }, trunkText: 'scratch CNN (conv16-conv32-dense64)' },
  { name: 'fashion-digits04', data: 'builtin:fashion-mnist-test', tasks: 'class,group=datasets/tasks/fashion-groups.csv', trunk: { kind: 'base', ref: 'digits04-cnn', train: 1 }, trunkText: 'digits04-cnn to dense1 (convs frozen, dense1 trains)' },
  { name: 'mnist-scratch', data: 'builtin:mnist', tasks: 'digit,parity=datasets/tasks/digit-parity.csv', trunk: { kind: 'scratch', arch: 'cnn' }, trunkText: 'scratch CNN (conv16-conv32-dense64)' },
];

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const SEEDS = Number(arg('seeds', '3'));
const PER_CLASS = Number(arg('per-class', '20'));
const ONLY = arg('only', '').split(',').filter(Boolean);
const BUDGET = { epochs: 20, batchSize: 32, learningRate: 2e-3, patience: 5 };
const OUT = 'results/multitask';

type Arm = 'fixed' | 'uncertainty' | 'single';

async function runSetting(s: Setting): Promise<Record<string, unknown>> {
  const { ds, tasks } = await loadTaskData(s.data, s.tasks);
  const heads: TaskHead[] = tasks.map((t) => ({ name: t.name, classes: t.classes }));
  const scores: Record<Arm, TaskScore[][]> = { fixed: [], uncertainty: [], single: [] };
  const learned: number[][] = [];
  const seconds: Record<Arm, number> = { fixed: 0, uncertainty: 0, single: 0 };
  const image = s.trunk.kind === 'base' ? { height: 28, width: 28, channels: 1 } : undefined;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sp = prepareSplits(ds, tasks, seed, { perClass: PER_CLASS, maxTest: 2000, image });
    const pick = (d: MultiTaskData, t: number) => ({ ...d, labels: [d.labels[t]] });
    const fit = async (arm: Arm, hs: TaskHead[], w: Weighting, t?: number) => {
      const model = await buildMultiTaskModel(s.trunk, hs, { seed, inputShape: sp.inputShape });
      const t0 = performance.now();
      try {
        const res = await trainMultiTask(model, t === undefined ? sp.train : pick(sp.train, t), { ...BUDGET, seed, weighting: w, val: t === undefined ? sp.val : pick(sp.val, t) });
        seconds[arm] += (performance.now() - t0) / 1000;
        return { res, test: evaluateTasks(model, t === undefined ? sp.test : pick(sp.test, t), hs) };
      } finally {
        disposeModelWeights(model);
      }
    };
    scores.fixed.push((await fit('fixed', heads, { kind: 'fixed' })).test);
    const u = await fit('uncertainty', heads, { kind: 'uncertainty' });
    scores.uncertainty.push(u.test);
    learned.push(u.res.weights);
    const single: TaskScore[] = [];
    for (let t = 0; t < heads.length; t++) single.push((await fit('single', [heads[t]], { kind: 'fixed' }, t)).test[0]);
    scores.single.push(single);
    console.error(`${s.name} seed ${seed}: ` + (['fixed', 'uncertainty', 'single'] as Arm[]).map((a) => `${a} ${scores[a].at(-1)!.map((x) => x.accuracy.toFixed(3)).join('/')}`).join(', ') + ` (tensors ${tf.memory().numTensors})`);
  }
  const summary = heads.map((h, t) => {
    const acc = (a: Arm) => scores[a].map((r) => r[t].accuracy);
    const f1 = (a: Arm) => scores[a].map((r) => r[t].macroF1);
    const ms = (v: number[]) => meanStd(v);
    return {
      task: h.name,
      classes: h.classes.length,
      accuracy: { fixed: ms(acc('fixed')), uncertainty: ms(acc('uncertainty')), single: ms(acc('single')) },
      macroF1: { fixed: ms(f1('fixed')), uncertainty: ms(f1('uncertainty')), single: ms(f1('single')) },
      verdictFixed: multiTaskVerdict(h.name, acc('fixed'), acc('single'), { label: 'fixed weights vs single-task' }),
      verdictUncertainty: multiTaskVerdict(h.name, acc('uncertainty'), acc('single'), { label: 'uncertainty weighting vs single-task' }),
      learnedWeight: ms(learned.map((w) => w[t])),
    };
  });
  return { setting: s.name, data: s.data, tasks: s.tasks, trunk: s.trunkText, perClass: PER_CLASS, seeds: SEEDS, budget: BUDGET, testSize: scores.fixed[0][0].n, engine: 'tfjs', secondsPerArm: seconds, runs: scores, learnedWeights: learned, summary };
}

function markdown(results: Array<Record<string, any>>): string {
  const pm = (m: { mean: number; std: number }) => `${(100 * m.mean).toFixed(1)} ± ${(100 * m.std).toFixed(1)}`;
  const lines = [
    `| setting | trunk | task | single-task | multi (fixed 1:1) | multi (uncertainty) | learned weight | verdict fixed | verdict uncertainty |`,
    `|---|---|---|---|---|---|---|---|---|`,
  ];
  for (const r of results) {
    for (const s of r.summary) {
      const v = (x: { kind: string; difference: { mean: number; halfWidth: number } }) => `${x.kind} (${x.difference.mean >= 0 ? '+' : ''}${x.difference.mean.toFixed(1)} ± ${x.difference.halfWidth.toFixed(1)})`;
      lines.push(`| ${r.setting} | ${r.trunk} | ${s.task} (${s.classes}) | ${pm(s.accuracy.single)} | ${pm(s.accuracy.fixed)} | ${pm(s.accuracy.uncertainty)} | ${s.learnedWeight.mean.toFixed(2)} | ${v(s.verdictFixed)} | ${v(s.verdictUncertainty)} |`);
    }
  }
  const r0 = results[0];
  lines.push('', `Test accuracy in %, mean ± sd over ${r0.seeds} seeds (each seed draws its own ${r0.perClass} labelled examples per class and initialisation; all arms of a seed share them). Test set: ${r0.testSize} held-out examples, the same for every seed. Budget for every model: ${r0.budget.epochs} epochs max, batch ${r0.budget.batchSize}, AdamW lr ${r0.budget.learningRate}, early stopping (patience ${r0.budget.patience}) on validation loss (${Math.ceil(r0.perClass / 2)} per class). Verdict: paired difference multi − single in points with its 95% paired-t half-width. Engine: TF.js (wasm).`);
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  await initEngine({});
  tf.env().set('PROD', true);
  const results: Array<Record<string, unknown>> = [];
  for (const s of SETTINGS.filter((x) => ONLY.length === 0 || ONLY.includes(x.name))) {
    const t0 = performance.now();
    const r = await runSetting(s);
    r.seconds = (performance.now() - t0) / 1000;
    results.push(r);
    await writeFileAtomic(join(OUT, `${s.name}.json`), JSON.stringify(r, null, 2) + '\n');
  }
  const md = markdown(results);
  await writeFileAtomic(join(OUT, ONLY.length ? `table-${ONLY.join('+')}.md` : 'table.md'), md);
  process.stdout.write(md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
