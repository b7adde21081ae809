import { hScore } from '../../measures/h-score.ts';
import type { TransferabilityScore } from './score.ts';

/** H-score: how well the base features separate the target classes (between- over total covariance). */
export const H_SCORE: TransferabilityScore = {
  name: 'hscore',
  title: 'H-score',
  reference: 'Bao et al. 2019',
  reads: 'base features',
  score: (x) => hScore(x.features, x.labels),
};
