/**
 * `mmd`: DAN-style multi-kernel MMD (Long et al. 2015) — RBF MMD² between the domains'
 * features, averaged over every pair of domains. The network and its training are shared with
 * the other deep methods (`./deep-training.ts`); the loss is `trainAdapted`'s `mmd` objective.
 *
 * @module
 */
import { registerMethod } from '../registry.ts';
import { DEEP_OPTIONS, deepApplies, trainDeepMethod } from './deep-training.ts';

/** Default weight of the alignment loss. */
const LAMBDA = 1;

export const mmd = registerMethod({
  name: 'mmd',
  family: 'deep',
  description: 'multi-kernel MMD (DAN)',
  applies: deepApplies,
  options: DEEP_OPTIONS,
  autoCandidate: false,
  defaultLambda: LAMBDA,
  run: (input) => trainDeepMethod(input, { alignment: 'mmd', defaultLambda: LAMBDA }),
});
