/**
 * `multiTask`: load data and tasks, train one shared-trunk model with a head per task, score
 * every task on held-out data, optionally compare with single-task models over seeds, and
 * write the run folder.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import type { Dataset } from '../../data/dataset.ts';
import type { Impute } from '../../data/csv.ts';
import { ensureEngine } from '../../engine/backend.ts';
import { trainingEngine } from '../../engine/training-engine.ts';
import { disposeModelWeights } from '../../models/dispose.ts';
import { loadModelRef } from '../../models/load.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomic.ts';
import { evaluateTasks, type TaskScore } from './evaluate.ts';
import { saveMultiTaskModel, saveTaskHeads, verifyMultiTaskSave } from './io.ts';
import { loadTaskData } from './load-tasks.ts';
import { checkWeights, type Weighting } from './loss.ts';
import { buildMultiTaskModel, type TrunkSpec } from './model.ts';
import { prepareSplits, type PreparedSplits, type SplitPlan } from './prepare.ts';
import type { TaskSource } from './tasks.ts';
import { trainMultiTask, type MultiTaskEpoch, type MultiTaskTrainResult } from './train.ts';
import { multiTaskVerdict, type MultiTaskVerdict } from './verdict.ts';

/** Configuration of {@link multiTask}. */
export interface MultiTaskConfig extends SplitPlan {
  /** Dataset spec (`builtin:fashion-mnist-test`, a CSV, …) or a dataset in memory. */
  train: string | Dataset;
  /** The tasks, e.g. `class,group=datasets/tasks/fashion-groups.csv` (see `parseTaskList`). */
  tasks: string | TaskSource[];
  /** CSV label column of the first task. */
  label?: string;
  impute?: Impute;
  trunk: TrunkSpec;
  /** Default: fixed, weight 1 per task. */
  weighting?: Weighting;
  /** Default 20. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Default 1e-3. */
  learningRate?: number;
  /** Default 5. */
  patience?: number;
  /** Seed of the run (and the first seed of a comparison); default 0. */
  seed?: number;
  /** Also train one single-task model per task (same data, trunk and budget) and compare, paired by seed. */
  compareSingle?: boolean;
  /** Seeds of the comparison (`seed`, `seed + 1`, …); default 3. */
  seeds?: number;
  /** Run folder to write (must be new or empty). */
  out?: string;
  /** Progress of the current training: its name, steps done, steps per epoch. */
  onProgress?: (what: string, done: number, total: number) => void;
  /** A line of progress per epoch. */
  onLog?: (line: string) => void;
}

/** Per-seed test scores of the comparison. */
export interface ComparisonRun {
  seed: number;
  multi: TaskScore[];
  single: TaskScore[];
}

/** What {@link multiTask} returns (and writes to `metrics.json`). */
export interface MultiTaskResult {
  tasks: Array<{ name: string; classes: string[] }>;
  weighting: Weighting['kind'];
  /** Effective task weights of the saved model (learned ones under uncertainty weighting). */
  weights: number[];
  logVars?: number[];
  trainSize: number;
  valSize: number;
  testSize: number;
  /** Test scores of the model of the first seed. */
  scores: TaskScore[];
  bestEpoch: number;
  epochs: number;
  stoppedEarly: boolean;
  engine: 'tfjs';
  seconds: number;
  comparison?: { seeds: number[]; runs: ComparisonRun[]; verdicts: MultiTaskVerdict[] };
  out?: string;
  /** The multi-output model folder, and one plain model per head. */
  model?: string;
  heads?: string[];
}

/**
 * Trains a multi-task model (and, with `compareSingle`, single-task models over seeds).
 *
 * @throws TransferkitError `OUT_NOT_EMPTY` when `out` holds files, `BAD_OPTION` for weights that
 *   do not match the tasks, and those of loading, mapping, splitting and training.
 * @example
 * ```ts
 * const res = await multiTask({ train: 'builtin:fashion-mnist-test', tasks: 'class,group=datasets/tasks/fashion-groups.csv',
 *   trunk: { kind: 'base', ref: 'digits04-cnn' }, weighting: { kind: 'uncertainty' }, perClass: 20, compareSingle: true });
 * res.comparison?.verdicts.map((v) => v.text);
 * ```
 */
export async function multiTask(cfg: MultiTaskConfig): Promise<MultiTaskResult> {
  const t0 = performance.now();
  await ensureEngine();
  const engine = trainingEngine();
  if (engine.explicit && engine.engine === 'onnx') {
    throw new TransferkitError('ONNX_TRAIN_UNSUPPORTED', `The ONNX training engine (asked for by ${engine.source}) compiles single-softmax models only; a multi-task model has one softmax per task`, {
      where: 'multitask',
      hint: 'Leave the engine unset or use --engine tfjs: multi-task training runs on TF.js.',
    });
  }
  if (cfg.out) await checkOut(cfg.out);
  const { ds, tasks } = await loadTaskData(cfg.train, cfg.tasks, { label: cfg.label, impute: cfg.impute });
  const weighting = cfg.weighting ?? { kind: 'fixed' };
  if (weighting.kind === 'fixed' && weighting.weights) checkWeights(weighting.weights, tasks.map((t) => t.name));
  const image = cfg.trunk.kind === 'base' && ds.features.kind === 'image' ? await baseImageSize(cfg.trunk.ref) : undefined;
  const seed = cfg.seed ?? 0;
  const seeds = cfg.compareSingle ? Array.from({ length: cfg.seeds ?? 3 }, (_, i) => seed + i) : [seed];
  const heads = tasks.map((t) => ({ name: t.name, classes: t.classes }));
  const train = async (what: string, model: tf.LayersModel, s: PreparedSplits, sd: number, w: Weighting, pick?: number) =>
    trainMultiTask(model, pick === undefined ? s.train : { ...s.train, labels: [s.train.labels[pick]] }, {
      epochs: cfg.epochs ?? 20,
      seed: sd,
      weighting: w,
      batchSize: cfg.batchSize,
      learningRate: cfg.learningRate,
      patience: cfg.patience,
      val: pick === undefined ? s.val : { ...s.val, labels: [s.val.labels[pick]] },
      onStep: (d, t) => cfg.onProgress?.(what, d, t),
      onEpoch: (r) => cfg.onLog?.(epochLine(what, r)),
    });

  let main: { model: tf.LayersModel; res: MultiTaskTrainResult; splits: PreparedSplits; scores: TaskScore[] } | undefined;
  const runs: ComparisonRun[] = [];
  try {
    for (const sd of seeds) {
      const splits = prepareSplits(ds, tasks, sd, { ...cfg, image });
      const model = await buildMultiTaskModel(cfg.trunk, heads, { seed: sd, inputShape: splits.inputShape });
      let kept = false;
      try {
        const res = await train(`multitask seed ${sd}`, model, splits, sd, weighting);
        const scores = evaluateTasks(model, splits.test, heads);
        if (!main) {
          main = { model, res, splits, scores };
          kept = true;
        }
        if (!cfg.compareSingle) break;
        const single: TaskScore[] = [];
        for (const [t, task] of heads.entries()) {
          const one = await buildMultiTaskModel(cfg.trunk, [task], { seed: sd, inputShape: splits.inputShape });
          try {
            await train(`single ${task.name} seed ${sd}`, one, splits, sd, { kind: 'fixed' }, t);
            single.push(evaluateTasks(one, { ...splits.test, labels: [splits.test.labels[t]] }, [task])[0]);
          } finally {
            disposeModelWeights(one);
          }
        }
        runs.push({ seed: sd, multi: scores, single });
      } finally {
        if (!kept) disposeModelWeights(model);
      }
    }
    const m = main!;
    const result: MultiTaskResult = {
      tasks: heads,
      weighting: weighting.kind,
      weights: m.res.weights,
      trainSize: m.splits.train.shape[0],
      valSize: m.splits.val.shape[0],
      testSize: m.splits.test.shape[0],
      scores: m.scores,
      bestEpoch: m.res.bestEpoch,
      epochs: m.res.history.length,
      stoppedEarly: m.res.stoppedEarly,
      engine: 'tfjs',
      seconds: 0,
    };
    if (m.res.logVars) result.logVars = m.res.logVars;
    if (cfg.compareSingle) {
      const verdicts = heads.map((h, t) => multiTaskVerdict(h.name, runs.map((r) => r.multi[t].accuracy), runs.map((r) => r.single[t].accuracy), { label: `${weighting.kind} weighting vs single-task` }));
      result.comparison = { seeds, runs, verdicts };
    }
    result.seconds = (performance.now() - t0) / 1000;
    if (cfg.out) await writeRun(cfg, result, m);
    return result;
  } finally {
    if (main) disposeModelWeights(main.model);
  }
}

async function writeRun(cfg: MultiTaskConfig, result: MultiTaskResult, m: { model: tf.LayersModel; res: MultiTaskTrainResult; splits: PreparedSplits }): Promise<void> {
  const out = resolve(cfg.out!);
  const meta = { features: m.splits.features, source: { base: cfg.trunk.kind === 'base' ? cfg.trunk.ref : undefined, strategy: 'multitask' }, weighting: result.weighting, taskWeights: result.weights };
  result.out = out;
  result.model = join(out, 'model');
  await saveMultiTaskModel(m.model, result.model, result.tasks, meta);
  await verifyMultiTaskSave(result.model, m.model, m.splits.val.shape[0] > 0 ? m.splits.val : m.splits.train);
  result.heads = await saveTaskHeads(m.model, join(out, 'heads'), result.tasks, meta);
  const config = { ...cfg, train: typeof cfg.train === 'string' ? cfg.train : { inMemory: true, name: cfg.train.name }, onProgress: undefined, onLog: undefined };
  await writeJsonAtomic(join(out, 'config.json'), config);
  await writeFileAtomic(join(out, 'history.jsonl'), m.res.history.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await writeJsonAtomic(join(out, 'metrics.json'), result);
}

async function checkOut(out: string): Promise<void> {
  const names = await readdir(out).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    if (err.code === 'ENOTDIR') throw new TransferkitError('NOT_A_DIRECTORY', `The output ${out} is a file`, { where: out, hint: 'Pass a new folder for the run.' });
    throw err;
  });
  if (names.length > 0) throw new TransferkitError('OUT_NOT_EMPTY', `The output folder ${out} is not empty`, { where: out, hint: 'Pass a new or empty folder for the run.' });
}

/** The image size a base model takes (its recorded preprocessing or input shape). */
async function baseImageSize(ref: string): Promise<{ height: number; width: number; channels: number } | undefined> {
  const handle = await loadModelRef(ref);
  disposeModelWeights(handle.model);
  return handle.features?.kind === 'image' ? { height: handle.features.height, width: handle.features.width, channels: handle.features.channels } : undefined;
}

function epochLine(what: string, r: MultiTaskEpoch): string {
  const f = (v: number) => v.toFixed(3);
  const val = r.valTaskLoss ? `, val loss ${r.valTaskLoss.map(f).join('/')}, val acc ${r.valAccuracy!.map(f).join('/')}` : '';
  return `${what} epoch ${r.epoch}: loss ${f(r.loss)}${val}, weights ${r.weights.map((w) => w.toFixed(2)).join('/')} (${r.seconds.toFixed(1)} s)`;
}
