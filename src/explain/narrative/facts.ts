/**
 * The facts every narrative draws on, derived once and checked: attributions ranked by |φ|, the
 * efficiency check, the outcome each sign pushes towards, the what-if changes, and the numbers.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import type { Counterfactual, CounterfactualChange, CounterfactualResult, FeatureValue } from '../counterfactual/types.ts';
import { roundSig } from './format.ts';
import type { Audience, NarrativeInput } from './types.ts';

/**
 * The audiences {@link narrate} knows.
 *
 * @example
 * ```ts
 * AUDIENCES.includes('business'); // true
 * ```
 */
export const AUDIENCES: readonly Audience[] = ['technical', 'business', 'regulatory', 'end-user'];

/**
 * One attribution, with its rank (1 = largest |φ|) and its share of Σ|φ|.
 *
 * @example
 * ```ts
 * const r: RankedAttribution = { feature: 'debt', label: 'debt', value: 1.4, share: 0.6, rank: 1, input: 30_000 };
 * ```
 */
export interface RankedAttribution {
  feature: string;
  /** Display name. */
  label: string;
  value: number;
  share: number;
  rank: number;
  input?: FeatureValue;
}

/**
 * Derived facts for the renderers.
 *
 * @example
 * ```ts
 * const facts = deriveFacts(input);
 * facts.ranked[0].feature; // the top feature
 * ```
 */
export interface NarrativeFacts {
  input: NarrativeInput;
  /** Class the attributions explain (a positive φ pushes towards it). */
  explains: string;
  /** The other outcome of a binary task, if known. */
  other?: string;
  /** Attributions by decreasing |φ| (empty without attributions). */
  ranked: RankedAttribution[];
  /** Σφ, `output − (baseValue + Σφ)` and whether that gap is within 1e-6·(1 + |output|). */
  sum: number;
  gap: number;
  efficient: boolean;
  /** The outcome the counterfactuals aim for. */
  desired: string;
  /** Returned counterfactuals (empty when none or not computed). */
  counterfactuals: Counterfactual[];
  /** Number of attributions to list. */
  topK: number;
  numbers: Record<string, number>;
}

const DEFAULT_TOP_K: Record<Audience, number> = { technical: 5, regulatory: 4, business: 3, 'end-user': 3 };

/**
 * Display name of a feature: `featureLabels[name]`, else the name with `_` turned into spaces.
 *
 * @example
 * ```ts
 * displayName('years_employed', {}); // 'years employed'
 * ```
 */
export function displayName(name: string, labels: Record<string, string> | undefined): string {
  return labels?.[name] ?? name.replace(/_/g, ' ');
}

function fail(where: string, message: string, hint?: string): never {
  throw new TransferkitError('BAD_OPTION', message, { where, hint });
}

/**
 * Checks the input and derives the {@link NarrativeFacts}. Throws `BAD_OPTION` on an unknown
 * audience, a probability outside [0, 1], or lists of different lengths.
 *
 * @example
 * ```ts
 * const facts = deriveFacts({ audience: 'technical', prediction: { label: 'yes', probability: 0.8 } });
 * ```
 */
export function deriveFacts(input: NarrativeInput): NarrativeFacts {
  if (!AUDIENCES.includes(input?.audience)) {
    fail('audience', `Unknown audience ${JSON.stringify(input?.audience)}`, `Use one of: ${AUDIENCES.join(', ')}.`);
  }
  const { prediction, attributions: attr, globalImportance: gi, model } = input;
  if (typeof prediction?.label !== 'string' || !(prediction.probability >= 0 && prediction.probability <= 1)) {
    fail('prediction', `prediction needs a label and a probability in [0, 1], got ${JSON.stringify(prediction)}`);
  }
  const topK = input.topK ?? DEFAULT_TOP_K[input.audience];
  if (!Number.isInteger(topK) || topK < 1) fail('topK', `topK must be an integer ≥ 1, got ${String(topK)}`);

  const numbers: Record<string, number> = { probability: roundSig(prediction.probability) };
  const explains = attr?.explains ?? prediction.label;
  const classes = prediction.classes;
  const other = classes !== undefined && classes.length === 2 && classes.includes(explains) ? classes.find((c) => c !== explains) : undefined;

  let ranked: RankedAttribution[] = [];
  let sum = 0;
  let gap = 0;
  let efficient = true;
  if (attr !== undefined) {
    const n = attr.features?.length;
    if (!Array.isArray(attr.values) || attr.values.length !== n || n === 0) {
      fail('attributions', `attributions has ${n} features but ${attr.values?.length} values`, 'Give one value per feature name.');
    }
    if (attr.inputs !== undefined && attr.inputs.length !== n) fail('attributions.inputs', `attributions.inputs has ${attr.inputs.length} values for ${n} features`);
    if (![attr.baseValue, attr.output, ...attr.values].every(Number.isFinite)) fail('attributions', 'attributions contain a non-finite number');
    sum = attr.values.reduce((a, b) => a + b, 0);
    gap = attr.output - (attr.baseValue + sum);
    efficient = Math.abs(gap) <= 1e-6 * (1 + Math.abs(attr.output));
    const total = attr.values.reduce((a, b) => a + Math.abs(b), 0) || 1;
    ranked = attr.features
      .map((feature, j) => ({ feature, j, value: attr.values[j] }))
      .sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.j - b.j)
      .map(({ feature, j, value }, i) => ({
        feature,
        label: displayName(feature, input.featureLabels),
        value,
        share: Math.abs(value) / total,
        rank: i + 1,
        ...(attr.inputs === undefined ? {} : { input: attr.inputs[j] }),
      }));
    Object.assign(numbers, {
      baseValue: roundSig(attr.baseValue),
      sumAttributions: roundSig(sum),
      output: roundSig(attr.output),
      efficiencyGap: roundSig(gap),
    });
    for (const r of ranked) numbers[`attribution.${r.feature}`] = roundSig(r.value);
  }
  if (gi !== undefined) {
    if (gi.mean?.length !== gi.features?.length || gi.std?.length !== gi.features.length) {
      fail('globalImportance', 'globalImportance needs features, mean and std of the same length');
    }
    gi.features.forEach((f, j) => {
      numbers[`importance.${f}`] = roundSig(gi.mean[j]);
    });
  }
  if (model?.accuracy !== undefined) numbers.accuracy = roundSig(model.accuracy);

  const cf: CounterfactualResult | undefined = input.counterfactuals;
  const counterfactuals = cf?.counterfactuals ?? [];
  if (cf !== undefined) {
    numbers.counterfactuals = counterfactuals.length;
    numbers.counterfactualThreshold = roundSig(cf.threshold);
    for (const k of ['validity', 'proximity', 'sparsity', 'diversity'] as const) {
      if (Number.isFinite(cf.metrics[k])) numbers[`counterfactual.${k}`] = roundSig(cf.metrics[k]);
    }
  }
  const labelOther = classes !== undefined && classes.length === 2 ? classes.find((c) => c !== prediction.label) : undefined;
  const desired = input.desiredLabel ?? labelOther ?? 'a different outcome';
  return { input, explains, other, ranked, sum, gap, efficient, desired, counterfactuals, topK, numbers };
}

/**
 * The outcome a signed attribution pushes towards: `explains` for φ > 0, the other outcome (or
 * "away from …") for φ < 0.
 *
 * @example
 * ```ts
 * towards(facts, -0.4); // 'approved' when the attributions explain 'declined' in a binary task
 * ```
 */
export function towards(facts: NarrativeFacts, value: number): string {
  if (value >= 0) return `towards ${facts.explains}`;
  return facts.other !== undefined ? `towards ${facts.other}` : `away from ${facts.explains}`;
}

/**
 * Whether a signed attribution supports the PREDICTED label.
 *
 * @example
 * ```ts
 * const reasons = facts.ranked.filter((r) => supportsPrediction(facts, r.value));
 * ```
 */
export function supportsPrediction(facts: NarrativeFacts, value: number): boolean {
  const label = facts.input.prediction.label;
  if (facts.explains === label) return value > 0;
  if (facts.other === label) return value < 0;
  return value > 0;
}

/**
 * The kind of a what-if change and, for a numeric one, its signed difference `to − from`.
 *
 * @example
 * ```ts
 * changeParts({ feature: 'income', from: 40_000, to: 100_000 }); // { kind: 'numeric', delta: 60000 }
 * changeParts({ feature: 'housing', from: 'rent', to: 'own' }); // { kind: 'categorical' }
 * ```
 */
export function changeParts(change: CounterfactualChange): { kind: 'numeric'; delta: number } | { kind: 'categorical' } {
  return typeof change.from === 'number' && typeof change.to === 'number' ? { kind: 'numeric', delta: change.to - change.from } : { kind: 'categorical' };
}
