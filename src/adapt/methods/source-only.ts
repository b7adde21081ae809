/**
 * `source-only`: logistic regression on the labelled source (and any labelled target rows),
 * with no adaptation — the "before" of every shallow method.
 *
 * @module
 */
import { registerMethod } from '../registry.ts';
import { CLASSIFIER_OPTIONS, trainOnSource } from './shallow-training.ts';

export const sourceOnly = registerMethod({
  name: 'source-only',
  family: 'shallow',
  description: 'logistic regression on the shared features, class-balanced; no adaptation',
  applies: () => true,
  options: CLASSIFIER_OPTIONS,
  autoCandidate: true,
  run: (ctx) => ({ model: trainOnSource(ctx) }),
});
