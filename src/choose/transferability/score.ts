/**
 * What a transferability score is: a name, what it reads of a candidate source model, and how it
 * scores the labelled target data. The scores themselves are plain numerics in `measures/`.
 *
 * @module
 */
import type { MatrixInput } from '../../measures/linalg.ts';

/**
 * What a candidate source model gives every target example.
 *
 * @example
 * ```ts
 * const input: ScoreInput = { features, probs, predicted, labels: ds.labels, classes: 10 };
 * ```
 */
export interface ScoreInput {
  /** Base features (the input of the candidate's head: what a new head would train on). */
  features: MatrixInput;
  /** The candidate's softmax over its own classes. */
  probs: MatrixInput;
  /** The candidate's predicted (argmax) class of each example. */
  predicted: Int32Array;
  /** The target labels. */
  labels: Int32Array;
  /** Number of target classes. */
  classes: number;
}

/**
 * One transferability score. Higher transfers better.
 *
 * @example
 * ```ts
 * const score: TransferabilityScore = { name: 'nce', title: 'NCE', reference: 'Tran et al. 2019', reads: 'predicted labels', score: (x) => nce(x.predicted, x.labels) };
 * ```
 */
export interface TransferabilityScore {
  /** The name `rankSources({ metric })` and `transferkit rank --metric` take. */
  name: string;
  /** How papers write it. */
  title: string;
  reference: string;
  /** What of the candidate it reads, in words. */
  reads: string;
  score(input: ScoreInput): number;
}
