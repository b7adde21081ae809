/**
 * Shapley values of a text model's words: a word is present or left out of the text, the
 * background is the empty text; exact up to 12 words, KernelSHAP beyond. `exact-shap` and
 * `kernel-shap` on a text model run the same.
 *
 * @module
 */
import type { ShapleyRow } from '../explanation.ts';
import { shapleyValues, textView } from '../method-kit.ts';
import { OPTION } from '../options.ts';
import { registerMethod, type MethodContext } from '../registry.ts';

/** Words up to which the values are exact. */
const EXACT_UP_TO = 12;

function wordShapley<const N extends string>(name: N, description: string) {
  return {
    name,
    description,
    data: ['text'] as const,
    scope: 'local' as const,
    options: [
      OPTION.rows,
      OPTION.className,
      OPTION.link,
      { name: 'nsamples', help: `KernelSHAP (over ${EXACT_UP_TO} words): coalitions sampled` },
      { name: 'seed', help: 'KernelSHAP sampling' },
    ] as const,
    reportsAs: ['kernel-shap (words)'],
    run: explainWords,
  };
}

export const shapTextMethod = registerMethod(wordShapley('shap', `Shapley values of each word (left out or kept): exact up to ${EXACT_UP_TO} words, KernelSHAP beyond`));
export const exactShapTextMethod = registerMethod(wordShapley('exact-shap', 'on text, the same as shap: Shapley values of each word'));
export const kernelShapTextMethod = registerMethod(wordShapley('kernel-shap', 'on text, the same as shap: Shapley values of each word'));

async function explainWords(ctx: MethodContext) {
  const { trained, opts, seed } = ctx;
  const { words, classOutput, release } = textView(ctx);
  const rows: ShapleyRow[] = [];
  try {
    for (const r of ctx.rows) {
      const { tokens, textFor, cls } = await words(r);
      // a word is present (1) or removed (0); the background is the empty text
      const f = (masks: Float64Array[]) => classOutput(masks.map(textFor), cls);
      const ones = new Float64Array(tokens.length).fill(1);
      const res = await shapleyValues(f, ones, [new Float64Array(tokens.length)], { exact: tokens.length <= EXACT_UP_TO, seed, nsamples: opts.nsamples });
      rows.push({ row: r, class: trained.classes[cls], baseValue: res.baseValue, values: res.values, output: res.output, features: tokens, featureValues: tokens });
    }
  } finally {
    await release();
  }
  const background = { source: 'the empty text (all words removed)', rows: 1 };
  return ctx.explanation({ kind: 'shapley', scope: 'local', method: 'kernel-shap (words)', link: ctx.link, features: [], rows, background, warnings: [] });
}
