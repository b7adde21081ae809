/**
 * The options every audit takes, whatever it audits (a model on data, or predictions).
 */

/**
 * Options shared by `auditModel`, `auditPredictions` and `auditOutcomes`.
 *
 * @example
 * ```ts
 * const opts: AuditOptions = { positive: 'yes', privileged: 'no', outcome: 'adverse', bootstrap: 1000, seed: 1 };
 * ```
 */
export interface AuditOptions {
  /**
   * The positive class: predicting it is a "selection". Default with two classes: the one named
   * `1`, `yes`, `true` or `positive` if any, else the second in natural order; with more classes
   * it must be given, and the audit is one-vs-rest for it.
   */
  positive?: string;
  /**
   * The privileged group of disparate impact and statistical parity difference: a group's value
   * (`no`), its intersection label (`no & yes`) or `feature=value` pairs (`afam=no,single=yes`).
   * Default: the group with the most favourable selection rate (highest, or lowest when
   * `outcome` is `adverse`).
   */
  privileged?: string;
  /**
   * Whether the positive class is a favourable outcome for the person (a loan granted, the
   * default) or an adverse one (a loan denied); it only decides the default privileged group and
   * the wording.
   */
  outcome?: 'favorable' | 'adverse';
  /**
   * Decision threshold on the score (probability of the positive class): predict the positive
   * class when score ≥ threshold. Default: the predictions as given (a model's most probable class).
   */
  threshold?: number;
  /** Bootstrap resamples for the 95% intervals (default 1000; 0: no intervals). */
  bootstrap?: number;
  /** Seed of the bootstrap (default 1). */
  seed?: number;
  /** Groups smaller than this are warned about (default 30). */
  minGroupSize?: number;
}

/** Default of {@link AuditOptions.minGroupSize}. */
export const MIN_GROUP_SIZE = 30;
