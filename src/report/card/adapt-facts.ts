/**
 * The facts of an `adapt` run for its card: the method (and why `auto` chose it), the labelled
 * source domain(s), the target, the scores on the labelled target, the domain shift before and
 * after, and whether adapting helped.
 *
 * @module
 */
import { adaptShift, adaptVerdict } from './evidence.ts';
import { addEvaluationSizeCaveats, type RunFacts } from './facts.ts';
import type { JsonObject, RecordedScores, RunFiles } from './run-files.ts';
import { datasetDescription, datasetName, describeBase, unknown } from './sources.ts';

/**
 * Gathers the card's facts of an adaptation run.
 *
 * @example
 * ```ts
 * const facts = adaptFacts(await readRunFiles('runs/spam'));
 * facts.strategy; // 'domain adaptation: coral'
 * ```
 */
export function adaptFacts(run: RunFiles): RunFacts {
  const { config, metrics, classes } = run;
  const method = String(metrics.method ?? config.method);
  const baseRef = typeof config.base === 'string' && config.base !== '' ? config.base : undefined;
  const base = describeBase(baseRef);
  const sizes = (metrics.sizes ?? {}) as JsonObject;
  const sources = Array.isArray(metrics.sources) ? (metrics.sources as JsonObject[]) : [];
  const sourceText = sources.length ? sources.map((s) => `${String(s.name)} (${typeof s.size === 'number' ? `${s.size} labelled examples` : 'size unknown'})`).join(' + ') : datasetName(config.source);
  const targetName = datasetName(config.target);
  const after = (metrics.after ?? undefined) as RecordedScores | undefined;
  const deep = (metrics.deep ?? undefined) as JsonObject | undefined;
  const decision = (metrics.decision ?? undefined) as JsonObject | undefined;
  const dataKind = typeof metrics.kind === 'string' ? metrics.kind : str((run.modelMeta?.features as JsonObject | undefined)?.kind) ?? unknown('the run does not record it');
  const caveats: string[] = [];
  const recommendations: string[] = [];

  const testName = config.test !== undefined && config.test !== null ? datasetName(config.test) : targetName;
  const evaluation = {
    role: config.test !== undefined && config.test !== null ? 'test (labelled target data)' : 'labelled target data',
    name: testName,
    description: datasetDescription(config.test ?? config.target),
    scores: after,
    notes:
      config.test !== undefined && config.test !== null
        ? []
        : ['the same target examples the method adapted to (their labels were hidden from training and from choosing the method, and used only to score)'],
  };
  if (!after) {
    caveats.push('The target data has no labels, so how the model does on the target is unknown: the metrics below are not measured.');
    recommendations.push(`Label a sample of the target and score it: \`transferkit evaluate --model ${run.folder} --data <labelled target sample>\`.`);
  } else if (config.test === undefined || config.test === null) {
    caveats.push('Scored on the target data the method adapted to (transductive): the scores hold for these examples; new target data may differ.');
  }
  addEvaluationSizeCaveats(after, classes, caveats);

  const requested = String(metrics.requested ?? config.method);
  let strategy = `domain adaptation: ${method}`;
  if (requested === 'auto') {
    strategy += ` (chosen by auto${typeof metrics.chosenBy === 'string' ? `, validator ${metrics.chosenBy}` : ''})`;
    if (decision && typeof decision.reason === 'string') strategy += `: ${decision.reason}`;
  }
  if (decision && typeof decision.risk === 'string') caveats.push(`auto's choice: ${decision.risk}`);
  const weights = (metrics.weights ?? undefined) as JsonObject | undefined;
  if (weights && typeof weights.essFraction === 'number' && weights.essFraction < 0.1) {
    caveats.push(`The importance weights are concentrated (effective sample size ${(100 * weights.essFraction).toFixed(1)}% of the source): the model rests on few source examples.`);
  }
  const verdict = adaptVerdict(run);
  if (verdict?.kind === 'worse') caveats.push('Adapting made the target accuracy worse than the source-only model (negative transfer): prefer the source-only model.');

  const trainingNotes = [`labelled source: ${sourceText}`, `unlabelled target: ${targetName}${typeof sizes.target === 'number' ? ` (${sizes.target} examples)` : ''}`];
  if (typeof sizes.targetLabelled === 'number' && sizes.targetLabelled > 0) trainingNotes.push(`labelled target examples used in training: ${sizes.targetLabelled}`);
  if (typeof config.label === 'string') trainingNotes.push(`label column: ${config.label}`);
  trainingNotes.push('per-class counts of the source are not recorded by adapt');
  const sourceSize = typeof sizes.source === 'number' ? sizes.source : null;
  if (sourceSize !== null && sourceSize < 1000) caveats.push(`Small labelled source: ${sourceSize} examples.`);

  return {
    date: str(config.createdAt) ?? unknown('config.json records no createdAt'),
    dataKind,
    typeLine: `${classes.length}-class ${dataKind.startsWith('unknown') ? '' : `${dataKind} `}classifier adapted from ${sourceText} to ${targetName} by ${method}`,
    strategy,
    head: deep && typeof deep.network === 'string' ? `${deep.network}, trained with ${method}` : 'a linear softmax layer (multinomial logistic regression) on the model’s input features',
    engine: deep ? 'TensorFlow.js (a deep adaptation network)' : 'transferkit’s logistic-regression fit (shallow method; no training engine)',
    baseRef,
    source: {
      model: baseRef ? base.model : 'none: a classifier trained on the labelled source domain',
      description: baseRef ? base.description : 'no pretrained model; the knowledge transferred is the labelled source domain',
      data: sourceText,
      card: base.card,
      notes: baseRef ? [`the base model was trained on ${base.data}`, ...base.notes] : [],
    },
    evaluation,
    extraMeasures: [],
    training: {
      name: `${sourceText} → ${targetName}`,
      description: `source: ${datasetDescription(config.source)}; target: ${datasetDescription(config.target)}`,
      size: sourceSize,
      classBalance: [],
      notes: trainingNotes,
    },
    shift: adaptShift(run),
    verdict,
    inheritedBias: `The classifier learned its classes from the labelled source (${sourceText}) and was adapted to ${targetName}: it inherits the source's labelling conventions and whatever the source over- or under-represents. Adaptation aligns the inputs; it cannot fix labels or groups the source gets wrong.${
      baseRef ? ` It also reuses ${baseRef}, trained on ${base.data}.` : ''
    }`,
    caveats,
    recommendations,
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
