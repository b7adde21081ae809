/**
 * Builds the model card of a run folder (see `types.ts` for its sections). It reads the run's
 * files, never its weights, so it is quick and needs no compute engine.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { adaptFacts } from './adapt-facts.ts';
import { AUDIT_FILE, PRIVACY_FILE, readAudit, readPrivacy } from './attachments.ts';
import { fitFacts } from './fit-facts.ts';
import { classBalance, perClassRows, scoreMeasures, trueCounts } from './measures.ts';
import { readRunFiles } from './run-files.ts';
import { assertModelCard } from './schema.ts';
import { unknown } from './sources.ts';
import { PREDICTIONS_FILE, readStoredPredictions, storedPredictionMeasures } from './stored-predictions.ts';
import { MODEL_CARD_FORMAT, type Measure, type ModelCard } from './types.ts';

/**
 * What the author states about the model, which no run file can know.
 *
 * @example
 * ```ts
 * const opts: CardOptions = { intendedUse: 'sorting support e-mails', outOfScope: 'decisions about people', contact: 'ml@example.org' };
 * ```
 */
export interface CardOptions {
  /** Model name (default: the run folder's name). */
  name?: string;
  /** Model version. */
  version?: string;
  /** Primary intended uses. */
  intendedUse?: string;
  /** Uses the model is not meant for. */
  outOfScope?: string;
  /** Licence of the model. */
  licence?: string;
  /** How to cite it. */
  citation?: string;
  /** Whom to contact about it. */
  contact?: string;
  /** The time the card is generated (default now; fixed in tests). */
  now?: Date;
}

/** The package version, from package.json (three levels up from src/report/card and from dist/report/card). */
function transferkitVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return unknown('package.json cannot be read');
  }
}

const NOT_STATED = 'not stated by the author';

/**
 * Builds the model card of a `fit` or `adapt` run folder, with the sections of Mitchell et al.
 * 2019. Metrics come with 95% intervals (Wilson for accuracy, a bootstrap over the confusion
 * matrix for macro F1); the group audit (`audit.json`) and membership-inference check
 * (`privacy.json`) are included when the folder holds them (a malformed one becomes a caveat);
 * facts the run does not record are stated as unknown. The card is checked against
 * `MODEL_CARD_SCHEMA` before it is returned.
 *
 * @throws TransferkitError `RUN_NOT_FOUND`, `NOT_A_DIRECTORY`, `NOT_A_RUN` (what is missing is
 *   named), `CORRUPT_RUN` (the damaged file is named).
 * @example
 * ```ts
 * const card = await buildModelCard('runs/iris', { intendedUse: 'teaching', contact: 'me@example.org' });
 * console.log(card.metrics.measures.find((m) => m.name === 'accuracy'));
 * ```
 */
export async function buildModelCard(runFolder: string, opts: CardOptions = {}): Promise<ModelCard> {
  const run = await readRunFiles(runFolder);
  const facts = run.kind === 'fit' ? fitFacts(run) : adaptFacts(run);
  const { classes } = run;
  const scores = facts.evaluation.scores;
  const [audit, privacy, stored] = await Promise.all([readAudit(run.dir), readPrivacy(run.dir), readStoredPredictions(run.dir, classes)]);
  const caveats = [...facts.caveats];
  const recommendations = [...facts.recommendations];
  if (audit.problem) caveats.push(`The group audit is left out: ${audit.problem}.`);
  if (privacy.problem) caveats.push(`The membership-inference check is left out: ${privacy.problem}.`);
  if (stored.problem) caveats.push(`The stored predictions are left out: ${stored.problem}.`);
  if (!audit.value) {
    recommendations.push(
      `Before using the model on people, compare its errors across groups: \`transferkit audit --model ${run.folder} --data <labelled data with the sensitive columns> --sensitive <columns> --out ${join(run.folder, AUDIT_FILE)}\`, then write the card again to include it.`,
    );
  }
  if (!privacy.value) {
    recommendations.push(`Check how much the model reveals about its training examples: \`transferkit privacy --model ${run.folder} --out ${join(run.folder, PRIVACY_FILE)}\`, then write the card again to include it.`);
  }

  const measures: Measure[] = scores
    ? [...scoreMeasures(scores), ...facts.extraMeasures]
    : [
        ...['accuracy', 'macro F1', 'ROC AUC', 'log loss'].map((name) => ({ name, value: null, low: null, high: null, interval: 'none: no labelled evaluation data' })),
        ...facts.extraMeasures,
      ];
  const metricNotes = ['Intervals are 95%. Accuracy: Wilson score interval from the number correct and n. Macro F1: percentile bootstrap over the confusion matrix. ROC AUC and log loss of the run’s own scores: no interval (the run stores no per-example probabilities).'];
  if (!scores) metricNotes.push(unknown('the run has no labelled evaluation data'));
  if (stored.value) {
    measures.push(...storedPredictionMeasures(stored.value, classes));
    metricNotes.push(
      `"(stored predictions)": ${stored.value.labels.length} labelled predictions in ${PREDICTIONS_FILE}${stored.value.unlabelled ? ` (${stored.value.unlabelled} without a label skipped)` : ''}, written by \`transferkit predict --out\`; predict does not record which data they were made on, so make sure it was held out.`,
    );
  }

  const intendedUse = opts.intendedUse?.trim();
  const outOfScope = opts.outOfScope?.trim();
  const considerations: string[] = [];
  if (facts.dataKind === 'text') considerations.push('Text data can hold personal data (names, e-mail addresses, phone numbers); scrub training texts before sharing the model or its data (`transferkit scrub`).');
  if (!audit.value) considerations.push(`No group audit was run: whether the model errs more for some groups of people is ${unknown('no audit.json in the run folder')}.`);
  if (!privacy.value) considerations.push(`No membership-inference check was run: how much the model reveals about whether an example was in its training data is ${unknown('no privacy.json in the run folder')}.`);

  const card: ModelCard = {
    format: MODEL_CARD_FORMAT,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    run: { folder: run.folder, kind: run.kind },
    modelDetails: {
      name: nonEmpty(opts.name) ?? basename(run.dir),
      version: nonEmpty(opts.version) ?? unknown('not given: option `version`, --model-version on the command line'),
      date: facts.date,
      type: facts.typeLine,
      baseModel: facts.source.model,
      strategy: facts.strategy,
      head: facts.head,
      engine: facts.engine,
      transferkitVersion: transferkitVersion(),
      dataKind: facts.dataKind,
      classes,
      licence:
        nonEmpty(opts.licence) ??
        `${unknown('not given: option `licence`, --licence on the command line')}. transferkit itself is MIT-licensed; the model's licence also depends on the licences of its training data${facts.baseRef ? ' and of its base model' : ''}.`,
      citation: nonEmpty(opts.citation) ?? unknown('not given: option `citation`, --citation on the command line'),
      contact: nonEmpty(opts.contact) ?? unknown('not given: option `contact`, --contact on the command line'),
    },
    intendedUse: {
      primaryUses: intendedUse || `${NOT_STATED}: unknown. Until it is, treat this model as an experiment, not a product.`,
      outOfScope: outOfScope || `${NOT_STATED}: unknown. Do not use it for decisions about people without a group audit and a review of its training data.`,
      stated: Boolean(intendedUse || outOfScope),
    },
    factors: {
      dataKind: facts.dataKind,
      groups: audit.value?.sensitive ?? [],
      notes: [
        audit.value ? `groups from audit.json (positive class: ${audit.value.positive})` : 'no grouping factors were evaluated (no audit.json)',
        ...(facts.shift ? ['domain: the source → target shift is measured under quantitative analyses'] : []),
      ],
    },
    metrics: { evaluatedOn: `${facts.evaluation.role}: ${facts.evaluation.name}`, n: scores?.n ?? null, measures, notes: metricNotes },
    evaluationData: {
      role: facts.evaluation.role,
      name: facts.evaluation.name,
      description: facts.evaluation.description,
      size: scores?.n ?? null,
      classBalance: scores ? classBalance(trueCounts(scores.confusionMatrix), classes) : [],
      notes: facts.evaluation.notes,
    },
    trainingData: { target: facts.training, source: facts.source },
    quantitativeAnalyses: {
      perClass: scores ? perClassRows(scores.confusionMatrix, classes) : [],
      groups: audit.value ?? null,
      shift: facts.shift ?? null,
      verdict: facts.verdict ?? null,
      notes: [
        scores ? `per-class numbers on the ${facts.evaluation.role}; recall with a 95% Wilson interval` : unknown('no labelled evaluation data for per-class numbers'),
        ...(facts.verdict
          ? []
          : run.kind === 'fit' && !facts.baseRef
            ? ['negative-transfer verdict: not applicable (trained from scratch, nothing transferred)']
            : [`negative-transfer verdict: ${unknown(run.kind === 'fit' ? 'no compare/curve experiment (curve.json) beside this run' : 'no labelled target to compare before and after')}`]),
      ],
    },
    ethicalConsiderations: { inheritedBias: facts.inheritedBias, privacy: privacy.value ?? null, considerations },
    caveatsAndRecommendations: { caveats, recommendations },
  };
  assertModelCard(card, run.dir);
  return card;
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}
