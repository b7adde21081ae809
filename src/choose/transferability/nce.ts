import { nce } from '../../measures/nce.ts';
import type { TransferabilityScore } from './score.ts';

/** NCE: the negative conditional entropy of target labels given the candidate's predicted labels. */
export const NCE: TransferabilityScore = {
  name: 'nce',
  title: 'NCE',
  reference: 'Tran et al. 2019',
  reads: 'predicted labels',
  score: (x) => nce(x.predicted, x.labels),
};
