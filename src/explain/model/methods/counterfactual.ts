/**
 * Counterfactuals ("what-if"): the smallest, most diverse changes to a row, in the user's own
 * columns and units, that make the model predict the desired class.
 *
 * @module
 */
import type { CounterfactualRow } from '../explanation.ts';
import { backgroundRows, narrateRow, whatIfRow } from '../method-kit.ts';
import { OPTION } from '../options.ts';
import { registerMethod } from '../registry.ts';

export const counterfactualMethod = registerMethod({
  name: 'counterfactual',
  description: 'counterfactuals: the smallest, most diverse changes that reach another class, within the range of the background data',
  data: ['tabular'],
  scope: 'what-if',
  options: [
    OPTION.rows,
    { name: 'className', help: 'the class to reach (default: the runner-up)' },
    { name: 'immutable', help: 'columns that must not change' },
    { name: 'permittedRanges', help: 'allowed values per column: [min, max] or a list of categories' },
    { name: 'count', help: 'counterfactuals per row (default 3)' },
    { name: 'background', help: 'data whose range numeric columns keep to (default: a sample of the training data)' },
    OPTION.backgroundSize,
    OPTION.audience,
    { name: 'seed', help: 'the search' },
  ],
  run: async (ctx) => {
    const bg = await backgroundRows(ctx);
    const rows: CounterfactualRow[] = [];
    for (const r of ctx.rows) rows.push({ row: r, ...(await whatIfRow(ctx, bg.data, r, ctx.opts.className)) });
    const narratives = ctx.opts.audience ? rows.map((o) => narrateRow(ctx, o.row, { label: o.predicted, probability: o.query.probability }, undefined, o)) : undefined;
    return ctx.explanation({ kind: 'counterfactual', scope: 'what-if', method: 'counterfactual', rows, narratives });
  },
});
