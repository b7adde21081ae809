/**
 * What a card needs to know about a run, gathered the same way for `fit` and `adapt` runs
 * (see `fit-facts.ts` and `adapt-facts.ts`), so that the card itself is assembled once.
 *
 * @module
 */
import { trueCounts } from './measures.ts';
import type { RecordedScores } from './run-files.ts';
import type { DataDescription, Measure, ShiftAnalysis, SourceDescription, VerdictAnalysis } from './types.ts';

/**
 * The data the run's scores were taken on.
 *
 * @example
 * ```ts
 * const e: EvaluationFacts = { role: 'validation', name: 'builtin:iris (15% held out)', description: '…', notes: [] };
 * ```
 */
export interface EvaluationFacts {
  role: string;
  name: string;
  description: string;
  /** The recorded scores; absent when the run has none (an adaptation without labelled target data). */
  scores?: RecordedScores;
  notes: string[];
}

/**
 * A run in the card's terms.
 *
 * @example
 * ```ts
 * const facts: RunFacts = fitFacts(await readRunFiles('runs/iris'));
 * ```
 */
export interface RunFacts {
  date: string;
  dataKind: string;
  /** One line: what kind of model this is. */
  typeLine: string;
  strategy: string;
  head: string;
  engine: string;
  /** The base model reference, when there is one. */
  baseRef?: string;
  source: SourceDescription;
  evaluation: EvaluationFacts;
  /** Measures beyond those of the evaluation scores (e.g. a cross-validated accuracy). */
  extraMeasures: Measure[];
  training: DataDescription;
  shift?: ShiftAnalysis;
  verdict?: VerdictAnalysis;
  inheritedBias: string;
  caveats: string[];
  recommendations: string[];
}

/** Below this many evaluation examples a card warns that the intervals are wide. */
export const SMALL_EVALUATION_SET = 100;
/** A class with fewer evaluation examples than this gets a warning. */
export const FEW_PER_CLASS = 10;

/**
 * Warnings about an evaluation set that is small overall or in some class.
 *
 * @example
 * ```ts
 * addEvaluationSizeCaveats(scores, classes, caveats);
 * ```
 */
export function addEvaluationSizeCaveats(scores: RecordedScores | undefined, classes: string[], caveats: string[]): void {
  if (!scores) return;
  if (scores.n < SMALL_EVALUATION_SET) caveats.push(`Only ${scores.n} evaluation examples: the intervals are wide.`);
  const few = trueCounts(scores.confusionMatrix)
    .map((c, i) => ({ c, name: classes[i] ?? `class ${i}` }))
    .filter((x) => x.c < FEW_PER_CLASS);
  if (few.length) caveats.push(`Fewer than ${FEW_PER_CLASS} evaluation examples in ${few.map((x) => `${x.name} (${x.c})`).join(', ')}: their per-class numbers are unreliable.`);
}
