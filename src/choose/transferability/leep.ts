import { leep } from '../../measures/leep.ts';
import type { TransferabilityScore } from './score.ts';

/** LEEP: the log expected empirical prediction of the candidate's softmax over its own classes. */
export const LEEP: TransferabilityScore = {
  name: 'leep',
  title: 'LEEP',
  reference: 'Nguyen et al. 2020',
  reads: 'softmax over its own classes',
  score: (x) => leep(x.probs, x.labels, x.classes),
};
