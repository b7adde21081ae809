/**
 * A MetricFrame (after Fairlearn's): any metric computed overall and per group of one or more
 * sensitive features, with the between-group aggregates `groupMin`, `groupMax`, `difference`
 * and `ratio`. One object instead of one function per fairness measure: demographic parity
 * difference is `difference('selection_rate')`, equal opportunity difference is `difference('tpr')`.
 */
import { TransferkitError } from '../../errors.ts';
import { groupBy, type Grouping, type SensitiveGroup } from './groups.ts';
import type { GroupMetric } from './metrics.ts';
import type { BinaryOutcomes } from './outcomes.ts';

/**
 * A metric for a {@link MetricFrame}: a {@link GroupMetric}, or any function of outcomes over rows.
 *
 * @example
 * ```ts
 * const positives: MetricInput = (o, rows) => Array.from(rows).filter((i) => o.yTrue[i]).length;
 * ```
 */
export type MetricInput = GroupMetric | ((o: BinaryOutcomes, rows: ArrayLike<number>) => number);

/**
 * How `difference` and `ratio` compare groups: `between_groups` compares the largest and
 * smallest group value; `to_overall` compares each group with the overall value and keeps the
 * largest difference / smallest ratio (Fairlearn's two methods).
 *
 * @example
 * ```ts
 * const m: DisparityMethod = 'to_overall';
 * ```
 */
export type DisparityMethod = 'between_groups' | 'to_overall';

/**
 * Options of {@link MetricFrame}: the metrics by name, the outcomes, and the groups (sensitive
 * feature values, or a ready {@link Grouping}).
 *
 * @example
 * ```ts
 * const opts: MetricFrameOptions = { metrics: [SELECTION_RATE], outcomes, sensitive: { sex } };
 * ```
 */
export interface MetricFrameOptions {
  /** Metrics: a list of {@link GroupMetric}s (keyed by their `name`), or named metrics. */
  metrics: readonly GroupMetric[] | Record<string, MetricInput>;
  outcomes: BinaryOutcomes;
  /** Sensitive feature values by feature name, one per example (several: intersections). */
  sensitive?: Record<string, ArrayLike<string | number>>;
  /** Ready-made groups instead of `sensitive`. */
  grouping?: Grouping;
}

/**
 * One row of {@link MetricFrame.byGroup}.
 *
 * @example
 * ```ts
 * const row: GroupValues = { group: 'a', key: ['a'], values: { selection_rate: 0.75 } };
 * ```
 */
export interface GroupValues {
  /** Group label (`a`, `female & black`). */
  group: string;
  /** Its value of each sensitive feature. */
  key: string[];
  /** Metric values by metric name (`NaN`: undefined in this group). */
  values: Record<string, number>;
}

/**
 * Metrics overall and by group, with between-group aggregates. Undefined values (`NaN`, e.g. a
 * true positive rate in a group without positives) are skipped by the aggregates, like pandas
 * skips them in Fairlearn; an aggregate over fewer than two defined groups is `NaN`.
 *
 * @example
 * ```ts
 * const mf = new MetricFrame({ metrics: [SELECTION_RATE, TRUE_POSITIVE_RATE], outcomes: binarize(yTrue, yPred, 1), sensitive: { sf: sfData } });
 * mf.byGroup;                       // [{ group: 'a', values: { selection_rate: 0.75, tpr: 0.5 } }, …]
 * mf.difference('selection_rate');  // 0.25 (demographic parity difference)
 * mf.ratio('selection_rate');       // 0.667 (demographic parity ratio)
 * ```
 */
export class MetricFrame {
  /** Metric names, in order. */
  readonly metrics: string[];
  /** The groups. */
  readonly grouping: Grouping;
  /** Each metric over every grouped row. */
  readonly overall: Record<string, number>;
  /** Each metric per group, in group order. */
  readonly byGroup: GroupValues[];

  constructor(opts: MetricFrameOptions) {
    const named: Array<[string, MetricInput]> = Array.isArray(opts.metrics)
      ? (opts.metrics as readonly GroupMetric[]).map((m) => [m.name, m])
      : Object.entries(opts.metrics as Record<string, MetricInput>);
    if (named.length === 0) throw new TransferkitError('BAD_INPUT', 'A MetricFrame needs at least one metric', { where: 'MetricFrame metrics', hint: 'Pass metrics such as [SELECTION_RATE, TRUE_POSITIVE_RATE].' });
    const grouping = opts.grouping ?? (opts.sensitive ? groupBy(opts.sensitive) : undefined);
    if (!grouping) throw new TransferkitError('MISSING_OPTION', 'A MetricFrame needs sensitive features or a grouping', { where: 'MetricFrame', hint: 'Pass `sensitive: { column: values }`.' });
    this.metrics = named.map(([name]) => name);
    this.grouping = grouping;
    const compute = (m: MetricInput, rows: ArrayLike<number>) => (typeof m === 'function' ? m(opts.outcomes, rows) : m.compute(opts.outcomes, rows));
    const all = concatRows(grouping.groups);
    this.overall = Object.fromEntries(named.map(([name, m]) => [name, compute(m, all)]));
    this.byGroup = grouping.groups.map((g) => ({ group: g.label, key: g.key, values: Object.fromEntries(named.map(([name, m]) => [name, compute(m, g.rows)])) }));
  }

  /** The value of `metric` in the group labelled `group` (`NaN` when undefined there). */
  value(metric: string, group: string): number {
    this.checkMetric(metric);
    const row = this.byGroup.find((r) => r.group === group);
    if (!row) throw new TransferkitError('BAD_INPUT', `There is no group "${group}"`, { where: 'MetricFrame.value', hint: `Groups: ${this.byGroup.map((r) => r.group).join(', ')}.` });
    return row.values[metric];
  }

  /** The groups where `metric` is undefined (`NaN`). */
  undefinedIn(metric: string): string[] {
    this.checkMetric(metric);
    return this.byGroup.filter((r) => Number.isNaN(r.values[metric])).map((r) => r.group);
  }

  /** The smallest group value of `metric` (undefined groups skipped). */
  groupMin(metric: string): number {
    return this.extreme(metric, -1).value;
  }

  /** The largest group value of `metric` (undefined groups skipped). */
  groupMax(metric: string): number {
    return this.extreme(metric, 1).value;
  }

  /** The group with the smallest value of `metric` (first in group order on ties). */
  argMin(metric: string): string | undefined {
    return this.extreme(metric, -1).group;
  }

  /** The group with the largest value of `metric` (first in group order on ties). */
  argMax(metric: string): string | undefined {
    return this.extreme(metric, 1).group;
  }

  /**
   * The disparity of `metric` as a difference: `between_groups` (default) max − min over the
   * groups; `to_overall` the largest |group value − overall value|. `NaN` with fewer than two
   * defined groups (`between_groups`) or no defined group (`to_overall`).
   */
  difference(metric: string, method: DisparityMethod = 'between_groups'): number {
    const vals = this.defined(metric);
    if (method === 'to_overall') {
      if (vals.length === 0) return NaN;
      const o = this.overall[metric];
      return Math.max(...vals.map((v) => Math.abs(v - o)));
    }
    if (vals.length < 2) return NaN;
    return Math.max(...vals) - Math.min(...vals);
  }

  /**
   * The disparity of `metric` as a ratio at most 1: `between_groups` (default) min ÷ max over the
   * groups; `to_overall` the smallest of group ÷ overall, each turned to be ≤ 1 (x > 1 → 1/x).
   * 0 ÷ 0 is `NaN`.
   */
  ratio(metric: string, method: DisparityMethod = 'between_groups'): number {
    const vals = this.defined(metric);
    if (method === 'to_overall') {
      if (vals.length === 0) return NaN;
      const o = this.overall[metric];
      return Math.min(...vals.map((v) => {
        const r = v / o;
        return r > 1 ? 1 / r : r;
      }));
    }
    if (vals.length < 2) return NaN;
    return Math.min(...vals) / Math.max(...vals);
  }

  private defined(metric: string): number[] {
    this.checkMetric(metric);
    return this.byGroup.map((r) => r.values[metric]).filter((v) => !Number.isNaN(v));
  }

  private extreme(metric: string, sign: 1 | -1): { value: number; group?: string } {
    this.checkMetric(metric);
    let best: { value: number; group?: string } = { value: NaN };
    for (const r of this.byGroup) {
      const v = r.values[metric];
      if (Number.isNaN(v)) continue;
      if (best.group === undefined || sign * (v - best.value) > 0) best = { value: v, group: r.group };
    }
    return best;
  }

  private checkMetric(metric: string): void {
    if (!this.metrics.includes(metric)) {
      throw new TransferkitError('BAD_INPUT', `This MetricFrame has no metric "${metric}"`, { where: 'MetricFrame', hint: `Its metrics: ${this.metrics.join(', ')}.` });
    }
  }
}

function concatRows(groups: SensitiveGroup[]): Int32Array {
  const out = new Int32Array(groups.reduce((s, g) => s + g.rows.length, 0));
  let k = 0;
  for (const g of groups) {
    out.set(g.rows, k);
    k += g.rows.length;
  }
  return out;
}
