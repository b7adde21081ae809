import { logME } from '../../measures/logme.ts';
import type { TransferabilityScore } from './score.ts';

/** LogME: the log marginal evidence of a Bayesian linear model on the base features. */
export const LOGME: TransferabilityScore = {
  name: 'logme',
  title: 'LogME',
  reference: 'You et al. 2021',
  reads: 'base features',
  score: (x) => logME(x.features, x.labels, x.classes).score,
};
