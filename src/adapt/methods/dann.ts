/**
 * `dann`: DANN (Ganin et al. 2016) — a domain classifier on the features, behind a
 * gradient-reversal layer whose scale is ramped from 0 to λ. The network and its training are
 * shared with the other deep methods (`./deep-training.ts`); the loss is `trainAdapted`'s `dann`
 * objective.
 *
 * @module
 */
import { registerMethod } from '../registry.ts';
import { DEEP_OPTIONS, deepApplies, trainDeepMethod } from './deep-training.ts';

/** Default weight of the alignment loss. */
const LAMBDA = 1;

export const dann = registerMethod({
  name: 'dann',
  family: 'deep',
  description: 'a domain classifier behind a gradient-reversal layer (DANN)',
  applies: deepApplies,
  options: DEEP_OPTIONS,
  autoCandidate: false,
  defaultLambda: LAMBDA,
  run: (input) => trainDeepMethod(input, { alignment: 'dann', defaultLambda: LAMBDA }),
});
