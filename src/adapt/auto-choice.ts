/**
 * `auto`'s "do no harm" rule: a candidate replaces `source-only` only when the evidence is clear.
 *
 * Every validator is an estimate from finite data, and the best-scoring candidate of one
 * validator is often better than `source-only` by less than that validator's own noise. So
 * `auto` compares every candidate with `source-only` on the same rows (a paired margin) and
 * keeps `source-only` unless
 *
 * 1. **margin**: the chosen validator prefers the candidate to `source-only` by more than `z`
 *    (default 2) standard errors of that margin — DEV's standard error is the closed form of its
 *    control-variate estimate ({@link devDifference}), entropy's the standard error of a mean over
 *    target rows, IM's a seeded paired bootstrap over target rows; SND has none, so it never
 *    clears this bar alone — and among the candidates that clear it, the validator's best wins; or
 * 2. **agreement**: at least `agree` validators (default 3; all of them when fewer ran) choose the
 *    same candidate, the deciding validator among them. (Entropy, IM and SND all reward confident
 *    target predictions — self-training always sharpens them — so their agreement without the
 *    deciding validator is not counted as independent evidence.)
 *
 * When the validators choose different candidates the decision names that risk, with how often
 * the candidates' target predictions differ from `source-only`'s (a label-free measure of how
 * much is at stake).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { createRng } from '../util/random.ts';
import { devDifference, informationMaximization, type CandidateEvidence, type ValidatorChoice, type ValidatorName } from './validators.ts';

/** The candidate name `auto` falls back to. */
export const BASELINE = 'source-only';

/**
 * One validator's paired margin of a candidate over `source-only`: `gain` > 0 means the validator
 * prefers the candidate; `se` is the standard error of `gain` (`null`: the validator has no noise
 * estimate); `z` = gain / se.
 *
 * @example
 * ```ts
 * const m: ValidatorMargin = { validator: 'dev', candidate: 'reweight', gain: 0.004, se: 0.006, z: 0.67 };
 * ```
 */
export interface ValidatorMargin {
  validator: ValidatorName;
  candidate: string;
  gain: number;
  se: number | null;
  z: number | null;
}

/**
 * Why `auto` chose what it chose.
 *
 * @example
 * ```ts
 * const d: AutoDecision = r.decision!;
 * if (d.rule === 'kept') console.log(d.reason);
 * ```
 */
export interface AutoDecision {
  /** The method `auto` trains on all the source. */
  chosen: string;
  /** The chosen validator's best candidate (what `auto` chose before this rule). */
  proposed: string;
  /**
   * `margin`: the validator's margin over `source-only` exceeds `z` standard errors;
   * `agreement`: enough validators chose it; `source-only-best`: the validator itself prefers
   * `source-only`; `kept`: the evidence was not clear, `source-only` kept;
   * `no-baseline`: `source-only` was not a candidate, so the validator's choice stands.
   */
  rule: 'margin' | 'agreement' | 'source-only-best' | 'kept' | 'no-baseline';
  /** One or two sentences. */
  reason: string;
  /** The validator that decides (and whose margins count). */
  validator: ValidatorName;
  /** The number of standard errors a margin must exceed. */
  z: number;
  /** How many validators must choose the same candidate. */
  agree: number;
  /** Every validator's margin of every candidate over `source-only`. */
  margins: ValidatorMargin[];
  /** Each validator's choice. */
  choices: Partial<Record<ValidatorName, string>>;
  /** Share of target rows on which each candidate's predicted class differs from `source-only`'s. */
  targetDisagreement: Record<string, number>;
  /** Set when the validators choose different candidates: what could go wrong, in words. */
  risk?: string;
}

/**
 * Options of {@link decideAuto}.
 *
 * @example
 * ```ts
 * decideAuto(evidence, choices, { validator: 'dev', z: 2, agree: 3, seed: 0 });
 * ```
 */
export interface DecideOptions {
  /** The validator that decides (default `dev`). */
  validator?: ValidatorName;
  /** Standard errors a margin must exceed (default 2). */
  z?: number;
  /** Validators that must choose the same candidate (default 3, at most the number that ran). */
  agree?: number;
  /** Bootstrap replicates for IM's standard error (default 200). */
  bootstrap?: number;
  seed?: number | string;
}

/**
 * Applies the rule of this module to the candidates' evidence and the validators' choices.
 *
 * @throws TransferkitError `BAD_OPTION` when the deciding validator is not among `choices`.
 * @example
 * ```ts
 * const choices = validateCandidates(evidence, { seed: 0 });
 * const d = decideAuto(evidence, choices, { validator: 'dev', seed: 0 });
 * console.log(d.chosen, d.reason);
 * ```
 */
export function decideAuto(evidence: readonly CandidateEvidence[], choices: readonly ValidatorChoice[], opts: DecideOptions = {}): AutoDecision {
  const validator = opts.validator ?? 'dev';
  const z = opts.z ?? 2;
  const primary = choices.find((c) => c.validator === validator);
  if (!primary) throw new TransferkitError('BAD_OPTION', `The ${validator} validator did not score the candidates`, { hint: 'Choose a validator that ran (DEV needs held-out source rows).' });
  const agree = Math.min(opts.agree ?? 3, choices.length);
  const proposed = primary.chosen;
  const choiceOf = Object.fromEntries(choices.map((c) => [c.validator, c.chosen])) as Partial<Record<ValidatorName, string>>;
  const base = evidence.find((e) => e.name === BASELINE);
  const common = { proposed, validator, z, agree, choices: choiceOf };
  const choiceList = choices.map((c) => `${c.validator} → ${c.chosen}`).join(', ');
  const disagree = new Set(choices.map((c) => c.chosen)).size > 1;
  if (!base) {
    return {
      ...common,
      chosen: proposed,
      rule: 'no-baseline',
      reason: `${validator} chose ${proposed}; source-only was not a candidate, so there was nothing to keep (add it to the candidates for the do-no-harm rule)`,
      margins: [],
      targetDisagreement: {},
      risk: disagree ? `the validators disagree (${choiceList}); nothing checks the choice against source-only` : undefined,
    };
  }
  const margins: ValidatorMargin[] = [];
  for (const choice of choices) {
    for (const e of evidence) {
      if (e.name === BASELINE || !(e.name in choice.scores)) continue;
      margins.push(validatorMargin(choice, e, base, opts));
    }
  }
  const targetDisagreement = Object.fromEntries(evidence.map((e) => [e.name, disagreement(e, base)]));
  const marginOf = (c: string, v: ValidatorName = validator) => margins.find((m) => m.validator === v && m.candidate === c);
  const better = (a: string, b: string) => (primary.better === 'lower' ? primary.scores[a] < primary.scores[b] : primary.scores[a] > primary.scores[b]);
  const clear = margins.filter((m) => m.validator === validator && m.z !== null && m.z > z).map((m) => m.candidate);
  const counts = new Map<string, ValidatorName[]>();
  for (const c of choices) counts.set(c.chosen, [...(counts.get(c.chosen) ?? []), c.validator]);
  // entropy, IM and SND all reward confident target predictions, so their agreement alone is not independent evidence: the deciding validator must be among those that agree
  const agreed = [...counts.entries()].filter(([c, vs]) => c !== BASELINE && vs.length >= agree && vs.includes(validator) && (marginOf(c)?.gain ?? 0) > 0).map(([c]) => c);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const describe = (m: ValidatorMargin | undefined) =>
    !m ? 'no margin' : m.se === null ? `${fmt(m.gain)} (no noise estimate)` : `${fmt(m.gain)} ± ${fmt(m.se)} (${m.z!.toFixed(1)} standard errors)`;
  let chosen: string;
  let rule: AutoDecision['rule'];
  let reason: string;
  if (proposed === BASELINE) {
    chosen = BASELINE;
    rule = 'source-only-best';
    reason = `${validator} scores source-only best of the candidates`;
  } else if (clear.length > 0) {
    chosen = clear.reduce((a, b) => (better(b, a) ? b : a));
    rule = 'margin';
    reason = `${validator} prefers ${chosen} to source-only by ${describe(marginOf(chosen))}, more than the ${z} needed`;
  } else if (agreed.length > 0) {
    chosen = agreed.reduce((a, b) => ((counts.get(b)!.length > counts.get(a)!.length || (counts.get(b)!.length === counts.get(a)!.length && better(b, a))) ? b : a));
    rule = 'agreement';
    reason = `${counts.get(chosen)!.length} validators (${counts.get(chosen)!.join(', ')}) chose ${chosen}, and ${validator} prefers it to source-only (by ${describe(marginOf(chosen))})`;
  } else {
    chosen = BASELINE;
    rule = 'kept';
    const n = counts.get(proposed)?.length ?? 0;
    reason =
      `kept source-only: ${validator} prefers ${proposed} by ${describe(marginOf(proposed))}, within its noise (${z} standard errors needed), ` +
      `and ${n} of ${choices.length} validators chose it (${agree}, ${validator} among them, needed)`;
  }
  let risk: string | undefined;
  if (disagree) {
    const others = [...new Set(choices.map((c) => c.chosen))].filter((c) => c !== chosen && c !== BASELINE);
    const differ = others.map((c) => `${c} ${pct(targetDisagreement[c] ?? 0)}`).join(', ');
    risk =
      `the validators disagree (${choiceList}): without target labels nothing says which is right. ` +
      (chosen === BASELINE
        ? `The candidates they chose would change the predicted class of this share of target rows: ${differ || 'none'}.`
        : `${chosen} changes the predicted class of ${pct(targetDisagreement[chosen] ?? 0)} of target rows from source-only's${differ ? `; the other choices: ${differ}` : ''}.`) +
      ' Check on a few labelled target examples (`targetLabels`, `test`) before relying on it.';
  }
  return { ...common, chosen, rule, reason, margins, targetDisagreement, risk };
}

/**
 * One validator's paired margin of `cand` over `base` (positive: the validator prefers `cand`),
 * with its standard error where the validator has one.
 *
 * @example
 * ```ts
 * validatorMargin(devChoice, reweightEvidence, sourceOnlyEvidence, { seed: 0 }); // { gain, se, z, … }
 * ```
 */
export function validatorMargin(choice: ValidatorChoice, cand: CandidateEvidence, base: CandidateEvidence, opts: { bootstrap?: number; seed?: number | string } = {}): ValidatorMargin {
  const sign = choice.better === 'lower' ? 1 : -1;
  const gain = sign * (choice.scores[base.name] - choice.scores[cand.name]);
  let se: number | null = null;
  if (choice.validator === 'dev' && cand.sourceVal && base.sourceVal) {
    const v = cand.sourceVal;
    se = devDifference(v.probs, base.sourceVal.probs, v.labels, v.weights, cand.k).se;
  } else if (choice.validator === 'entropy') {
    se = pairedMeanSe(rowEntropies(base.targetProbs, base.k), rowEntropies(cand.targetProbs, cand.k));
  } else if (choice.validator === 'im') {
    se = imBootstrapSe(cand.targetProbs, base.targetProbs, cand.k, opts.bootstrap ?? 200, `${opts.seed ?? 0}:im:${cand.name}`);
  }
  return { validator: choice.validator, candidate: cand.name, gain, se, z: se === null ? null : se > 0 ? gain / se : gain > 0 ? Infinity : gain < 0 ? -Infinity : 0 };
}

/** Share of target rows whose predicted class (argmax) differs between two candidates. */
function disagreement(a: CandidateEvidence, b: CandidateEvidence): number {
  const k = a.k;
  const n = a.targetProbs.length / k;
  let d = 0;
  for (let i = 0; i < n; i++) if (argmax(a.targetProbs, i, k) !== argmax(b.targetProbs, i, k)) d++;
  return n > 0 ? d / n : 0;
}

function argmax(p: ArrayLike<number>, i: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
  return best;
}

function rowEntropies(p: ArrayLike<number>, k: number): Float64Array {
  const n = p.length / k;
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) if (p[i * k + c] > 0) h[i] -= p[i * k + c] * Math.log(p[i * k + c]);
  return h;
}

/** Standard error of mean(a − b). */
function pairedMeanSe(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  if (n < 2) return 0;
  let m = 0;
  for (let i = 0; i < n; i++) m += (a[i] - b[i]) / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (a[i] - b[i] - m) ** 2 / (n - 1);
  return Math.sqrt(v / n);
}

/** Seeded paired bootstrap over target rows of IM(base) − IM(cand). */
function imBootstrapSe(cand: ArrayLike<number>, base: ArrayLike<number>, k: number, reps: number, seed: string): number {
  const n = cand.length / k;
  if (n < 2 || reps < 2) return 0;
  const rng = createRng(seed);
  const pc = new Float64Array(n * k);
  const pb = new Float64Array(n * k);
  const stats = new Float64Array(reps);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      for (let c = 0; c < k; c++) {
        pc[i * k + c] = cand[j * k + c];
        pb[i * k + c] = base[j * k + c];
      }
    }
    stats[r] = informationMaximization(pb, k) - informationMaximization(pc, k);
  }
  let m = 0;
  for (const s of stats) m += s / reps;
  let v = 0;
  for (const s of stats) v += (s - m) ** 2 / (reps - 1);
  return Math.sqrt(v);
}

function fmt(x: number): string {
  return Math.abs(x) >= 0.01 ? x.toFixed(4) : x.toPrecision(2);
}
