/**
 * The facts of a `fit` run for its card: strategy, head and engine from `config.json` and
 * `metrics.json`, evaluation on the validation data (or, flagged, the training data), the
 * training data per class, the defaults `fit` decided, its convergence warnings, and the
 * negative-transfer verdict or the advisor's measurements when they are beside the run.
 *
 * @module
 */
import { wilsonInterval } from './intervals.ts';
import { classBalance, trueCounts } from './measures.ts';
import { findCurveVerdict, readAdvice, type CurveEvidence } from './evidence.ts';
import { addEvaluationSizeCaveats, type RunFacts } from './facts.ts';
import type { JsonObject, RecordedScores, RunFiles } from './run-files.ts';
import { datasetDescription, datasetName, describeBase, unknown } from './sources.ts';
import type { Measure } from './types.ts';

/** Below this many training examples a card warns of small data (as `fit`'s defaults do). */
export const SMALL_TRAINING_SET = 1000;

const STRATEGY_WORDS: Record<string, string> = {
  scratch: 'scratch: every weight trained from random initial values (no transfer)',
  extract: 'extract (feature extraction): the base is frozen and only the new head trains',
  finetune: 'finetune: the new head trains on the frozen base, then the top base layers are unfrozen and trained at a lower rate',
  lora: 'lora: low-rank adapters on the base’s dense layers train with the new head; the adapters are merged into the saved model',
};

const ENGINE_WORDS: Record<string, string> = {
  onnx: 'the ONNX training engine (onnxruntime)',
  tfjs: 'TensorFlow.js',
  lbfgs: 'L-BFGS (a linear head on cached base features)',
};

/**
 * Gathers the card's facts of a fit run.
 *
 * @example
 * ```ts
 * const facts = fitFacts(await readRunFiles('runs/iris'));
 * facts.evaluation.role; // 'training data (no held-out data)'
 * ```
 */
export function fitFacts(run: RunFiles): RunFacts {
  const { config, metrics, classes } = run;
  const train = metrics.train as RecordedScores;
  const val = (metrics.val ?? undefined) as RecordedScores | undefined;
  const defaults = (config.defaults ?? {}) as JsonObject;
  const reasons = Array.isArray(defaults.reasons) ? (defaults.reasons as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  const strategy = String(config.strategy);
  const baseRef = typeof config.base === 'string' && config.base !== '' ? config.base : undefined;
  const source = describeBase(baseRef);
  const dataKind = str((run.modelMeta?.features as JsonObject | undefined)?.kind) ?? unknown('model/transferkit.json does not record it');
  const trainName = datasetName(config.train);
  const caveats: string[] = [];
  const recommendations: string[] = [];

  const evaluation = val
    ? {
        role: 'validation',
        name: config.val !== undefined && config.val !== null ? datasetName(config.val) : `${trainName} (a stratified ${Math.round(100 * Number(defaults.valFraction ?? config.valFraction ?? 0))}% held out by fit)`,
        description: datasetDescription(config.val ?? config.train),
        scores: val,
        notes: config.val !== undefined && config.val !== null ? [] : ['held out of the training data before training; early stopping watched it, so it is not fully independent'],
      }
    : {
        role: 'training data (no held-out data)',
        name: trainName,
        description: datasetDescription(config.train),
        scores: train,
        notes: ['the run kept every example for training, so these are training scores'],
      };
  if (!val) {
    caveats.push('The metrics are measured on the training data itself (the run held no data out): they overstate how the model does on new data.');
    recommendations.push(`Score it on held-out labelled data before relying on it: \`transferkit evaluate --model ${run.folder} --data <held-out data>\`.`);
  }

  const extraMeasures: Measure[] = [];
  const head = (metrics.head ?? undefined) as JsonObject | undefined;
  if (head && typeof head.cvAccuracy === 'number' && typeof head.folds === 'number') {
    const correct = Math.round(head.cvAccuracy * train.n);
    const iv = wilsonInterval(Math.min(train.n, correct), train.n);
    const grid = Array.isArray(head.grid) ? head.grid.length : undefined;
    extraMeasures.push({
      name: `cross-validated accuracy (${head.folds}-fold, linear head)`,
      value: head.cvAccuracy,
      low: iv.low,
      high: iv.high,
      interval: `Wilson score 95%, approximate: the ${head.folds} folds' ${train.n} held-out predictions taken as one sample${grid ? `; the best of ${grid} L2 strengths, so slightly optimistic` : ''}`,
    });
  }

  const trainCounts = trueCounts(train.confusionMatrix);
  const trainingNotes: string[] = [];
  if (typeof config.perClass === 'number') trainingNotes.push(`fit kept ${config.perClass} examples per class (seeded sample)`);
  if (typeof config.label === 'string') trainingNotes.push(`label column: ${config.label}`);
  if (val && config.val === undefined) trainingNotes.push('counts exclude the validation split');
  const smallest = Math.min(...trainCounts);
  if (train.n < SMALL_TRAINING_SET) caveats.push(`Small training set: ${train.n} examples (${smallest} in the smallest class).`);
  if (smallest > 0 && Math.max(...trainCounts) / smallest > 3) {
    caveats.push(`The classes are imbalanced in training (${trainCounts.map((c, i) => `${classes[i]} ${c}`).join(', ')}): accuracy hides errors on the rare classes; read macro F1 and the per-class table.`);
  }
  addEvaluationSizeCaveats(evaluation.scores, classes, caveats);

  for (const w of stringList(metrics.warnings)) caveats.push(`Convergence: ${w}`);
  if (typeof metrics.engineFallback === 'string') caveats.push(`Engine fallback: ${metrics.engineFallback}`);
  for (const r of reasons) caveats.push(`Default decided by fit: ${r}.`);
  if (!run.modelMeta) caveats.push('model/transferkit.json is missing: the data kind and preprocessing of the saved model are unknown.');

  const verdict: CurveEvidence = strategy === 'scratch' && !baseRef ? {} : findCurveVerdict(run);
  if (verdict.problem) caveats.push(`The negative-transfer verdict is left out: ${verdict.problem}.`);
  if (baseRef && !verdict.value) {
    recommendations.push(`Check that transfer helped: \`transferkit compare --base ${baseRef} --train ${trainName}${typeof config.perClass === 'number' ? ` --per-class ${config.perClass}` : ''}\` trains scratch on the same examples and gives the negative-transfer verdict.`);
  }
  if (verdict.test) extraMeasures.unshift(verdict.test);
  const advice = readAdvice(run);
  if (advice.problem) caveats.push(`The advisor's measurements are left out: ${advice.problem}.`);

  const engines = (metrics.engines ?? {}) as JsonObject;
  const engineText = Object.entries(engines)
    .map(([phase, e]) => `${phase}: ${ENGINE_WORDS[String(e)] ?? String(e)}`)
    .join('; ');
  const cut = config.cutAt ?? defaults.cutAt;
  const strategyText = [
    STRATEGY_WORDS[strategy] ?? strategy,
    strategy === 'finetune' && config.unfreezeSchedule !== undefined ? `gradual unfreezing ${JSON.stringify(config.unfreezeSchedule)}` : undefined,
    strategy === 'finetune' && config.unfreezeSchedule === undefined ? `unfreezing ${config.unfreeze !== undefined ? JSON.stringify(config.unfreeze) : 'the top 2 layers (default)'}` : undefined,
    strategy === 'lora' ? `rank ${typeof config.loraRank === 'number' ? config.loraRank : '8 (default)'}` : undefined,
    baseRef && cut !== undefined ? `head on layer ${JSON.stringify(cut)}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');

  const k = classes.length;
  const typeLine = `${k}-class ${dataKind.startsWith('unknown') ? '' : `${dataKind} `}classifier: ${strategy}${baseRef ? ` from ${baseRef}` : typeof config.arch === 'string' ? ` ${config.arch}` : ''}`;
  const inheritedBias = baseRef
    ? `This model reuses what ${baseRef} learned from ${source.data}. What that data over- or under-represents, and its labelling conventions, carry over: ${
        strategy === 'extract' ? 'the base features are frozen, so only the new head was fitted to the target data' : 'training on the target data adjusts the upper layers but does not undo what the lower layers learned'
      }. ${source.card ? `Read the base model's own card (${source.card}) for its data and limits.` : 'The base has no card beside it: its data and limits are known only as stated here.'}`
    : `No pretrained model: nothing is inherited from a source task. The model still reflects its training data (${trainName}): whom and what it covers, and how it was labelled.`;

  return {
    date: str(config.createdAt) ?? unknown('config.json records no createdAt'),
    dataKind,
    typeLine,
    strategy: strategyText,
    head: headText(config, defaults, head, strategy, baseRef),
    engine: engineText || unknown('metrics.json records no engines'),
    baseRef,
    source,
    evaluation,
    extraMeasures,
    training: { name: trainName, description: datasetDescription(config.train), size: train.n, classBalance: classBalance(trainCounts, classes), notes: trainingNotes },
    shift: advice.value ?? verdict.shift,
    verdict: verdict.value,
    inheritedBias,
    caveats,
    recommendations,
  };
}

function headText(config: JsonObject, defaults: JsonObject, head: JsonObject | undefined, strategy: string, baseRef: string | undefined): string {
  if (head && head.solver === 'lbfgs') {
    const cv = typeof head.cvAccuracy === 'number' ? `, held-out accuracy ${head.cvAccuracy.toFixed(3)}` : '';
    return `linear softmax fitted by L-BFGS; L2 strength C = ${String(head.C)} chosen by ${String(head.folds)}-fold cross-validation${cv}`;
  }
  if (strategy === 'scratch' && !baseRef) return `the output softmax layer of the ${typeof config.arch === 'string' ? config.arch : 'default'} network, trained with the rest`;
  const hidden = Array.isArray(config.headHidden) ? config.headHidden : Array.isArray(defaults.headHidden) ? defaults.headHidden : undefined;
  const dropout = typeof config.headDropout === 'number' ? config.headDropout : typeof defaults.headDropout === 'number' ? defaults.headDropout : undefined;
  if (hidden) {
    const layers = hidden.length ? `hidden ReLU layer${hidden.length > 1 ? 's' : ''} of ${hidden.join(', ')} units, ` : '';
    return `new head: ${layers}${dropout !== undefined ? `dropout ${dropout}, ` : ''}softmax; trained by Adam`;
  }
  return `new softmax head trained by Adam (${unknown('its layout is fit’s default for this base and is not recorded in config.json')})`;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
