/**
 * What a fairness audit returns: the per-group table, the aggregate measures with bootstrap
 * intervals, flags in plain language, warnings and the exact definitions used; and the plain
 * JSON a model card embeds.
 */

/**
 * One row of the per-group table.
 *
 * @example
 * ```ts
 * const row: AuditGroup = { group: 'yes', name: 'afam=yes', key: { afam: 'yes' }, count: 339, values: { selection_rate: 0.283 }, selectionRateInterval: [0.236, 0.333] };
 * ```
 */
export interface AuditGroup {
  /** Group label as in a MetricFrame: the value, or values joined by ` & ` for intersections. */
  group: string;
  /** The group with its feature names, for people: `afam=yes`, `afam=yes & single=no`. */
  name: string;
  /** The group's value of each sensitive feature. */
  key: Record<string, string>;
  /** Number of examples. */
  count: number;
  /** Base metrics by name (see {@link AuditReport.definitions}); `null` where undefined in this group. */
  values: Record<string, number | null>;
  /** 95% bootstrap interval of the selection rate, when intervals were computed. */
  selectionRateInterval?: [number | null, number | null];
  /** Whether this is the privileged group of disparate impact. */
  privileged: boolean;
}

/**
 * One aggregate measure with its interval.
 *
 * @example
 * ```ts
 * const m: AuditMeasure = { value: 0.19, low: 0.14, high: 0.24, ideal: 0, fair: [0, 0.1], flagged: true };
 * ```
 */
export interface AuditMeasure {
  /** `null` when undefined (the reason is among the warnings). */
  value: number | null;
  /** Bootstrap percentile interval (`null` when not computed or undefined in every resample). */
  low: number | null;
  high: number | null;
  /** Value of perfect parity. */
  ideal: number;
  /** Values inside this range are not flagged. */
  fair: [number, number];
  /** Whether the value lies outside `fair`. */
  flagged: boolean;
  /** For disparate impact and statistical parity difference: the groups compared. */
  compared?: { unprivileged: string; privileged: string };
  /** Why the value is `null`, when it is. */
  undefinedBecause?: string;
}

/**
 * A measure outside its fair range, said in plain language.
 *
 * @example
 * ```ts
 * const f: AuditFlag = { measure: 'disparate_impact', value: 3.06, message: 'afam=yes is predicted "yes" 3.06× as often as afam=no …' };
 * ```
 */
export interface AuditFlag {
  measure: string;
  value: number;
  message: string;
}

/**
 * The result of `auditModel` / `auditPredictions`.
 *
 * @example
 * ```ts
 * const report: AuditReport = await auditPredictions({ file: 'preds.csv', sensitive: ['group'] });
 * report.measures.demographic_parity_difference.value;
 * ```
 */
export interface AuditReport {
  /** Sensitive feature names (several: groups are their intersections). */
  sensitive: string[];
  /** The positive class: `ŷ = positive` is a "selection". */
  positive: string;
  /** How `positive` was chosen. */
  positiveChosen: 'given' | 'default';
  /** Every class seen in labels and predictions, in natural order. */
  classes: string[];
  /** True when there are more than two classes: the audit is one-vs-rest for `positive`. */
  oneVsRest: boolean;
  /** Whether the positive class is a favourable outcome for the person (loan granted) or an adverse one (loan denied). */
  outcome: 'favorable' | 'adverse';
  /** The privileged group of disparate impact and statistical parity difference. */
  privileged: string;
  /** How it was chosen: given, or the group with the most favourable selection rate. */
  privilegedChosen: 'given' | 'most favourable selection rate';
  /** Name of the label (true class) column, when known. */
  label?: string;
  /** Examples audited. */
  size: number;
  /** Examples left out (missing sensitive value or label). */
  excluded: number;
  /** The per-group table, in group order. */
  groups: AuditGroup[];
  /** Base metrics over every audited example. */
  overall: Record<string, number | null>;
  /** Aggregate measures by name. */
  measures: Record<string, AuditMeasure>;
  /** Measures outside their fair range, in plain language. */
  flags: AuditFlag[];
  /** Small groups, undefined rates, choices made for the user. */
  warnings: string[];
  /** Exact definitions of every metric and measure reported, by name. */
  definitions: Record<string, string>;
  /** Bootstrap settings; `null` when no intervals were computed. */
  bootstrap: { resamples: number; seed: number; level: number; stratified: 'by group' } | null;
  /** What was audited. */
  source: { model?: string; data?: string; predictions?: string };
}

/**
 * The plain JSON a model card embeds.
 *
 * @example
 * ```ts
 * const card: AuditCard = auditCard(report);
 * ```
 */
export interface AuditCard {
  sensitive: string[];
  positive: string;
  privileged: string;
  groups: Array<{ group: string; count: number } & Record<string, number | string | null>>;
  measures: Record<string, { value: number | null; low: number | null; high: number | null }>;
  flags: string[];
  warnings: string[];
}

/**
 * Reduces a report to the plain shape a model card embeds:
 * `{ sensitive, positive, privileged, groups: [{ group, count, <metric>: value, … }], measures: { name: { value, low, high } }, flags: [message], warnings }`.
 *
 * @example
 * ```ts
 * await writeJsonAtomic('card-fairness.json', auditCard(report));
 * ```
 */
export function auditCard(report: AuditReport): AuditCard {
  return {
    sensitive: [...report.sensitive],
    positive: report.positive,
    privileged: report.privileged,
    groups: report.groups.map((g) => ({ ...g.values, group: g.name, count: g.count })),
    measures: Object.fromEntries(Object.entries(report.measures).map(([k, m]) => [k, { value: m.value, low: m.low, high: m.high }])),
    flags: report.flags.map((f) => f.message),
    warnings: [...report.warnings],
  };
}
