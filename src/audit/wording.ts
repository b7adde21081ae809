/**
 * Plain-language sentences for the measures of an audit that are outside their fair range.
 */
import type { AuditGroup, AuditMeasure } from './report.ts';

/**
 * What the wording needs to know about an audit.
 *
 * @example
 * ```ts
 * const ctx: WordingContext = { outcome: 'deny=yes', groups: new Map(report.groups.map((g) => [g.group, g])), intervals: true };
 * ```
 */
export interface WordingContext {
  /** The positive outcome as people read it: `deny=yes`, `"spam"`. */
  outcome: string;
  /** Groups by label. */
  groups: Map<string, AuditGroup>;
  /** Whether intervals were computed. */
  intervals: boolean;
}

const pct = (x: number | null | undefined) => (x == null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | null | undefined, d = 3) => (x == null ? 'n/a' : x.toFixed(d));

/**
 * The plain-language sentence for one flagged measure; `extremes` names, per base metric, the
 * groups with its smallest and largest value.
 *
 * @example
 * ```ts
 * flagMessage('disparate_impact', m, ctx); // 'afam=yes is predicted deny=yes 3.06× as often as afam=no (28.3% vs 9.3%) …'
 * ```
 */
export function flagMessage(name: string, m: AuditMeasure, ctx: WordingContext, extremes: Record<string, { min: string; max: string }>): string {
  const name_ = (g: string | undefined) => (g === undefined ? '?' : ctx.groups.get(g)?.name ?? g);
  const v = (g: string | undefined, metric: string) => (g === undefined ? null : ctx.groups.get(g)?.values[metric] ?? null);
  const ci = ctx.intervals && m.low !== null && m.high !== null ? `; 95% interval ${num(m.low)}–${num(m.high)}, ${excludes(m) ? 'entirely outside the fair range' : 'reaching into the fair range, so the gap may be chance'}` : '';
  const fair = `fair range ${num(m.fair[0], 2)}–${num(m.fair[1], 2)}`;
  switch (name) {
    case 'disparate_impact': {
      const { unprivileged: u, privileged: p } = m.compared!;
      const r = m.value!;
      const how = r >= 1 ? `${r.toFixed(2)}× as often as` : `only ${r.toFixed(2)}× as often as`;
      return `${name_(u)} is predicted ${ctx.outcome} ${how} ${name_(p)} (${pct(v(u, 'selection_rate'))} vs ${pct(v(p, 'selection_rate'))}): disparate impact ${num(r)} is outside the four-fifths ${fair}${ci}.`;
    }
    case 'statistical_parity_difference': {
      const { unprivileged: u, privileged: p } = m.compared!;
      const d = m.value!;
      return `The selection rate of ${name_(u)} is ${(100 * Math.abs(d)).toFixed(1)} points ${d >= 0 ? 'higher' : 'lower'} than that of ${name_(p)} (statistical parity difference ${num(d)}, ${fair}${ci}).`;
    }
    case 'demographic_parity_difference': {
      const e = extremes.selection_rate;
      return `Selection rates (predicted ${ctx.outcome}) range from ${pct(v(e.min, 'selection_rate'))} for ${name_(e.min)} to ${pct(v(e.max, 'selection_rate'))} for ${name_(e.max)}: demographic parity difference ${num(m.value)} (${fair}${ci}).`;
    }
    case 'demographic_parity_ratio': {
      const e = extremes.selection_rate;
      return `The lowest selection rate (${name_(e.min)}, ${pct(v(e.min, 'selection_rate'))}) is ${num(m.value, 2)}× the highest (${name_(e.max)}, ${pct(v(e.max, 'selection_rate'))}): demographic parity ratio ${num(m.value)} (${fair}${ci}).`;
    }
    case 'equal_opportunity_difference': {
      const e = extremes.tpr;
      return `Among examples that truly are ${ctx.outcome}, ${name_(e.max)} is predicted so ${pct(v(e.max, 'tpr'))} of the time and ${name_(e.min)} ${pct(v(e.min, 'tpr'))}: equal opportunity difference ${num(m.value)} (${fair}${ci}).`;
    }
    case 'equalized_odds_difference': {
      const t = extremes.tpr;
      const f = extremes.fpr;
      return `Error rates differ between groups: true positive rate ${pct(v(t.min, 'tpr'))} (${name_(t.min)}) to ${pct(v(t.max, 'tpr'))} (${name_(t.max)}), false positive rate ${pct(v(f.min, 'fpr'))} (${name_(f.min)}) to ${pct(v(f.max, 'fpr'))} (${name_(f.max)}): equalized odds difference ${num(m.value)} (${fair}${ci}).`;
    }
    case 'equalized_odds_ratio': {
      const ratio = (metric: string) => {
        const lo = v(extremes[metric].min, metric);
        const hi = v(extremes[metric].max, metric);
        return lo === null || hi === null || hi === 0 ? 'n/a' : num(lo / hi, 2);
      };
      return `The lowest true positive rate is ${ratio('tpr')}× the highest and the lowest false positive rate ${ratio('fpr')}× the highest: equalized odds ratio ${num(m.value)} (${fair}${ci}).`;
    }
    case 'ece_difference': {
      const e = extremes.ece;
      return `Scores are calibrated unequally: expected calibration error ${num(v(e.min, 'ece'))} for ${name_(e.min)}, ${num(v(e.max, 'ece'))} for ${name_(e.max)} (difference ${num(m.value)}, ${fair}${ci}).`;
    }
    default:
      return `${name.replace(/_/g, ' ')} is ${num(m.value)}, outside its ${fair}${ci}.`;
  }
}

/** Whether the interval of `m` lies entirely outside its fair range. */
function excludes(m: AuditMeasure): boolean {
  if (m.low === null || m.high === null) return false;
  return m.high < m.fair[0] || m.low > m.fair[1];
}
