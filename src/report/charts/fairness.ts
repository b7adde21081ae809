/**
 * The per-group table of an audit as a chart.
 *
 * @module
 */
import type { AuditReport } from '../../audit/report.ts';
import { SCORE_METRICS, STANDARD_METRICS } from '../../measures/fairness/metrics.ts';
import { asSpec, VEGA_LITE_SCHEMA } from './common.ts';
import type { VegaLiteSpec } from './render.ts';

/**
 * The group metrics shown by default, in panel order (those the report has).
 *
 * @example
 * ```ts
 * fairnessChart(report, { metrics: FAIRNESS_CHART_METRICS.slice(0, 2) }); // selection rate, accuracy
 * ```
 */
export const FAIRNESS_CHART_METRICS: readonly string[] = ['selection_rate', 'accuracy', 'tpr', 'fpr', 'precision', 'ece'];

/**
 * One panel per group metric (selection rate, accuracy, TPR, FPR, precision, ECE — those the
 * audit reports), one dot per group, the overall value as a dashed line; the selection rate
 * carries its 95% bootstrap interval when the audit computed one. The privileged group is
 * drawn as a diamond.
 *
 * @example
 * ```ts
 * const spec = fairnessChart(await auditPredictions({ file: 'preds.csv', sensitive: ['group'] }));
 * ```
 */
export function fairnessChart(report: Pick<AuditReport, 'groups' | 'overall' | 'definitions' | 'sensitive' | 'positive'>, opts: { metrics?: readonly string[] } = {}): VegaLiteSpec {
  const wanted = (opts.metrics ?? FAIRNESS_CHART_METRICS).filter((m) => report.groups.some((g) => typeof g.values[m] === 'number'));
  const values = report.groups.flatMap((g) =>
    wanted
      .filter((m) => typeof g.values[m] === 'number')
      .map((m) => {
        const ci = m === 'selection_rate' ? g.selectionRateInterval : undefined;
        return { metric: label(m), group: `${g.name} (n=${g.count})`, value: g.values[m] as number, low: ci?.[0] ?? null, high: ci?.[1] ?? null, privileged: g.privileged ? 'privileged' : 'other' };
      }),
  );
  const overall = wanted.filter((m) => typeof report.overall[m] === 'number').map((m) => ({ metric: label(m), overall: report.overall[m] as number }));
  const groupOrder = report.groups.map((g) => `${g.name} (n=${g.count})`);
  const y = { field: 'group', type: 'nominal', sort: groupOrder, title: null };
  return asSpec({
    $schema: VEGA_LITE_SCHEMA,
    title: { text: `Group metrics by ${report.sensitive.join(' & ')}`, subtitle: `positive class "${report.positive}"; dashed: overall${values.some((v) => v.low !== null) ? '; bars: 95% bootstrap interval of the selection rate' : ''}` },
    facet: { field: 'metric', type: 'nominal', sort: wanted.map(label), title: null, header: { labelFontSize: 12 } },
    columns: 3,
    data: { values: [...values, ...overall.map((o) => ({ ...o, group: null }))] },
    spec: {
      width: 150,
      height: Math.max(40, 24 * groupOrder.length),
      layer: [
        { transform: [{ filter: 'datum.group != null && datum.low != null' }], mark: { type: 'rule', strokeWidth: 2, color: '#888' }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
        {
          transform: [{ filter: 'datum.group != null' }],
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            y,
            x: { field: 'value', type: 'quantitative', title: null, scale: { zero: true } },
            color: { field: 'group', type: 'nominal', legend: null, sort: groupOrder },
            shape: { field: 'privileged', type: 'nominal', title: null, scale: { domain: ['privileged', 'other'], range: ['diamond', 'circle'] } },
            tooltip: [{ field: 'group' }, { field: 'metric' }, { field: 'value', format: '.3f' }, { field: 'low', format: '.3f' }, { field: 'high', format: '.3f' }],
          },
        },
        { transform: [{ filter: 'datum.group == null' }], mark: { type: 'rule', strokeDash: [4, 3], color: '#333' }, encoding: { x: { field: 'overall', type: 'quantitative' } } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  });
}

/** A metric's label for people (`selection rate`, `true positive rate`, …), else its name. */
function label(name: string): string {
  return [...STANDARD_METRICS, ...SCORE_METRICS].find((m) => m.name === name)?.label ?? name;
}
