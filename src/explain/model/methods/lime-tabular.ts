/**
 * LIME on tabular rows: the weights of a linear surrogate fitted, with a proximity kernel, to
 * the model's outputs on perturbed copies of the row (one weight per model input).
 *
 * @module
 */
import { featureNames } from '../../../data/features.ts';
import { limeTabular } from '../../lime.ts';
import type { LimeRow } from '../explanation.ts';
import { backgroundRows, classIndex, tabularInputs } from '../method-kit.ts';
import { classPredictFn } from '../model-view.ts';
import { OPTION } from '../options.ts';
import { registerMethod } from '../registry.ts';

export const limeTabularMethod = registerMethod({
  name: 'lime',
  description: 'LIME: a local linear surrogate of the model around each row, one weight per model input',
  data: ['tabular'],
  scope: 'local',
  options: [
    OPTION.rows,
    OPTION.className,
    OPTION.link,
    { name: 'background', help: 'data the perturbations are sampled from (default: a sample of the training data)' },
    OPTION.backgroundSize,
    { name: 'nsamples', help: 'perturbed samples' },
    { name: 'seed', help: 'sampling' },
  ],
  run: async (ctx) => {
    const { trained, opts, link, seed } = ctx;
    const { x } = tabularInputs(ctx);
    const bg = await backgroundRows(ctx);
    const features = featureNames(trained.features);
    const rows: LimeRow[] = [];
    for (const r of ctx.rows) {
      const cls = classIndex(trained, opts.className, x[r]);
      const res = await limeTabular(classPredictFn(trained, cls, link), x[r], bg.rows, { seed, nsamples: opts.nsamples, featureNames: features, discretize: false });
      rows.push({ row: r, class: trained.classes[cls], weights: res.weights, intercept: res.intercept, r2: res.r2, localPrediction: res.localPrediction, output: res.output });
    }
    return ctx.explanation({ kind: 'lime', scope: 'local', method: 'lime', link, features, rows });
  },
});
