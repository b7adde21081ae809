/**
 * The transferability ranking of candidate source models.
 *
 * @module
 */
import type { Ranking } from '../../choose/rank.ts';
import { asSpec, chartFrame } from './common.ts';
import type { VegaLiteSpec } from './render.ts';

/**
 * Candidates ranked by the ranking metric (best on top), one dot each (the axis need not hold 0),
 * the score printed beside it; with
 * several scores (LogME, LEEP, NCE, H-score are on different scales) one panel per score, each
 * with its own axis. Candidates that failed are left out.
 *
 * @example
 * ```ts
 * const spec = rankingChart(await rankSources({ candidates: ['fashion-cnn', 'digits04-cnn'], train: 'builtin:mnist' }));
 * ```
 */
export function rankingChart(r: Pick<Ranking, 'metric' | 'target' | 'ranking'>): VegaLiteSpec {
  const ok = r.ranking.filter((c) => !c.error);
  const metrics = [r.metric, ...Object.keys(ok[0]?.scores ?? {}).filter((m) => m !== r.metric)];
  const order = ok.map((c) => c.candidate);
  const values = ok.flatMap((c) => metrics.filter((m) => Number.isFinite(c.scores[m])).map((m) => ({ candidate: c.candidate, metric: m === r.metric ? `${m} (ranked by)` : m, score: c.scores[m], rank: c.rank })));
  const metricOrder = metrics.map((m) => (m === r.metric ? `${m} (ranked by)` : m));
  return asSpec({
    $schema: chartFrame({ text: '' }).$schema,
    title: { text: `Transferability to ${r.target}`, subtitle: `ranked by ${r.metric}; every score: higher transfers better` },
    data: { values },
    facet: { column: { field: 'metric', type: 'nominal', sort: metricOrder, title: null } },
    spec: {
      width: 200,
      height: Math.max(40, 26 * order.length),
      layer: [
        // dots on an axis that need not hold 0: LogME, LEEP and NCE are often negative, where bars from 0 would make the best the shortest
        { mark: { type: 'point', filled: true, size: 80 }, encoding: { y: { field: 'candidate', type: 'nominal', sort: order, title: null }, x: { field: 'score', type: 'quantitative', title: 'score', scale: { zero: false, padding: 36 } }, color: { field: 'candidate', legend: null, sort: order } } },
        { mark: { type: 'text', align: 'left', dx: 7 }, encoding: { y: { field: 'candidate', type: 'nominal', sort: order }, x: { field: 'score', type: 'quantitative' }, text: { field: 'score', format: '.3g' } } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  });
}
