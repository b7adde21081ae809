/**
 * Permutation importance: how much the model's accuracy drops when one column is shuffled (a
 * categorical column's one-hot inputs together), mean ± std over repeats.
 *
 * @module
 */
import { argmaxRow } from '../../../measures/metrics.ts';
import { permutationImportance } from '../../permutation-importance.ts';
import { tabularInputs } from '../method-kit.ts';
import { modelProbs } from '../model-view.ts';
import { registerMethod } from '../registry.ts';

export const permutationMethod = registerMethod({
  name: 'permutation',
  description: 'permutation importance: the drop in accuracy when each column is shuffled, mean ± std over repeats',
  data: ['tabular'],
  scope: 'global',
  options: [
    { name: 'label', help: 'label column of CSV data (the data must be labelled)' },
    { name: 'repeats', help: 'shuffles per column (default 10)' },
    { name: 'seed', help: 'the shuffles' },
  ],
  labels: { why: 'Permutation importance measures the drop in accuracy', instead: 'use `method: "mean-shap"` for a global importance without labels' },
  run: async (ctx) => {
    const { trained, data } = ctx;
    const { names, groups, x } = tabularInputs(ctx);
    const k = trained.classes.length;
    const accuracy = (rows: readonly ArrayLike<number>[], ys: readonly number[]) => {
      const probs = modelProbs(trained, rows as ArrayLike<number>[]);
      let hit = 0;
      ys.forEach((y, i) => (hit += argmaxRow(probs, i, k) === y ? 1 : 0));
      return hit / ys.length;
    };
    const repeats = ctx.opts.repeats ?? 10;
    const res = await permutationImportance(accuracy, x, Array.from(data.labels), { repeats, seed: ctx.seed, groups });
    const body = { kind: 'permutation', scope: 'global', method: 'permutation', metric: 'accuracy', baseline: res.baseline, features: names, mean: res.mean, std: res.std, repeats } as const;
    return ctx.explanation(body, data.size);
  },
});
