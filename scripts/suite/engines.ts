/**
 * `npm run suite:engines`: the defaults suite's `fit` tasks on both training engines, side by
 * side (issue 13's bar: the new engine gives the same accuracies within noise). For every task
 * and seed, the three plain-defaults recipes (scratch, extract, finetune) run on the ONNX
 * training engine and then on TF.js, with the same seeds, data draws and settings; the paired
 * differences of test accuracy and the wall time of each engine go to
 * `results/suite/engines.json` and the README table between the `<!-- engines -->` markers.
 * The tabular tasks run on all their seeds (they are cheap); `--max-seeds` caps the others.
 *
 *   npm run suite:engines                          # every fit task, on its seeds (image tasks: --max-seeds, default 2)
 *   npm run suite:engines -- --max-seeds 1 --only fashion→mnist-10
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { initEngine } from '../../src/engine/backend.ts';
import { setTrainingEngine, type TrainingEngine } from '../../src/engine/training-engine.ts';
import { writeFileAtomic } from '../../src/util/atomic.ts';
import { FIT_TASKS } from './fit-tasks.ts';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    'max-seeds': { type: 'string', default: '2' },
    'no-readme': { type: 'boolean', default: false },
    out: { type: 'string', default: 'results/suite/engines.json' },
  },
});

const ENGINES: TrainingEngine[] = ['onnx', 'tfjs'];
const maxSeeds = Number(args['max-seeds']);
const only = args.only?.split(',');
const tasks = FIT_TASKS.filter((t) => !only || only.includes(t.name));
const say = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
await initEngine();

/** One recipe of one task and seed on both engines. */
interface Pair {
  task: string;
  seed: number;
  recipe: string;
  accuracy: Record<TrainingEngine, number>;
  seconds: Record<TrainingEngine, number>;
}

const pairs: Pair[] = [];
for (const task of tasks) {
  for (const seed of task.seeds ?? [1, 2].slice(0, maxSeeds)) {
    const byEngine = {} as Record<TrainingEngine, Map<string, { accuracy: number; seconds: number }>>;
    for (const engine of ENGINES) {
      setTrainingEngine(engine);
      const r = await task.run({ seed, quick: false, say: (l) => say(`[${engine}] ${l}`), defaultsOnly: true });
      byEngine[engine] = new Map(r.candidates.map((c) => [c.name, { accuracy: c.accuracy, seconds: c.seconds ?? NaN }]));
    }
    for (const [recipe, onnx] of byEngine.onnx) {
      const tfjs = byEngine.tfjs.get(recipe);
      if (!tfjs) continue;
      pairs.push({ task: task.name, seed, recipe, accuracy: { onnx: onnx.accuracy, tfjs: tfjs.accuracy }, seconds: { onnx: onnx.seconds, tfjs: tfjs.seconds } });
    }
  }
}
setTrainingEngine(undefined);

/** Mean, standard error and a 95% interval of the paired differences onnx − tfjs (points). */
function pairedSummary(ps: Pair[]) {
  const d = ps.map((p) => (p.accuracy.onnx - p.accuracy.tfjs) * 100);
  const mean = d.reduce((s, v) => s + v, 0) / d.length;
  const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, d.length - 1));
  const se = sd / Math.sqrt(d.length);
  return { n: d.length, meanDifference: mean, se, interval: [mean - 1.96 * se, mean + 1.96 * se] as [number, number], maxAbsDifference: Math.max(...d.map(Math.abs)) };
}

const sum = (ps: Pair[], e: TrainingEngine) => ps.reduce((s, p) => s + p.seconds[e], 0);
const taskRows = tasks.map((t) => {
  const ps = pairs.filter((p) => p.task === t.name);
  const acc = (recipe: string, e: TrainingEngine) => {
    const r = ps.filter((p) => p.recipe === recipe);
    return r.reduce((s, p) => s + p.accuracy[e], 0) / r.length;
  };
  return { task: t.name, seeds: [...new Set(ps.map((p) => p.seed))], finetune: { onnx: acc('finetune (defaults)', 'onnx'), tfjs: acc('finetune (defaults)', 'tfjs') }, extract: { onnx: acc('extract (defaults)', 'onnx'), tfjs: acc('extract (defaults)', 'tfjs') }, scratch: { onnx: acc('scratch (defaults)', 'onnx'), tfjs: acc('scratch (defaults)', 'tfjs') }, seconds: { onnx: sum(ps, 'onnx'), tfjs: sum(ps, 'tfjs') } };
});
const overall = { ...pairedSummary(pairs), seconds: { onnx: sum(pairs, 'onnx'), tfjs: sum(pairs, 'tfjs') } };
const summary = { createdAt: new Date().toISOString(), node: process.version, maxSeeds, overall, tasks: taskRows, pairs };
await mkdir('results/suite', { recursive: true });
await writeFileAtomic(args.out!, JSON.stringify(summary, null, 2) + '\n');

const pct = (v: number) => (Number.isFinite(v) ? (v * 100).toFixed(1) : 'n/a');
const both = (x: Record<TrainingEngine, number>) => `${pct(x.onnx)} / ${pct(x.tfjs)}`;
const table = [
  '| task | finetune (onnx / tfjs) | extract (onnx / tfjs) | scratch (onnx / tfjs) | seconds (onnx / tfjs) |',
  '|---|---|---|---|---|',
  ...taskRows.map((r) => `| ${r.task} | ${both(r.finetune)} | ${both(r.extract)} | ${both(r.scratch)} | ${r.seconds.onnx.toFixed(0)} / ${r.seconds.tfjs.toFixed(0)} (×${(r.seconds.tfjs / r.seconds.onnx).toFixed(1)}) |`),
  '',
  `Paired over ${overall.n} runs (task × seed × recipe): onnx − tfjs = ${overall.meanDifference.toFixed(2)} points (95% interval ${overall.interval[0].toFixed(2)} to ${overall.interval[1].toFixed(2)}; largest single difference ${overall.maxAbsDifference.toFixed(1)}); wall time ${overall.seconds.onnx.toFixed(0)} s on onnx, ${overall.seconds.tfjs.toFixed(0)} s on tfjs (×${(overall.seconds.tfjs / overall.seconds.onnx).toFixed(1)}).`,
].join('\n');
console.log(table);
if (!args['no-readme'] && !only) {
  const readme = await readFile('README.md', 'utf8');
  const re = /<!-- engines -->[\s\S]*?<!-- \/engines -->/;
  if (re.test(readme)) await writeFile('README.md', readme.replace(re, `<!-- engines -->\n${table}\n<!-- /engines -->`));
}
