import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { classCounts, type Dataset } from '../data/dataset.ts';
import { datasetFingerprint } from '../data/fingerprint.ts';
import { fitFeatures, transformFeatures, type FeatureSpec } from '../data/features.ts';
import { loadDataset, relabel } from '../data/load.ts';
import { samplePerClass, trainValTestSplit } from '../data/split.ts';
import { ensureEngine } from '../engine/backend.ts';
import { TransferkitError } from '../errors.ts';
import { classificationMetrics, type ClassificationMetrics } from '../measures/metrics.ts';
import { fittedModel, type FittedModel } from '../models/model-handle.ts';
import { disposeModelWeights, disposeWeightsNotIn } from '../models/dispose.ts';
import { checkInputShape, loadModel, saveModel, type LoadedModel, type ModelMeta } from '../models/io.ts';
import { keepBatchNormInInference } from '../models/surgery.ts';
import { CHECKPOINT_STATE, RunFolder, type RunState } from '../runs/run-folder.ts';
import { seedMathRandom } from '../util/random.ts';
import { checkAugment, parseAugment, type AugmentOptions } from './augment.ts';
import { mergedModel } from './lora/apply.ts';
import { saveAdapter } from './lora/adapter-io.ts';
import { l2spPenalty, weightValues, type Penalty } from './regularizers.ts';
import { checkSchedule, layerMultipliers, type LrSchedule, type ScheduleKind } from './schedules.ts';
import {
  applyPhase,
  forwardFeatures,
  parseUnfreezeSchedule,
  planPhases,
  prepareModel,
  splitAtHead,
  type Arch,
  type Phase,
  type PreparedModel,
  type Strategy,
  type UnfreezeStep,
  STRATEGIES,
} from './strategies.ts';
import { calibrateBatchNorm } from './batchnorm.ts';
import { balancedClassWeights, formatRate, nonFiniteWeight, trainModel, type EpochRecord, type TensorData, type TrainCheckpoint, type TrainOptions, type TrainResult } from './train.ts';
import { decodeTrainState, encodeTrainState, TRAIN_STATE_FILES } from './train-state.ts';
import { predictProbs } from '../models/predict-probs.ts';
import { loadModelRef, type ModelHandle } from '../models/load.ts';
import { checkTrainingSettings, FIT_DEFAULTS } from './settings.ts';
import { fitLinearHead, linearHeadLayer, type HeadChoice } from './linear-head.ts';
import { phaseEpochs, planDefaults, type DefaultsPlan } from './defaults.ts';
import { convergenceWarnings } from './convergence.ts';
import { fitPrototypeHead } from './few-shot/prototype-head.ts';
import { applyRecordedEncoder, type TextEncoderRef } from '../models/text/encoder-features.ts';
import { isWordVectorsRef, wordVectorBase, WORD_POOL_LAYER, vocabTopWarnings } from '../models/text/word-vector-base.ts';

/**
 * Everything `fit` needs; saved as the run's `config.json` (a dataset given in memory is
 * recorded by its description: name, kind, size, classes).
 *
 * @example
 * ```ts
 * const config: FitConfig = { strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', epochs: 50 };
 * ```
 */
export interface FitConfig {
  /**
   * The pretrained model: any reference `loadModelRef` takes (zoo name, run folder, model folder,
   * model.json, .onnx), or a model already loaded with `loadModelRef` — which `fit` then consumes
   * (its weights go into the trained model or are freed; do not use it afterwards). Omit for
   * `scratch` with `arch`.
   */
  base?: string | ModelHandle;
  /** An ONNX text encoder as `base`: its `tokenizer.json` (default: the one beside the `.onnx`). */
  tokenizer?: string;
  /**
   * How token vectors become one text vector. An ONNX text encoder as `base`: `mean` over the
   * attention mask (default) or `cls` (the first token). Word vectors as `base` (`glove-100d`):
   * `sif` (default: Arora et al.'s weighted mean, weights from the frequency rank), `mean` or
   * `max` (element-wise).
   */
  pooling?: 'mean' | 'cls' | 'sif' | 'max';
  /** Word vectors as `base`: word slots per text (default 256 known words; longer texts are cut at the end). */
  maxTokens?: number;
  /** Word vectors as `base`: also give the N most frequent words of the set an embedding row, beyond the training texts' words (default 0). */
  vocabTop?: number;
  strategy: Strategy;
  /** Architecture for `scratch` without a base (default: cnn for images, mlp otherwise). */
  arch?: Arch;
  /** Training data: `builtin:NAME`, a path, or (from the API) a loaded dataset. */
  train: string | Dataset;
  /** Validation data; default: a stratified `valFraction` of the training data from 1,000 examples up (every class ≥ 5); smaller data all trains (see `DefaultsPlan`). */
  val?: string | Dataset;
  /** Share of the training data held out for validation when no `val` is given (default 0.15 from 1,000 examples up, else 0; 0 turns it off). */
  valFraction?: number;
  /** Label column of CSV data. */
  label?: string;
  /** How to treat missing CSV values. */
  impute?: 'none' | 'mean' | 'drop';
  /** CSV: declared type of columns by name, overriding inference (e.g. `{ zip: 'categorical' }`). */
  columnTypes?: Record<string, 'numeric' | 'categorical'>;
  /** Keep only N training examples per class (seeded). */
  perClass?: number;
  /** Epochs per phase (default 30, or more to make 300 optimiser steps on small data). */
  epochs?: number;
  /** Epochs of the fine-tuning phase (default: `epochs` when given; else 100 steps (≥ 10 epochs) on small data, the head phase's epochs on larger). */
  finetuneEpochs?: number;
  batchSize?: number;
  /** Learning rate of the head / scratch phase (default 1e-3 for images, 1e-2 for tabular and text features); fine-tuning uses a tenth of it. */
  learningRate?: number;
  /** Layer of the base (name or index) whose output feeds the new head (default: the top of a convolutional base's convolutional part, e.g. `flatten`; else the input of the old head). */
  cutAt?: string | number;
  /** Number of top base layers to unfreeze in the fine-tuning phase (default 2), or their names / indices. */
  unfreeze?: number | Array<string | number>;
  /** Early-stopping patience in epochs (default 5). */
  patience?: number;
  /** `balanced` weighs classes inversely to their frequency. */
  classWeights?: 'none' | 'balanced';
  seed?: number;
  /**
   * Run folder to write (`config.json`, `history.jsonl`, `metrics.json`, `model/`,
   * `checkpoints/`), which `resumeFit`, the CLI and `loadTrainedModel` can use later. Without it
   * nothing is written: the model is trained in memory and only returned (`FitResult.model`).
   */
  out?: string;

  // ---- fine-tuning controls -------------------------------------------------
  /**
   * Gradual unfreezing for `finetune`: `"1:head,3:dense1,5:conv2+bn2"` (or parsed steps). The run
   * is then one `gradual` phase of `epochs` epochs: the head trains from epoch 1 and each base
   * layer joins at its epoch. Combine with `lrDecay` so lower layers learn more slowly.
   */
  unfreezeSchedule?: string | UnfreezeStep[];
  /** Layer-wise learning-rate decay: the k-th weighted base layer from the top learns at `lrDecay^k` of the phase rate. */
  lrDecay?: number;
  /** Learning-rate multipliers by layer name (override `lrDecay`), e.g. `{ conv1: 0.1 }`. */
  layerLr?: Record<string, number>;
  /** Learning-rate schedule within each phase (default constant). */
  lrSchedule?: ScheduleKind;
  /** Linear warm-up epochs at the start of each phase. */
  warmup?: number;
  /** Linear warm-up steps (instead of `warmup` epochs). */
  warmupSteps?: number;
  /** `step` schedule: epochs between decays (default a third of the phase). */
  lrStepEpochs?: number;
  /** `step` schedule: decay factor (default 0.1). */
  lrGamma?: number;
  /** Decoupled (AdamW) weight decay of kernels. */
  weightDecay?: number;
  /** L2-SP: weight α of ‖w − w₀‖² pulling base weights toward their pretrained values. */
  l2sp?: number;
  /** L2-SP: weight β of ‖w‖² on weights without pretrained values (new head, adapters); default α/10. */
  l2spBeta?: number;
  /**
   * How the head phase trains a linear head on the frozen base (extract, and the first phase of
   * finetune): `adam` (the default) trains it for the phase's epochs at the learning rate;
   * `lbfgs` fits it to convergence on the cached base features (multinomial logistic regression),
   * with its L2 strength chosen by k-fold cross-validation on the training examples, and ignores
   * the head phase's epochs and learning rate. `lbfgs` needs a linear head (no `headHidden`) and
   * none of the controls only Adam applies (label smoothing, L2-SP, weight decay, schedules,
   * warm-up, layer-wise rates).
   */
  headSolver?: 'adam' | 'lbfgs';
  /** Hidden ReLU layers of the new head (default `[128]` on a base, with `headDropout` 0.5; `[]` for none). */
  headHidden?: number[];
  /** Dropout rate in front of the new head's softmax layer (default 0.5 with the default hidden head, else none). */
  headDropout?: number;
  /** Label smoothing ε. */
  labelSmoothing?: number;
  /** Image augmentation: `"shift,rotate=15,zoom"` or options (image data only). */
  augment?: string | AugmentOptions;

  // ---- LoRA (`strategy: 'lora'`) --------------------------------------------
  /** Rank r of the adapters (default 8). */
  loraRank?: number;
  /** Scale numerator α; the adapter branch is multiplied by α/r (default: the rank). */
  loraAlpha?: number;
  /** Base layers to adapt (default: every Dense layer of the base); the new head always trains in full. */
  loraLayers?: Array<string | number>;
}

/**
 * Progress callbacks of {@link fit}.
 *
 * @example
 * ```ts
 * const callbacks: FitCallbacks = { onEpoch: (r) => console.log(r.phase, r.epoch, r.valAccuracy) };
 * ```
 */
export interface FitCallbacks {
  onEpoch?: (record: EpochRecord) => void;
  onStep?: (phase: string, done: number, total: number) => void;
}

/**
 * What {@link fit} returns.
 *
 * @example
 * ```ts
 * const res: FitResult = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris' });
 * console.log(res.val?.accuracy);
 * res.model.dispose();
 * ```
 */
export interface FitResult {
  /** The run folder written, when `out` was given. */
  out?: string;
  /**
   * The trained model with its classes and preprocessing, ready for `evaluateModel`, `explain`
   * (as `model`) and tfjs (`.model`). **The caller owns it and must call `dispose()`** when done
   * with it (tfjs does not garbage-collect weights); it is the same model as `<out>/model`.
   */
  model: FittedModel;
  strategy: Strategy;
  classes: string[];
  trainSize: number;
  valSize: number;
  /** Metrics on the validation data, when there is any. */
  val?: ClassificationMetrics;
  train: ClassificationMetrics;
  epochs: number;
  /**
   * Training seconds of the whole run (also in `metrics.json`): for a resumed run, the seconds of
   * the epochs recorded before the interruption plus this call's, as an uninterrupted run counts them.
   */
  seconds: number;
  trainableParams: number;
  totalParams: number;
  resumed: boolean;
  /** Phase and epoch with the lowest validation loss (or training loss without validation data): what `checkpoints/best` holds when `out` is given. */
  best?: { phase: string; epoch: number; loss: number };
  /** Folder of the saved LoRA adapter (`lora` strategy). */
  adapter?: string;
  /** How a linear head on the frozen base was fitted (L-BFGS, and the L2 strength cross-validation chose); absent when Adam trained it. */
  head?: HeadChoice;
  /** What `fit` decided for the settings not given (validation, cut, head, cross-validated epochs) and why; also under `defaults` in `config.json`. */
  defaults: DefaultsPlan;
  /** Things the user should know, e.g. a phase whose budget ended before its loss converged; also in `metrics.json`. */
  warnings: string[];
  /** What trained each phase run in this call: the ONNX training engine, TF.js, L-BFGS (a linear head), or class means (`prototypes`); also in `metrics.json`. */
  engines: Record<string, 'onnx' | 'tfjs' | 'lbfgs' | 'prototypes'>;
  /** Why a phase fell back from the ONNX engine to TF.js, when one did. */
  engineFallback?: string;
}

/** `checkpoints/state.json` of a fit run: the run state plus the best checkpoint so far. */
interface FitState extends RunState {
  best?: { phase: string; epoch: number; loss: number };
}


/**
 * Trains a model with a transfer strategy and returns it (`result.model`, which the caller must
 * `dispose()`). With `out` it also writes a run folder (`config.json`, `history.jsonl`,
 * `metrics.json`, `model/`, `checkpoints/`); without, nothing is written. All inputs are
 * checked before the folder is created, so bad input leaves nothing behind. `train` (and `val`)
 * is a spec (`builtin:NAME`, a path) or a dataset in memory (`datasetFromRows`,
 * `datasetFromTensors`, `loadDataset`). The engine starts itself if `initEngine` was not called.
 *
 * @example
 * ```ts
 * const res = await fit({ base: 'fashion-cnn', train: 'builtin:mnist', perClass: 10, strategy: 'finetune', out: 'runs/mnist' });
 * console.log(res.val?.accuracy);
 * res.model.dispose();
 *
 * const iris = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', epochs: 50 }); // in memory only
 * const m = await evaluateModel({ model: iris.model, data: 'builtin:iris' });
 * iris.model.dispose();
 * ```
 */
export async function fit(config: FitConfig, callbacks: FitCallbacks = {}): Promise<FitResult> {
  await ensureEngine();
  const cfg = { ...config };
  if (!STRATEGIES.includes(cfg.strategy)) {
    throw new TransferkitError('UNKNOWN_STRATEGY', `Unknown strategy "${cfg.strategy}"`, { hint: `Use one of: ${STRATEGIES.join(', ')}.` });
  }
  if (cfg.out !== undefined && (typeof cfg.out !== 'string' || cfg.out.trim() === '')) {
    throw new TransferkitError('BAD_OPTION', `out must be the path of a run folder, got ${JSON.stringify(cfg.out)}`, { where: 'out option', hint: 'Pass out: "runs/name", or leave out out to train in memory only.' });
  }
  const prepared = await prepareInputs(cfg, undefined, undefined, callbacks.onStep);
  let run: RunFolder | undefined;
  try {
    if (cfg.out !== undefined) {
      run = await RunFolder.create(cfg.out, {
        ...cfg,
        base: baseRef(cfg.base),
        train: datasetRef(cfg.train),
        val: cfg.val === undefined ? undefined : datasetRef(cfg.val),
        createdAt: new Date().toISOString(),
        classes: prepared.classes,
        dataFingerprint: { ...dataFingerprint(prepared), ...givenFingerprints(cfg) },
        defaults: prepared.plan,
      });
    }
    return await trainRun(run, cfg, prepared, undefined, callbacks);
  } catch (err) {
    disposeModelWeights(prepared.model.model);
    // Nothing was trained yet: leave no half-made run folder behind.
    if (run && !(await run.state().catch(() => undefined))) await rm(run.dir, { recursive: true, force: true });
    throw err;
  } finally {
    await run?.close();
  }
}

/**
 * Continues an interrupted run from its last checkpoint, and returns it like {@link fit} does
 * (`result.model` is the caller's to `dispose()`). A run trained on a dataset in memory can be
 * resumed only when `data` gives that dataset again (its folder records only a description and a
 * fingerprint of the data, which must match); otherwise that is `RESUME_IN_MEMORY`.
 *
 * @example
 * ```ts
 * const res = await resumeFit('runs/mnist');
 * res.model.dispose();
 * const again = await resumeFit('curve/n10/extract-seed1', {}, { train: sample, val }); // a run fit trained on data in memory
 * again.model.dispose();
 * ```
 */
export async function resumeFit(out: string, callbacks: FitCallbacks = {}, data: { train?: Dataset; val?: Dataset } = {}): Promise<FitResult> {
  await ensureEngine();
  const run = await RunFolder.open(out);
  try {
    return await resumeOpen(run, out, callbacks, data);
  } finally {
    await run.close();
  }
}

/** {@link resumeFit} once the run folder is open (and locked). */
async function resumeOpen(run: RunFolder, out: string, callbacks: FitCallbacks, data: { train?: Dataset; val?: Dataset }): Promise<FitResult> {
  const saved = await run.config<FitConfig & { train: string | InMemoryRef; val?: string | InMemoryRef; dataFingerprint?: DataFingerprint }>();
  for (const [key, ref] of [['train', saved.train], ['val', saved.val]] as const) {
    if (ref !== undefined && ref !== null && typeof ref !== 'string') {
      // the dataset given again: the recorded fingerprint below checks that it is the same data
      if (data[key] && saved.dataFingerprint) {
        (saved as FitConfig)[key] = data[key];
        continue;
      }
      throw new TransferkitError('RESUME_IN_MEMORY', `The run in ${out} was trained on a dataset in memory (${key}: "${(ref as InMemoryRef).name}", ${(ref as InMemoryRef).size} examples), which the run folder does not hold, so it cannot be resumed`, {
        where: join(out, 'config.json'),
        hint: `Pass the same dataset again (resumeFit(out, callbacks, { ${key}: dataset })), or call fit again with it and a new out folder; runs trained on a file or builtin:NAME resume by themselves.`,
      });
    }
  }
  const { dataFingerprint: recorded, defaults: recordedPlan, ...rest } = saved as typeof saved & { defaults?: DefaultsPlan };
  const cfg: FitConfig = { ...(rest as FitConfig), out };
  const state = (await run.state()) as FitState | undefined;
  if (state?.finished) {
    throw new TransferkitError('RUN_FINISHED', `The run in ${out} has already finished`, { hint: 'Start a new run with another `out` folder.' });
  }
  if (state && !existsSync(run.path('checkpoints', 'last', 'model.json'))) {
    throw new TransferkitError('CORRUPT_RUN', `The run in ${out} has trained (its state says ${state.phase} epoch ${state.epoch}) but holds no checkpoints/last to continue from`, {
      where: run.path('checkpoints'),
      hint: 'Start a new run with another `out` folder; checkpoints/best, if present, holds the best model so far.',
    });
  }
  const prepared = await prepareInputs(cfg, state ? run.path('checkpoints', 'last') : undefined, recordedPlan, callbacks.onStep);
  try {
    // data that changed since the run started would silently mix two trainings: refuse before training
    if (recorded) checkFingerprint(recorded, dataFingerprint(prepared), cfg, out);
    return await trainRun(run, cfg, prepared, state, callbacks);
  } catch (err) {
    disposeModelWeights(prepared.model.model);
    throw err;
  }
}

/** How `config.json` records a dataset that was given in memory. */
interface InMemoryRef {
  inMemory: true;
  name: string;
  kind: string;
  size: number;
  classes: string[];
}

interface PreparedInputs {
  train: TensorData;
  val?: TensorData;
  classes: string[];
  features: FeatureSpec;
  model: PreparedModel;
  controls: Controls;
  /** The defaults decided for this run. */
  plan: DefaultsPlan;
  /** The ONNX text encoder the inputs went through (recorded with the model). */
  encoder?: TextEncoderRef;
}

/** The fine-tuning controls, parsed and checked. */
interface Controls {
  schedule?: UnfreezeStep[];
  augment?: AugmentOptions;
  lrSchedule?: LrSchedule;
  layerLr?: Map<string, number>;
  /** Pretrained values of the base weights, by weight name (L2-SP anchors). */
  anchors?: Map<string, Float32Array>;
}

/** Parses and checks the controls that need no model, so mistakes fail before anything loads. */
function parseControls(cfg: FitConfig): Controls {
  const bad = (message: string, hint: string) => new TransferkitError('BAD_OPTION', message, { hint });
  if (cfg.unfreezeSchedule !== undefined && cfg.strategy !== 'finetune') {
    throw bad(`An unfreeze schedule needs the finetune strategy, not ${cfg.strategy}`, 'Use `strategy: "finetune"` with `unfreezeSchedule`.');
  }
  if (cfg.strategy === 'lora' && cfg.base === undefined) throw bad('The lora strategy needs a pretrained model', 'Pass `base`: a zoo name or a model folder.');
  if (cfg.l2sp !== undefined && (cfg.base === undefined || cfg.strategy === 'scratch')) {
    throw bad('L2-SP pulls weights toward a pretrained model, so it needs `base` and a transfer strategy', 'Use `strategy: "finetune"` (or extract, lora) with `base`, or drop `l2sp`.');
  }
  if (cfg.strategy !== 'lora' && (cfg.loraRank !== undefined || cfg.loraAlpha !== undefined || cfg.loraLayers !== undefined)) {
    throw bad(`LoRA options need \`strategy: "lora"\` (got ${cfg.strategy})`, 'Add `strategy: "lora"`, or drop the LoRA options (`loraRank`, `loraAlpha`, `loraLayers`).');
  }
  checkTrainingSettings(cfg);
  // fit --strategy prototypes: the head is the class means, so training controls do not apply
  if (cfg.strategy === 'prototypes') {
    const unused = (['headSolver', 'headHidden', 'headDropout', 'augment', 'l2sp', 'weightDecay', 'labelSmoothing', 'lrDecay', 'layerLr', 'lrSchedule', 'unfreeze'] as const).filter((key) => cfg[key] !== undefined);
    if (unused.length > 0) throw bad(`The prototypes strategy trains nothing (its head is the class means of the embeddings), so ${unused.map((k) => `\`${k}\``).join(', ')} ${unused.length === 1 ? 'does' : 'do'} not apply`, 'Leave those options out, or use `strategy: "extract"` to train a head.');
  }
  if (cfg.headSolver !== undefined && cfg.headSolver !== 'adam' && cfg.headSolver !== 'lbfgs') {
    throw bad(`headSolver must be "adam" or "lbfgs", got ${JSON.stringify(cfg.headSolver)}`, 'Use `headSolver: "lbfgs"` to fit a linear head to convergence, or leave it out.');
  }
  if (cfg.headSolver === 'lbfgs') {
    if (cfg.strategy !== 'extract' && cfg.strategy !== 'finetune') {
      throw bad(`headSolver "lbfgs" fits the head on a frozen base, which the ${cfg.strategy} strategy does not have`, 'Use it with `strategy: "extract"` or `strategy: "finetune"`.');
    }
    if (cfg.augment !== undefined) throw bad('headSolver "lbfgs" fits the head on base features computed once, which augmentation changes every step', 'Leave out `augment`, or use `headSolver: "adam"`.');
    const adamOnly = (['labelSmoothing', 'l2sp', 'weightDecay', 'headHidden'] as const).filter((key) => cfg[key] !== undefined);
    if (adamOnly.length > 0) throw bad(`headSolver "lbfgs" fits a linear head by L-BFGS, which ${adamOnly.map((k) => `\`${k}\``).join(', ')} do not apply to`, 'Leave those options out, or use `headSolver: "adam"`.');
  }
  const schedule = typeof cfg.unfreezeSchedule === 'string' ? parseUnfreezeSchedule(cfg.unfreezeSchedule) : cfg.unfreezeSchedule;
  const augment = typeof cfg.augment === 'string' ? parseAugment(cfg.augment) : cfg.augment;
  checkAugment(augment);
  const lrSchedule: LrSchedule | undefined =
    cfg.lrSchedule || cfg.warmup || cfg.warmupSteps
      ? { kind: cfg.lrSchedule ?? 'constant', warmupEpochs: cfg.warmup, warmupSteps: cfg.warmupSteps, stepEpochs: cfg.lrStepEpochs, gamma: cfg.lrGamma }
      : undefined;
  checkSchedule(lrSchedule);
  return { schedule, augment, lrSchedule };
}

async function prepareInputs(cfg: FitConfig, checkpoint?: string, recordedPlan?: DefaultsPlan, onStep?: FitCallbacks['onStep']): Promise<PreparedInputs> {
  const seed = cfg.seed ?? FIT_DEFAULTS.seed;
  const controls = parseControls(cfg);
  const base = cfg.base === undefined ? undefined : typeof cfg.base === 'string' ? await loadBaseRef(cfg, cfg.base, seed) : cfg.base;
  let made: PreparedModel | undefined;
  try {
    const inputs = await prepareWithBase(cfg, seed, controls, base, checkpoint, (m) => (made = m), recordedPlan, onStep);
    // fit owns the base it loaded: free what the new model does not use (its old head; all of it for scratch)
    if (base) disposeWeightsNotIn([base.model], [inputs.model.model]);
    return inputs;
  } catch (err) {
    disposeWeightsNotIn([base?.model, made?.model], []);
    throw err;
  }
}

async function prepareWithBase(
  cfg: FitConfig,
  seed: number,
  controls: Controls,
  base: ModelHandle | undefined,
  checkpoint: string | undefined,
  onModel: (m: PreparedModel) => void,
  recordedPlan: DefaultsPlan | undefined,
  onStep?: FitCallbacks['onStep'],
): Promise<PreparedInputs> {
  const baseFeatures = base?.features;
  const baseImage = baseFeatures?.kind === 'image' ? baseFeatures : undefined;
  const encoder = base?.encoder;
  if (encoder && !baseFeatures && cfg.strategy !== 'extract' && cfg.strategy !== 'prototypes') throw encoderFrozen(cfg.strategy, base?.ref ?? '');
  const load = async (d: string | Dataset) => {
    const ds = typeof d === 'string' ? await loadDataset(d, { label: cfg.label, impute: cfg.impute, image: baseImage, columnTypes: cfg.columnTypes }) : d;
    if (encoder && !baseFeatures && ds.features.kind !== 'text') {
      throw new TransferkitError('KIND_MISMATCH', `The base ${base?.ref} is an ONNX text encoder, which takes texts, but ${ds.name} holds ${ds.features.kind} data`, {
        where: ds.name,
        hint: 'Train on text data (a .jsonl with a "text" field, or a text builtin), or use another base.',
      });
    }
    // an ONNX text encoder as the base: texts become its features first
    return applyRecordedEncoder(encoder, ds, { onProgress: (done, total) => onStep?.('encode', done, total) });
  };
  let train = await load(cfg.train);
  if (cfg.perClass) train = samplePerClass(train, cfg.perClass, seed).sample;
  let val: Dataset | undefined;
  const plan =
    recordedPlan ??
    planDefaults({
      strategy: cfg.strategy,
      given: {
        val: cfg.val,
        valFraction: cfg.valFraction,
        cutAt: cfg.cutAt,
        // fit --strategy prototypes: a linear head (one Dense layer, no dropout) on the embeddings
        headHidden: cfg.strategy === 'prototypes' ? [] : cfg.headHidden,
        headDropout: cfg.strategy === 'prototypes' ? 0 : cfg.headDropout,
        headSolver: cfg.headSolver,
        adamOnly: (['labelSmoothing', 'l2sp', 'weightDecay', 'augment'] as const).filter((k) => cfg[k] !== undefined),
      },
      classCounts: classCounts(train),
      base: base?.model,
    });
  if (cfg.val) {
    val = relabel(await load(cfg.val), train.classes);
  } else if (plan.validation === 'split') {
    const split = trainValTestSplit(train, { val: plan.valFraction, test: 0, seed });
    train = split.train;
    val = split.val;
  }
  const features: FeatureSpec = baseFeatures ?? fitFeatures(train);
  if (controls.augment && features.kind !== 'image') {
    throw new TransferkitError('BAD_OPTION', `Image augmentation needs image data, but ${datasetName(cfg.train)} is ${features.kind} data`, { hint: 'Leave `augment` out for tabular and text data.' });
  }
  const trainX = transformFeatures(features, train);
  const valX = val ? transformFeatures(features, val) : undefined;
  const restore = seedMathRandom(seed);
  try {
    let model: PreparedModel;
    if (checkpoint) {
      const saved = await loadModel(checkpoint);
      const baseLayerCount = Number((saved.meta as ModelMeta & { baseLayerCount?: number })?.baseLayerCount ?? 0);
      if (cfg.strategy !== 'scratch') keepBatchNormInInference(saved.model);
      model = { model: saved.model, baseLayerCount };
    } else {
      if (base) checkInputShape(base.model, trainX.shape.slice(1), datasetName(cfg.train));
      model = await prepareModel({
        strategy: cfg.strategy,
        base: base?.model,
        numClasses: train.classes.length,
        seed,
        arch: cfg.arch,
        inputShape: trainX.shape.slice(1),
        cutAt: cfg.cutAt ?? plan.cutAt ?? (base?.model.layers.some((l) => l.name === WORD_POOL_LAYER) && !base.model.layers.some((l) => l.getClassName() === 'Dense') ? WORD_POOL_LAYER : undefined),
        headDropout: cfg.headDropout ?? plan.headDropout,
        headHidden: cfg.headHidden ?? plan.headHidden,
        lora: cfg.strategy === 'lora' ? { rank: cfg.loraRank, alpha: cfg.loraAlpha, layers: cfg.loraLayers } : undefined,
      });
    }
    onModel(model);
    // check the layers named in options now, so a wrong name fails before the run folder exists
    const named = [...(Array.isArray(cfg.unfreeze) ? cfg.unfreeze : []), ...(controls.schedule?.flatMap((s) => s.layers) ?? []), ...Object.keys(cfg.layerLr ?? {})];
    refuseAboveTheCut(named, model.model, base?.model, plan);
    if (Array.isArray(cfg.unfreeze)) applyPhase(model, { name: 'finetune', trainable: 'top-k', learningRate: 0, epochs: 0 }, cfg.unfreeze);
    if (controls.schedule) applyPhase(model, { name: 'gradual', trainable: 'schedule', learningRate: 0, epochs: 0 }, 0, { schedule: controls.schedule });
    if (cfg.lrDecay !== undefined || cfg.layerLr) controls.layerLr = layerMultipliers(model.model, model.baseLayerCount, { lrDecay: cfg.lrDecay, layerLr: cfg.layerLr });
    if (cfg.l2sp && base) controls.anchors = weightValues(base.model);
    return {
      train: { ...trainX, y: train.labels },
      val: valX && val ? { ...valX, y: val.labels } : undefined,
      classes: train.classes,
      features,
      model,
      controls,
      plan,
      ...(encoder ? { encoder } : {}),
    };
  } finally {
    restore();
  }
}

/**
 * A layer named in the options that the base has but the default cut removed (it is above the
 * cut, so not in the model) is an error that says so and how to keep it — not the plain
 * unknown-layer error, which would not explain why a layer of the base is missing.
 */
function refuseAboveTheCut(names: Array<string | number>, model: tf.LayersModel, base: tf.LayersModel | undefined, plan: DefaultsPlan): void {
  if (!base || !plan.cutAt) return;
  const name = names.find((n): n is string => typeof n === 'string' && !model.layers.some((l) => l.name === n) && base.layers.some((l) => l.name === n));
  if (name === undefined) return;
  const cut = base.layers.findIndex((l) => l.name === plan.cutAt);
  throw new TransferkitError('UNKNOWN_LAYER', `Layer "${name}" of the base is above the cut: by default the new head goes on "${plan.cutAt}", the top of the base's convolutional part, so the layers above it are not in the model`, {
    where: 'layers named in the options',
    hint: `Keep them with \`cutAt\` (e.g. \`cutAt: "${base.layers.at(-2)?.name}"\`, where the old head was), or name layers at or below "${plan.cutAt}" (index ${cut}).`,
  });
}

/** Trains the prepared model; with a run folder also writes history, checkpoints, the model and metrics. */
async function trainRun(run: RunFolder | undefined, cfg: FitConfig, inputs: PreparedInputs, state: FitState | undefined, cb: FitCallbacks): Promise<FitResult> {
  const t0 = performance.now();
  const seed = cfg.seed ?? FIT_DEFAULTS.seed;
  const { controls } = inputs;
  const budget = phaseEpochs(cfg, inputs.train.y.length, inputs.plan);
  const phases = planPhases(cfg.strategy, {
    epochs: budget.epochs,
    learningRate: cfg.learningRate ?? (inputs.features.kind === 'image' ? FIT_DEFAULTS.learningRate : FIT_DEFAULTS.tabularLearningRate),
    finetuneEpochs: budget.finetuneEpochs,
    gradual: controls.schedule !== undefined,
  });
  const { model } = inputs.model;
  const classWeights = cfg.classWeights === 'balanced' ? balancedClassWeights(inputs.train.y, inputs.classes.length) : undefined;
  const meta = (): ModelMeta & { baseLayerCount: number } => ({
    format: 'transferkit-model@1',
    classes: inputs.classes,
    features: inputs.features,
    createdAt: new Date().toISOString(),
    source: { base: baseRef(cfg.base), strategy: cfg.strategy },
    baseLayerCount: inputs.model.baseLayerCount,
    ...(inputs.encoder ? { encoder: inputs.encoder } : {}),
  });
  if (state && run) await run.truncateHistory((r) => keepRecord(r as EpochRecord, state, phases));
  // a resumed run's seconds cover the whole run: the epochs trained before the interruption count
  const secondsBefore = state && run ? run.records<EpochRecord>().reduce((sum, r) => sum + (Number.isFinite(r.seconds) ? r.seconds : 0), 0) : 0;
  // a kill between the last and best checkpoints of an improving epoch: the best is the last
  if (state && run && state.best?.phase === state.phase && state.best.epoch === state.epoch && !state.donePhases.includes(state.phase)) {
    await saveModel(model, run.path('checkpoints', 'best'), meta());
  }
  const done = new Set(state?.donePhases ?? []);
  let best = state?.best;
  const restore = seedMathRandom(`${seed}:${state?.phase ?? ''}:${state?.epoch ?? 0}`);
  const penalty: Penalty | undefined =
    cfg.l2sp !== undefined && cfg.l2sp > 0 ? l2spPenalty(model, inputs.model.baseLayerCount, { alpha: cfg.l2sp, beta: cfg.l2spBeta }, controls.anchors) : undefined;
  const unfreeze = cfg.unfreeze ?? FIT_DEFAULTS.unfreeze;
  let epochs = 0;
  let headChoice: HeadChoice | undefined;
  const history: EpochRecord[] = [];
  const engines: Record<string, 'onnx' | 'tfjs' | 'lbfgs' | 'prototypes'> = {};
  const resumeWarnings: string[] = [];
  let engineFallback: string | undefined;
  const noteEngine = (phase: string, r: TrainResult) => {
    engines[phase] = r.engine;
    engineFallback ??= r.engineFallback;
  };
  try {
    for (const phase of phases) {
      if (done.has(phase.name)) continue;
      const startEpoch = state && state.phase === phase.name ? state.epoch + 1 : 1;
      applyPhase(inputs.model, phase, unfreeze, { schedule: controls.schedule, epoch: startEpoch });
      const onEpoch = async (record: EpochRecord, info?: { checkpoint?: () => TrainCheckpoint }) => {
        // never checkpoint a model with a non-finite weight (trainModel checks too; the L-BFGS head does not go through it)
        const bad = nonFiniteWeight(model);
        if (bad) throw divergedAfter(`weight "${bad}" holds NaN or infinite values`, phase.name, record.epoch, phase.learningRate);
        epochs++;
        history.push(record);
        await run?.appendHistory(record);
        const monitored = record.valLoss ?? record.loss;
        const improved = !best || monitored < best.loss - 1e-6;
        if (improved) best = { phase: phase.name, epoch: record.epoch, loss: monitored };
        const next: FitState = { phase: phase.name, epoch: record.epoch, donePhases: [...done], finished: false, best };
        // the run state, the optimiser and the early-stopping state go into the same swap as the
        // weights, so a kill anywhere resumes from a consistent point and continues exactly
        const trainState = run && info?.checkpoint ? encodeTrainState(info.checkpoint(), model, phase.name, record.epoch) : {};
        if (run) await saveModel(model, run.path('checkpoints', 'last'), meta(), { ...trainState, [CHECKPOINT_STATE]: JSON.stringify(next) });
        if (improved && run) await saveModel(model, run.path('checkpoints', 'best'), meta());
        await run?.writeState(next);
        cb.onEpoch?.(record);
      };
      const common: TrainOptions = {
        epochs: phase.epochs,
        learningRate: phase.learningRate,
        seed,
        batchSize: cfg.batchSize ?? FIT_DEFAULTS.batchSize,
        classWeights,
        patience: cfg.patience ?? FIT_DEFAULTS.patience,
        phase: phase.name,
        startEpoch,
        lrSchedule: controls.lrSchedule,
        layerLr: controls.layerLr,
        weightDecay: cfg.weightDecay,
        labelSmoothing: cfg.labelSmoothing,
        penalty,
        beforeEpoch: phase.trainable === 'schedule' ? (epoch) => void applyPhase(inputs.model, phase, unfreeze, { schedule: controls.schedule, epoch }) : undefined,
        onEpoch,
        resume: state && state.phase === phase.name && run ? await savedTrainState(run, model, phase.name, state.epoch, (w) => resumeWarnings.push(w)) : undefined,
        onStep: (d: number, t: number) => cb.onStep?.(phase.name, d, t),
      };
      if (cfg.strategy === 'prototypes') {
        // fit --strategy prototypes: the head is set to the class means of the embeddings, once
        const r = await fitPrototypeHead(inputs.model, inputs.train, inputs.classes, inputs.val);
        await onEpoch({ phase: phase.name, epoch: 1, loss: r.train.loss, accuracy: r.train.accuracy, valLoss: r.val?.loss, valAccuracy: r.val?.accuracy, learningRate: 0, seconds: r.seconds });
        engines[phase.name] = 'prototypes';
        // augmentation changes the inputs every step, so the base cannot be run once and cached
      } else if (phase.trainable === 'head' && inputs.model.baseLayerCount > 0 && !controls.augment) {
        const head = await trainHeadOnCachedFeatures(cfg, inputs, common);
        if ('solver' in head) {
          headChoice = head;
          engines[phase.name] = 'lbfgs';
        } else noteEngine(phase.name, head);
      } else {
        noteEngine(phase.name, await trainModel(model, inputs.train, { ...common, val: inputs.val, augment: controls.augment }));
      }
      done.add(phase.name);
      const finished: FitState = { phase: phase.name, epoch: phase.epochs, donePhases: [...done], finished: false, best };
      // the phase may have ended on its best epoch's weights (early stopping): checkpoint those
      if (run) await saveModel(model, run.path('checkpoints', 'last'), meta(), { [CHECKPOINT_STATE]: JSON.stringify(finished) });
      await run?.writeState(finished);
    }
  } finally {
    restore();
    penalty?.dispose();
  }

  // Layers that trained their BatchNorm (scratch) get the exact statistics of the training data:
  // after a few hundred steps at momentum 0.99 the moving averages are still far from them,
  // which would make scratch an unfairly weak baseline.
  if (cfg.strategy === 'scratch') calibrateBatchNorm(model, inputs.train);
  const badWeight = nonFiniteWeight(model);
  if (badWeight) throw divergedAfter(`weight "${badWeight}" holds NaN or infinite values after training`, phases.at(-1)!.name, phases.at(-1)!.epochs, phases.at(-1)!.learningRate);
  const trainMetrics = classificationMetrics(inputs.train.y, predictProbs(model, inputs.train), inputs.classes);
  const valMetrics = inputs.val ? classificationMetrics(inputs.val.y, predictProbs(model, inputs.val), inputs.classes) : undefined;
  const params = countTrainable(inputs.model, phases.at(-1)!, unfreeze, controls.schedule);
  let adapter: string | undefined;
  // the model returned (and saved as the run's model): for lora a plain model with the adapter merged in
  let final = model;
  if (cfg.strategy === 'lora') {
    final = mergedModel(model);
    try {
      if (run) {
        await saveModel(final, run.path('model'), meta());
        await verifySavedModel(run.path('model'), final, inputs);
        // the adapter is also saved alone
        adapter = run.path('adapter');
        await saveAdapter(model, adapter, {
          head: { numClasses: inputs.classes.length, cutAt: cfg.cutAt },
          meta: { classes: inputs.classes, base: baseRef(cfg.base), features: inputs.features },
        });
      }
    } catch (err) {
      disposeWeightsNotIn([final], [model]);
      throw err;
    }
    // the LoRA model's own weights (adapters, layers the merge copied) are no longer needed
    disposeWeightsNotIn([model], [final]);
  } else if (run) {
    await saveModel(model, run.path('model'), meta());
    await verifySavedModel(run.path('model'), model, inputs);
  }
  const handle = fittedModel(final, {
    classes: inputs.classes,
    features: inputs.features,
    meta: meta(),
    saved: run?.path('model'),
    training: { data: cfg.train, label: cfg.label, impute: cfg.impute },
  });
  try {
    return await finishRun(run, handle, {
      out: cfg.out,
      strategy: cfg.strategy,
      classes: inputs.classes,
      trainSize: inputs.train.y.length,
      valSize: inputs.val?.y.length ?? 0,
      val: valMetrics,
      train: trainMetrics,
      epochs,
      seconds: secondsBefore + (performance.now() - t0) / 1000,
      ...params,
      resumed: state !== undefined,
      best,
      adapter,
      head: headChoice,
      defaults: inputs.plan,
      warnings: [...resumeWarnings, ...noKnownWordWarnings(inputs), ...vocabTopWarnings(cfg), ...convergenceWarnings(history, phases, headChoice)],
      engines,
      ...(engineFallback ? { engineFallback } : {}),
    }, phases);
  } catch (err) {
    handle.dispose();
    throw err;
  }
}

/** Writes the run's metrics and final state (with a run folder) and returns the result with the model. */
async function finishRun(run: RunFolder | undefined, model: FittedModel, summary: Omit<FitResult, 'model'>, phases: Phase[]): Promise<FitResult> {
  const result: FitResult = { ...summary, model };
  if (result.out === undefined) delete result.out;
  if (result.adapter === undefined) delete result.adapter;
  if (result.head === undefined) delete result.head;
  if (!run) return result;
  const { best } = summary;
  await run.writeJson('metrics.json', { train: summary.train, val: summary.val, seconds: summary.seconds, best, head: summary.head, warnings: summary.warnings, engines: summary.engines, engineFallback: summary.engineFallback });
  const last: FitState = { phase: phases.at(-1)!.name, epoch: phases.at(-1)!.epochs, donePhases: phases.map((p) => p.name), finished: true, best };
  await run.writeState(last);
  return result;
}

/**
 * Trains only the head, on base features computed once (the base is frozen, so they never change):
 * with `headSolver: 'lbfgs'` a linear head to convergence by L-BFGS with cross-validated L2 (see
 * `linear-head.ts`); else Adam for the phase's epochs.
 */
async function trainHeadOnCachedFeatures(cfg: FitConfig, inputs: PreparedInputs, opts: Parameters<typeof trainModel>[2]): Promise<HeadChoice | TrainResult> {
  const { base, head } = splitAtHead(inputs.model);
  const feats = await forwardFeatures(base, inputs.train);
  const val = inputs.val ? { ...(await forwardFeatures(base, inputs.val)), y: inputs.val.y } : undefined;
  const dense = headSolver(cfg, inputs.plan) === 'lbfgs' ? linearHeadLayer(head) : undefined;
  if (cfg.headSolver === 'lbfgs' && !dense) {
    throw new TransferkitError('BAD_OPTION', 'headSolver "lbfgs" fits a linear head (one Dense softmax layer), but this head has hidden layers', { where: 'headSolver option', hint: 'Leave out `headHidden`, or use `headSolver: "adam"`.' });
  }
  if (!dense) {
    return trainModel(head, { ...feats, y: inputs.train.y }, { ...opts, val });
  }
  const t0 = performance.now();
  const [n, d] = feats.shape;
  const k = inputs.classes.length;
  const { kernel, bias, choice } = fitLinearHead(feats.x, n, d, inputs.train.y, k, { seed: opts.seed, classWeights: opts.classWeights });
  tf.tidy(() => dense.setWeights([tf.tensor2d(kernel, [d, k]), tf.tensor1d(bias)]));
  const score = (data: { x: Float32Array; shape: number[]; y: Int32Array }) => {
    const m = classificationMetrics(data.y, predictProbs(head, data), inputs.classes);
    return { loss: m.logLoss, accuracy: m.accuracy };
  };
  const train = score({ ...feats, y: inputs.train.y });
  const v = val ? score(val) : undefined;
  await opts.onEpoch?.({ phase: opts.phase ?? 'head', epoch: 1, loss: train.loss, accuracy: train.accuracy, valLoss: v?.loss, valAccuracy: v?.accuracy, learningRate: 0, seconds: (performance.now() - t0) / 1000 }, { best: true });
  return choice;
}

/** The head solver a configuration asks for, else the default plan's (Adam unless `lbfgs`). */
function headSolver(cfg: FitConfig, plan: DefaultsPlan): 'lbfgs' | 'adam' {
  return cfg.headSolver ?? plan.headSolver ?? 'adam';
}

function countTrainable(prepared: PreparedModel, last: Phase, unfreeze: number | Array<string | number>, schedule?: UnfreezeStep[]): { trainableParams: number; totalParams: number } {
  applyPhase(prepared, last, unfreeze, { schedule });
  const size = (ws: tf.LayerVariable[]) => ws.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
  return { trainableParams: size(prepared.model.trainableWeights), totalParams: size(prepared.model.weights) };
}

/**
 * The optimiser state saved with `checkpoints/last`, when it belongs to the epoch a resume starts
 * after. A checkpoint from before the state was saved (no files) resumes with a fresh optimiser
 * silently; a saved state that cannot be used says why through `warn`.
 */
async function savedTrainState(run: RunFolder, model: tf.LayersModel, phase: string, epoch: number, warn: (w: string) => void): Promise<TrainCheckpoint | undefined> {
  let json: string;
  let bin: Uint8Array;
  try {
    json = await readFile(run.path('checkpoints', 'last', TRAIN_STATE_FILES.json), 'utf8');
    bin = await readFile(run.path('checkpoints', 'last', TRAIN_STATE_FILES.bin));
  } catch {
    return undefined;
  }
  const { checkpoint, problem } = decodeTrainState(json, bin, model, phase, epoch);
  if (problem) warn(`The saved optimiser state of checkpoints/last was not used (${problem}): ${phase} resumed from epoch ${epoch} with a fresh optimiser, so it is not the exact continuation of the interrupted run.`);
  return checkpoint;
}

function keepRecord(r: EpochRecord, state: RunState, phases: Phase[]): boolean {
  if (state.donePhases.includes(r.phase)) return true;
  return r.phase === state.phase && r.epoch <= state.epoch && phases.some((p) => p.name === r.phase);
}

/** How `config.json` records a dataset: its spec, or for a dataset in memory a description (it cannot be reloaded). */
function datasetRef(d: string | Dataset): string | InMemoryRef {
  return typeof d === 'string' ? d : { inMemory: true, name: d.name, kind: d.features.kind, size: d.size, classes: d.classes };
}

/** A dataset's name in messages. */
/** How a run records its base: the reference it was loaded from. */
function baseRef(base: FitConfig['base']): string | undefined {
  return typeof base === 'object' ? base.ref : base;
}

/**
 * Loads the base a string names: word vectors (`glove-100d`, a `.tkwv` file) become a base built
 * on the training texts (vocabulary: the words of `train`, after `perClass`, before any
 * validation split); anything else goes to `loadModelRef`. Word-vector options on another
 * base, or `cls` pooling on word vectors, are `BAD_OPTION`.
 */
async function loadBaseRef(cfg: FitConfig, ref: string, seed: number): Promise<ModelHandle> {
  const wordOnly = (['maxTokens', 'vocabTop'] as const).filter((k) => cfg[k] !== undefined);
  if (!isWordVectorsRef(ref)) {
    if (cfg.pooling === 'sif' || cfg.pooling === 'max' || wordOnly.length > 0) {
      const what = wordOnly.length > 0 ? wordOnly.map((k) => `\`${k}\``).join(', ') : `pooling "${cfg.pooling}"`;
      throw new TransferkitError('BAD_OPTION', `${what} applies to word vectors as the base (e.g. glove-100d), not to ${ref}`, { where: 'base option', hint: 'Use `base: "glove-100d"` (--base glove-100d), or leave the option out.' });
    }
    return loadModelRef(ref, { tokenizer: cfg.tokenizer, pooling: cfg.pooling });
  }
  if (cfg.pooling === 'cls') throw new TransferkitError('BAD_OPTION', 'Word vectors have no [CLS] token: pooling "cls" is for ONNX text encoders', { where: 'pooling option', hint: 'Use pooling "mean", "sif" or "max" with word vectors.' });
  let train = typeof cfg.train === 'string' ? await loadDataset(cfg.train, { label: cfg.label }) : cfg.train;
  if (cfg.perClass) train = samplePerClass(train, cfg.perClass, seed).sample;
  return wordVectorBase(ref, train, { pooling: cfg.pooling, maxTokens: cfg.maxTokens, vocabTop: cfg.vocabTop });
}

/** Token-id inputs (word vectors as the base) whose first slot is padding: texts with no word the vectors know, which train as zero vectors. */
function noKnownWordWarnings(inputs: PreparedInputs): string[] {
  if (inputs.features.kind !== 'text' || !inputs.features.tokens) return [];
  const { x, shape } = inputs.train;
  const n = shape[0];
  const per = shape[1];
  let empty = 0;
  for (let i = 0; i < n; i++) if (x[i * per] === 0) empty++;
  return empty > 0 ? [`${empty} of ${n} training texts have no word the word vectors know (${inputs.features.tokens.vectors}): they train as zero vectors`] : [];
}

/** A strategy that would train an ONNX text encoder, which runs frozen on onnxruntime. */
function encoderFrozen(strategy: Strategy, ref: string): TransferkitError {
  return new TransferkitError('ENCODER_FROZEN', `The ${strategy} strategy trains the base, but ${ref} is an ONNX text encoder, which transferkit runs frozen (as a feature extractor)`, {
    where: 'strategy option',
    hint: 'Use `strategy: "extract"` (--strategy extract: a new head on the encoder features) or `strategy: "prototypes"`.',
  });
}

function datasetName(d: string | Dataset): string {
  return typeof d === 'string' ? d : d.name;
}


function divergedAfter(what: string, phase: string, epoch: number, lr: number): TransferkitError {
  return new TransferkitError('TRAINING_DIVERGED', `Training diverged in ${phase} epoch ${epoch} at learning rate ${formatRate(lr)}: ${what}`, {
    where: `${phase} phase, epoch ${epoch}`,
    hint: 'Lower `learningRate`, or check the inputs for extreme values. The non-finite model was not saved.',
  });
}

/** At most this many examples are predicted twice to check a saved model. */
const VERIFY_EXAMPLES = 256;
/** Largest difference in a predicted probability allowed between the trained and the reloaded model. */
const VERIFY_TOLERANCE = 1e-4;

/**
 * Loads the model just saved in `dir` back and checks that it reproduces the trained one: the
 * same preprocessing (every number finite, the same after the JSON round trip) and the same
 * probabilities (max |Δp| < 1e-4) on up to 256 validation (else training) inputs. Anything
 * else is `SAVED_MODEL_MISMATCH`, so a run never reports a score its saved model cannot give.
 * (Exported for tests; not part of the package's API.)
 *
 * @example
 * ```ts
 * await verifySavedModel('runs/iris/model', model, { features, train, val });
 * ```
 */
export async function verifySavedModel(dir: string, model: tf.LayersModel, inputs: Pick<PreparedInputs, 'features' | 'train' | 'val'>): Promise<void> {
  const fail = (what: string) =>
    new TransferkitError('SAVED_MODEL_MISMATCH', `The model saved in ${dir} does not reproduce the trained model: ${what}`, {
      where: dir,
      hint: 'Do not use this saved model; train again. If it happens again, report it with the run folder.',
    });
  const badNumber = nonFiniteNumber(inputs.features);
  if (badNumber) throw fail(`its preprocessing holds a non-finite number at ${badNumber}`);
  const saved = await loadModel(dir);
  try {
    if (JSON.stringify(saved.meta?.features) !== JSON.stringify(inputs.features)) throw fail('its saved preprocessing differs from the one used in training');
    const data = inputs.val && inputs.val.y.length > 0 ? inputs.val : inputs.train;
    const n = data.shape[0];
    const m = Math.min(n, VERIFY_EXAMPLES);
    if (m === 0) return;
    const per = data.x.length / n;
    const sample = { x: data.x.subarray(0, m * per), shape: [m, ...data.shape.slice(1)] };
    const a = predictProbs(model, sample);
    const b = predictProbs(saved.model, sample);
    let worst = 0;
    let at = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      // NaN compares false: count it as the worst difference
      if (!(d <= worst)) {
        worst = Number.isNaN(d) ? Infinity : d;
        at = i;
      }
    }
    if (!(worst < VERIFY_TOLERANCE)) {
      const k = a.length / m;
      throw fail(`on example ${Math.floor(at / k)} a probability is ${b[at]} instead of ${a[at]} (|Δp| ${worst} ≥ ${VERIFY_TOLERANCE})`);
    }
  } finally {
    disposeModelWeights(saved.model);
  }
}

/** Path of the first number in a JSON-like value that is NaN or infinite (JSON would save it as null). */
function nonFiniteNumber(value: unknown, path = 'features'): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} (${value})`;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (ArrayBuffer.isView(v)) continue;
    const found = nonFiniteNumber(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`);
    if (found) return found;
  }
  return undefined;
}

/** `config.json`'s record of the data a run trained on, to refuse resuming on other data. */
interface DataFingerprint {
  /** Hashes of the prepared inputs and labels (after features, validation split, encoder). */
  train: string;
  val?: string;
  /**
   * For datasets given in memory (which the folder does not hold): their {@link datasetFingerprint},
   * as given, so the data given to the run again can be checked without preparing it.
   */
  given?: { train?: string; val?: string };
}

/** Fast content hashes of the prepared training and validation inputs and labels. */
function dataFingerprint(p: PreparedInputs): DataFingerprint {
  const fp: DataFingerprint = { train: hashTensorData(p.train) };
  if (p.val) fp.val = hashTensorData(p.val);
  return fp;
}

/** {@link datasetFingerprint} of the train and val datasets given in memory (none for files and builtins). */
function givenFingerprints(cfg: FitConfig): Pick<DataFingerprint, 'given'> {
  const given: NonNullable<DataFingerprint['given']> = {};
  if (typeof cfg.train === 'object') given.train = datasetFingerprint(cfg.train);
  if (cfg.val !== undefined && typeof cfg.val === 'object') given.val = datasetFingerprint(cfg.val);
  return Object.keys(given).length > 0 ? { given } : {};
}

/**
 * A 64-bit (two 32-bit lanes, murmur-style mixing) hash of the inputs' shape, bytes and labels,
 * as hex. Reads the data as 32-bit words: about 0.1 s for 60 000 MNIST images.
 */
function hashTensorData(d: TensorData): string {
  let h1 = 0x9e3779b9 ^ d.shape.length;
  let h2 = 0x85ebca6b ^ d.y.length;
  const mix = (w: number) => {
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h1 ^= k;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 = (Math.imul(h2 ^ w, 0x27d4eb2d) + h1) | 0;
    h2 = (h2 << 11) | (h2 >>> 21);
  };
  for (const s of d.shape) mix(s);
  const words = new Uint32Array(d.x.buffer, d.x.byteOffset, d.x.length);
  for (let i = 0; i < words.length; i++) mix(words[i]);
  const labels = new Uint32Array(d.y.buffer, d.y.byteOffset, d.y.length);
  for (let i = 0; i < labels.length; i++) mix(labels[i]);
  const fin = (h: number) => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return (h >>> 0).toString(16).padStart(8, '0');
  };
  return `${d.shape.join('x')}:${fin(h1)}${fin(h2 ^ h1)}`;
}

function checkFingerprint(recorded: DataFingerprint, now: DataFingerprint, cfg: FitConfig, out: string): void {
  for (const key of ['train', 'val'] as const) {
    if (recorded[key] === now[key]) continue;
    const spec = key === 'train' ? cfg.train : cfg.val ?? `${datasetName(cfg.train)} (its validation split)`;
    throw new TransferkitError('DATA_CHANGED', `The ${key === 'train' ? 'training' : 'validation'} data (${typeof spec === 'string' ? spec : datasetName(spec)}) has changed since the run in ${out} started (fingerprint ${now[key] ?? 'none'}, recorded ${recorded[key] ?? 'none'}), so resuming would mix two trainings`, {
      where: join(out, 'config.json'),
      hint: 'Restore the data the run started with, or start a new run with another `out` folder on the new data.',
    });
  }
}
