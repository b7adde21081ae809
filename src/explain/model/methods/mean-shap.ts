/**
 * Global importance from Shapley values: the mean |φ| of each column for the predicted class,
 * over the rows asked for or a seeded sample of 50.
 *
 * @module
 */
import { createRng } from '../../../util/random.ts';
import { backgroundRows, classIndex, SHAPLEY_OPTIONS, shapleyBackground, shapleyValues, tabularInputs } from '../method-kit.ts';
import { classPredictFn } from '../model-view.ts';
import { registerMethod } from '../registry.ts';

/** Columns up to which the values are exact. */
const EXACT_UP_TO = 12;
/** Rows sampled when none are asked for. */
const SAMPLE_ROWS = 50;

export const meanShapMethod = registerMethod({
  name: 'mean-shap',
  description: `global importance: the mean |Shapley value| of each column over the rows (default: a seeded sample of ${SAMPLE_ROWS})`,
  data: ['tabular'],
  scope: 'global',
  options: SHAPLEY_OPTIONS.map((o) => (o.name === 'rows' ? { name: 'rows', help: `rows averaged over (default: a seeded sample of ${SAMPLE_ROWS})` } : o)),
  run: async (ctx) => {
    const { trained, opts, link, seed } = ctx;
    const { names, groups, x } = tabularInputs(ctx);
    const bg = await backgroundRows(ctx);
    const sample = opts.rows ?? createRng(`mean-shap:${seed}`).shuffle(Array.from({ length: ctx.data.size }, (_, i) => i)).slice(0, SAMPLE_ROWS);
    const exact = groups.length <= EXACT_UP_TO;
    const background = shapleyBackground(bg.rows, seed);
    const meanAbs = new Array<number>(names.length).fill(0);
    for (const r of sample) {
      const f = classPredictFn(trained, classIndex(trained, opts.className, x[r]), link);
      const res = await shapleyValues(f, x[r], background, { exact, groups, seed, nsamples: opts.nsamples });
      res.values.forEach((v, i) => (meanAbs[i] += Math.abs(v) / sample.length));
    }
    const shapley = exact ? 'exact-shap' : 'kernel-shap';
    const body = { kind: 'mean-shap', scope: 'global', method: 'mean-shap', link, shapley, features: names, meanAbs, rows: sample.length, background: { source: bg.source, rows: bg.rows.length } } as const;
    return ctx.explanation(body, sample.length);
  },
});
