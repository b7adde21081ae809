/**
 * The transferability scores `rankSources` and `transferkit rank` offer, in the order they are
 * reported. To add one: a file beside this one exporting a {@link TransferabilityScore} (the
 * numerics in `measures/`), one line in the list below, and its known values in a test
 * (`test/choose/transferability.test.ts` asserts the list).
 *
 * @module
 */
import { H_SCORE } from './h-score.ts';
import { LEEP } from './leep.ts';
import { LOGME } from './logme.ts';
import { NCE } from './nce.ts';
import type { TransferabilityScore } from './score.ts';

/**
 * Every transferability score.
 *
 * @example
 * ```ts
 * for (const s of TRANSFERABILITY_SCORES) console.log(`${s.name}: ${s.title} (${s.reference}), reads ${s.reads}`);
 * ```
 */
export const TRANSFERABILITY_SCORES: readonly TransferabilityScore[] = Object.freeze([LOGME, LEEP, H_SCORE, NCE]);

/**
 * The score of a name.
 *
 * @example
 * ```ts
 * transferabilityScore('logme')?.title; // 'LogME'
 * ```
 */
export function transferabilityScore(name: string): TransferabilityScore | undefined {
  return TRANSFERABILITY_SCORES.find((s) => s.name === name);
}
