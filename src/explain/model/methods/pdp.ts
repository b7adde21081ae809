/**
 * Partial dependence of one class's output on one numeric column, with the ICE curve of each
 * background row; the grid in the column's own units.
 *
 * @module
 */
import { TransferkitError } from '../../../errors.ts';
import { partialDependence } from '../../partial-dependence.ts';
import { backgroundRows, classIndex, tabularInputs } from '../method-kit.ts';
import { classPredictFn } from '../model-view.ts';
import { OPTION } from '../options.ts';
import { registerMethod } from '../registry.ts';

/** Grid points along the column. */
const GRID_RESOLUTION = 20;

export const pdpMethod = registerMethod({
  name: 'pdp',
  description: 'partial dependence of a class on one numeric column, the mean of the ICE curves of the background rows',
  data: ['tabular'],
  scope: 'global',
  options: [
    { name: 'feature', help: 'the numeric column (default: the first)' },
    { name: 'className', help: "class whose output is shown (default: the first row's predicted class)" },
    { name: 'rows', help: 'the first row picks the default class' },
    OPTION.link,
    { name: 'background', help: 'rows whose ICE curves are averaged (default: a sample of the training data)' },
    OPTION.backgroundSize,
    { name: 'seed', help: 'the background sample' },
  ],
  run: async (ctx) => {
    const { trained, opts, link } = ctx;
    const { names, groups, x } = tabularInputs(ctx);
    const bg = await backgroundRows(ctx);
    const feature = opts.feature ?? names[0];
    const f = names.indexOf(feature);
    const numeric = trained.features.kind === 'tabular' ? trained.features.numeric : [];
    if (f < 0 || groups[f].length !== 1) {
      throw new TransferkitError('BAD_FEATURE', `"${feature}" is not a numeric feature of this model`, { hint: `Numeric features: ${numeric.map((n) => n.name).join(', ')}.` });
    }
    const cls = classIndex(trained, opts.className, x[ctx.rows[0]]);
    const pd = await partialDependence(classPredictFn(trained, cls, link), bg.rows, groups[f][0], { gridResolution: GRID_RESOLUTION });
    // the grid is in standardised units inside the model: report it in the column's own units
    const spec = numeric[f];
    const grid = pd.grid.map((g) => (spec ? g * spec.std + spec.mean : g));
    const body = { kind: 'pdp', scope: 'global', method: 'pdp', link, class: trained.classes[cls], feature, grid, average: pd.average, individual: pd.individual } as const;
    return ctx.explanation(body, pd.individual.length);
  },
});
