/**
 * The negative-transfer verdict: did transfer beat training from scratch on the same data,
 * measured over seeds with a confidence interval on the paired difference?
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { comparePoints, type PairedDifference, type PairedDifferenceOptions } from '../measures/stats.ts';

/** The three outcomes of {@link transferVerdict}. */
export type VerdictKind = 'helped' | 'no-difference' | 'negative';

/**
 * How far the target is from the source, as measured by `measureSimilarity`, for naming the
 * likely cause of negative transfer.
 */
export interface ShiftSummary {
  /** Proxy A-distance between source and target base features (0 same … 2 separable). */
  pad?: number;
  /** Permutation p-value of the MMD test. */
  mmdPValue?: number;
  /** Mean top-class probability of the source model on the target inputs. */
  sourceConfidence?: number;
  /** The same on the source's own data, when known. */
  sourceConfidenceOnSource?: number;
  /** Share of the target-label entropy the source model's own predictions explain (1 − H(Y|Z)/H(Y)). */
  labelMatch?: number;
}

/** Proxy A-distance from which a shift counts as large when naming causes (a domain classifier errs on ≤ 12.5% of rows). */
export const LARGE_SHIFT_PAD = 1.5;

/** Options of {@link transferVerdict}. */
export interface VerdictOptions extends PairedDifferenceOptions {
  /** Name of the transfer strategy, e.g. `finetune`. */
  strategy?: string;
  /** Measured shift, to name a likely cause. */
  shift?: ShiftSummary;
}

/** Transfer against scratch, with the interval and the words. */
export interface TransferVerdict {
  kind: VerdictKind;
  strategy: string;
  /** Transfer − scratch in accuracy points (×100), paired by seed. */
  difference: PairedDifference;
  /** Mean accuracies (fractions) over the seeds. */
  transferAccuracy: number;
  scratchAccuracy: number;
  /** One line, e.g. "transfer helped by 14.2 ± 3.1 points". */
  text: string;
  /** Likely cause, for negative transfer or no gain under a large shift. */
  cause?: string;
}

/**
 * Compares transfer with scratch accuracies paired by seed (`transfer[i]` and `scratch[i]` trained
 * on the same examples with the same seed and scored on the same test set). The difference is in
 * points; its confidence interval (paired t for fewer than 10 seeds, bootstrap otherwise, see
 * {@link pairedDifference}) decides the verdict: above 0 → "transfer helped by X ± Y points",
 * below 0 → "negative transfer: −X ± Y points", containing 0 → "no significant difference".
 * Y is the interval's half-width. With a measured shift the likely cause is named.
 *
 * @example
 * ```ts
 * transferVerdict([0.71, 0.74, 0.70], [0.55, 0.58, 0.52], { strategy: 'finetune' }).text;
 * // 'transfer helped by 16.7 ± 2.9 points (finetune vs scratch, 95% CI over 3 seeds, paired t)'
 * ```
 */
export function transferVerdict(transfer: ArrayLike<number>, scratch: ArrayLike<number>, opts: VerdictOptions = {}): TransferVerdict {
  if (transfer.length !== scratch.length) {
    throw new TransferkitError('SHAPE_MISMATCH', `The verdict pairs runs by seed, but there are ${transfer.length} transfer and ${scratch.length} scratch results`, {
      hint: 'Run transfer and scratch with the same seeds.',
    });
  }
  const strategy = opts.strategy ?? 'transfer';
  const { difference: diff, sign, amount, how, neutral } = comparePoints(transfer, scratch, { ...opts, label: `${strategy} vs scratch` });
  const kind: VerdictKind = sign > 0 ? 'helped' : sign < 0 ? 'negative' : 'no-difference';
  const text = kind === 'helped' ? `transfer helped by ${amount} (${how})` : kind === 'negative' ? `negative transfer: −${amount} (${how})` : `no significant difference: ${neutral}`;
  const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / v.length;
  const verdict: TransferVerdict = { kind, strategy, difference: diff, transferAccuracy: mean(transfer), scratchAccuracy: mean(scratch), text };
  const cause = likelyCause(kind, opts.shift);
  if (cause) verdict.cause = cause;
  return verdict;
}

/**
 * The verdict of the best transfer strategy (largest mean gain over scratch): "did any way of
 * transferring this source help?". Negative only if even the best strategy is worse than scratch.
 *
 * @example
 * ```ts
 * headlineVerdict([extractVerdict, finetuneVerdict]).text;
 * ```
 */
export function headlineVerdict(verdicts: TransferVerdict[]): TransferVerdict {
  if (verdicts.length === 0) throw new TransferkitError('NO_RESULTS', 'No transfer strategy to judge', { hint: 'Include extract or finetune among the strategies.' });
  return verdicts.reduce((best, v) => (v.difference.mean > best.difference.mean ? v : best));
}

function likelyCause(kind: VerdictKind, shift: ShiftSummary | undefined): string | undefined {
  if (kind === 'helped') return undefined;
  const pad = shift?.pad;
  const conf = shift?.sourceConfidence;
  const facts: string[] = [];
  if (pad !== undefined) facts.push(`proxy A-distance ${pad.toFixed(2)} of 2`);
  if (shift?.mmdPValue !== undefined) facts.push(`MMD p = ${shift.mmdPValue.toFixed(3)}`);
  const measured = facts.length ? ` (${facts.join(', ')})` : '';
  if (pad !== undefined && pad >= LARGE_SHIFT_PAD) {
    return `large shift: the target looks very different from the source in the base model's feature space${measured}, so the pretrained features fit it poorly. Fine-tune all layers at a higher learning rate, pick a closer source (transferkit rank), or train from scratch.`;
  }
  if (kind === 'negative' && pad !== undefined) {
    const labels =
      shift?.labelMatch !== undefined
        ? `; the source model's own labels explain only ${(100 * shift.labelMatch).toFixed(0)}% of the target labels`
        : conf !== undefined
          ? `; the source model is ${(conf * 100).toFixed(0)}% confident on the target${shift?.sourceConfidenceOnSource !== undefined ? ` vs ${(shift.sourceConfidenceOnSource * 100).toFixed(0)}% on its own data` : ''}`
          : '';
    return `the inputs look like the source's${measured}, so the harm comes from the source model's features themselves (e.g. trained on noisy, shuffled or unrelated labels)${labels}. Build on earlier layers (\`cutAt\`), rank other sources (\`transferkit rank\`), or train from scratch.`;
  }
  if (kind === 'negative') return 'shift not measured: run transferkit advise to measure how far the target is from the source.';
  return undefined;
}
