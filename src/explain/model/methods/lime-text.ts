/**
 * LIME on a text model's words: a linear surrogate over which words are kept, fitted to the
 * model's outputs on texts with words left out.
 *
 * @module
 */
import { limeMasked } from '../../lime-masked.ts';
import type { LimeRow } from '../explanation.ts';
import { textView } from '../method-kit.ts';
import { OPTION } from '../options.ts';
import { registerMethod } from '../registry.ts';

export const limeTextMethod = registerMethod({
  name: 'lime',
  description: 'LIME over words: a linear surrogate of the model on texts with words left out',
  data: ['text'],
  scope: 'local',
  options: [
    OPTION.rows,
    OPTION.className,
    OPTION.link,
    { name: 'nsamples', help: 'texts sampled (default 1000)' },
    { name: 'seed', help: 'sampling' },
  ],
  run: async (ctx) => {
    const { trained, opts, seed } = ctx;
    const { words, classOutput, release } = textView(ctx);
    const rows: LimeRow[] = [];
    try {
      for (const r of ctx.rows) {
        const { tokens, textFor, cls } = await words(r);
        const res = await limeMasked(tokens.length, (masks) => classOutput(masks.map(textFor), cls), { seed, nsamples: opts.nsamples ?? 1000 });
        rows.push({ row: r, class: trained.classes[cls], weights: res.weights, intercept: res.intercept, r2: res.r2, localPrediction: res.localPrediction, output: res.output, features: tokens });
      }
    } finally {
      await release();
    }
    return ctx.explanation({ kind: 'lime', scope: 'local', method: 'lime', link: ctx.link, features: [], rows });
  },
});
