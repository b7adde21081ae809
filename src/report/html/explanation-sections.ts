/**
 * The report's explanation sections: how the model decides overall (the Shapley summary and the
 * permutation importance), a few rows one by one (SHAP waterfalls), and how good those
 * explanations are (infidelity, max-sensitivity, deletion / insertion).
 *
 * @module
 */
import { permutationChart } from '../charts/importance.ts';
import { shapBeeswarmChart, shapWaterfallChart } from '../charts/shap.ts';
import { esc, htmlTable, num } from './escape.ts';
import type { ExplanationData } from './explanations.ts';
import type { FigureMaker } from './inline-svg.ts';
import { deletionInsertionChart } from './quality-chart.ts';
import { list, prose, type ReportSection } from './section.ts';

/**
 * The explanations section and, when measured, the explanation-quality section.
 *
 * @example
 * ```ts
 * const sections = await explanationSections(await gatherExplanations('runs/iris', 'builtin:iris'), new FigureMaker());
 * ```
 */
export async function explanationSections(e: ExplanationData, figures: FigureMaker): Promise<ReportSection[]> {
  const before = figures.count;
  const parts: string[] = [`<p>Explained on ${prose(e.data)}.</p>`, list(e.notes), '<h3>Global</h3>'];
  parts.push(await figures.figure(shapBeeswarmChart(e.summary), `Shapley values of ${e.summary.rows.length} rows: each dot is a row; right of 0 raises the probability of the row's predicted class`));
  if (e.global) {
    const g = e.global;
    const order = g.features.map((_, j) => j).sort((a, b) => g.mean[b] - g.mean[a]);
    parts.push(
      `<p>Permutation importance: the drop in accuracy (baseline ${esc(num(g.baseline))}) when a column is shuffled, mean ± standard deviation over ${esc(g.repeats)} repeats, on ${esc(g.explained)} rows.</p>`,
      await figures.figure(permutationChart(g), 'Permutation importance: accuracy lost when each column is shuffled'),
      htmlTable(['feature', 'accuracy drop', 'std'], order.map((j) => [g.features[j], g.mean[j], g.std[j]])),
    );
  }
  parts.push('<h3>Local</h3>');
  for (let i = 0; i < e.local.rows.length; i++) {
    const r = e.local.rows[i];
    parts.push(await figures.figure(shapWaterfallChart(e.local, i), `Row ${r.row}: from the average output ${num(r.baseValue)} to ${num(r.output)} for class ${r.class}`));
  }
  const names = e.local.features;
  parts.push(
    htmlTable(
      ['row', 'class', 'output', ...names],
      e.local.rows.map((r) => [r.row, r.class, r.output, ...r.values]),
      'Shapley values of the rows shown (probability scale); they add up to output − average output',
    ),
  );
  const out: ReportSection[] = [{ id: 'explanations', title: 'Explanations', html: parts.join(''), charts: figures.count - before }];

  const q = e.quality;
  if (!q.length) {
    out.push({ id: 'explanation-quality', title: 'Explanation quality', html: `<p>The quality checks are ${prose(e.qualityNote ?? 'not measured')}.</p>`, charts: 0 });
    return out;
  }
  const start = figures.count;
  const html = [
    '<p>How far to trust the Shapley values above, by three checks in the model’s input space (standardised columns). <strong>Infidelity</strong> (Yeh et al. 2019): the mean squared error of the attributions’ prediction of the output change under random perturbations (after the best rescaling); 0 is perfect. <strong>Max-sensitivity</strong> (Yeh et al. 2019): the largest relative change of the attributions when the input moves by at most 0.02; lower is steadier. <strong>Deletion / insertion</strong> (Petsiuk et al. 2018): the class probability as the most important features are removed (set to the training mean) or added back; a low deletion area and a high insertion area mean the ranking is faithful.</p>',
    htmlTable(['row', 'class', 'infidelity', 'max-sensitivity', 'deletion AUC', 'insertion AUC'], q.map((r) => [r.row, r.class, r.infidelity, r.sensitivity, r.deletionAuc, r.insertionAuc])),
    await figures.figure(deletionInsertionChart(q), 'Deletion (solid) and insertion (dashed) curves of the rows explained above'),
  ].join('');
  out.push({ id: 'explanation-quality', title: 'Explanation quality', html, charts: figures.count - start });
  return out;
}
