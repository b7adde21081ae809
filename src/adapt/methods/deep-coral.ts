/**
 * `deep-coral`: Deep CORAL (Sun & Saenko 2016) — the network's features are aligned by the
 * distance between their covariances, averaged over every pair of domains. The network and its
 * training are shared with the other deep methods (`./deep-training.ts`); the loss is
 * `trainAdapted`'s `deep-coral` objective.
 *
 * @module
 */
import { registerMethod } from '../registry.ts';
import { DEEP_OPTIONS, deepApplies, trainDeepMethod } from './deep-training.ts';

/** Default weight of the alignment loss. */
const LAMBDA = 1;

export const deepCoral = registerMethod({
  name: 'deep-coral',
  family: 'deep',
  description: 'the Deep CORAL loss',
  applies: deepApplies,
  options: DEEP_OPTIONS,
  autoCandidate: false,
  defaultLambda: LAMBDA,
  run: (input) => trainDeepMethod(input, { alignment: 'deep-coral', defaultLambda: LAMBDA }),
});
