/**
 * Class-wise hold-out on the seen classes: the folds in which a few seen classes play "unseen",
 * so that a zero-shot setting (ESZSL's ridges, the calibration of the generalised setting) can be
 * chosen without looking at any unseen class.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import type { Rng } from '../../util/random.ts';
import { varyingAttributes } from './attributes.ts';

/**
 * Up to `folds` distinct sets of `held` seen classes (sorted indices) whose signatures differ on
 * the attributes that vary over the remaining classes, so each fold is a well-posed zero-shot problem.
 *
 * @param S `z × a` signatures, row-major
 * @param purpose what the folds are for, e.g. `Tuning ESZSL` (for the error message)
 * @param hint how to do without them (for the error message)
 * @throws TransferkitError `BAD_INPUT` when no such set is found in 200 draws.
 * @example
 * ```ts
 * heldOutSets(S, 7, 21, 2, 3, createRng('tune:0'), 'Tuning ESZSL', 'Pass gamma and lambda.'); // e.g. [[1, 4], [0, 6], [2, 3]]
 * ```
 */
export function heldOutSets(S: ArrayLike<number>, z: number, a: number, held: number, folds: number, rng: Rng, purpose: string, hint: string): number[][] {
  const sets: number[][] = [];
  const drawn = new Set<string>();
  for (let tries = 0; sets.length < folds && tries < 200; tries++) {
    const out = rng.shuffle(Array.from({ length: z }, (_, c) => c)).slice(0, held).sort((p, q) => p - q);
    const key = out.join(',');
    if (drawn.has(key)) continue;
    drawn.add(key);
    const rest = Array.from({ length: z }, (_, c) => c).filter((c) => !out.includes(c));
    const used = varyingAttributes(signatureRows(S, a, rest), rest.length, a);
    const sigs = out.map((c) => used.map((j) => S[c * a + j]).join(','));
    if (new Set(sigs).size === sigs.length) sets.push(out);
  }
  if (!sets.length) throw new TransferkitError('BAD_INPUT', `${purpose} found no seen classes to hold out that the rest can tell apart`, { hint });
  return sets;
}

/**
 * The signatures of the classes `rows` (indices into the rows of `S`), in that order.
 *
 * @example
 * ```ts
 * signatureRows(Float64Array.of(1, 0, 0, 1, 1, 1), 2, [2, 0]); // Float64Array [1, 1, 1, 0]
 * ```
 */
export function signatureRows(S: ArrayLike<number>, a: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * a);
  rows.forEach((c, i) => {
    for (let j = 0; j < a; j++) out[i * a + j] = S[c * a + j];
  });
  return out;
}
