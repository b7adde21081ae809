/**
 * Seeded, stratified splits: train/validation/test, k-fold, and n examples per class.
 * The same seed always gives the same split. Subsets keep the original example order.
 */
import { TransferkitError } from '../errors.ts';
import { createRng, type Rng } from '../util/random.ts';
import { subset, type Dataset } from './dataset.ts';

/**
 * Options for {@link trainValTestSplit}.
 *
 * @example
 * ```ts
 * trainValTestSplit(ds, { val: 0.15, test: 0.15, seed: 'run-1' });
 * ```
 */
export interface SplitOptions {
  /** Fraction for validation (default 0.1). */
  val?: number;
  /** Fraction for test (default 0.2). */
  test?: number;
  /** Random seed (default 0). */
  seed?: number | string;
}

/**
 * Result of {@link trainValTestSplit}.
 *
 * @example
 * ```ts
 * const { train, indices } = trainValTestSplit(ds, { seed: 1 }); // indices.train[i] is train example i's original index
 * ```
 */
export interface TrainValTest {
  train: Dataset;
  val: Dataset;
  test: Dataset;
  /** Indices into the original dataset, ascending. */
  indices: { train: number[]; val: number[]; test: number[] };
}

/**
 * One fold of {@link stratifiedKFold}.
 *
 * @example
 * ```ts
 * const [first]: Fold[] = stratifiedKFold(ds, 5, 0);
 * ```
 */
export interface Fold {
  train: Dataset;
  test: Dataset;
  /** Indices into the original dataset, ascending. */
  indices: { train: number[]; test: number[] };
}

/**
 * Result of {@link samplePerClass}.
 *
 * @example
 * ```ts
 * const { sample, rest }: PerClassSample = samplePerClass(ds, 5, 0);
 * ```
 */
export interface PerClassSample {
  /** `n` examples of every class. */
  sample: Dataset;
  /** Everything else (unlabelled examples included). */
  rest: Dataset;
  /** Indices into the original dataset, ascending. */
  indices: { sample: number[]; rest: number[] };
}

/** Example indices grouped by label (unlabelled `-1` is a group too), each group shuffled. */
function strata(ds: Dataset, rng: Rng): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  const keys = [...new Set(ds.labels)].sort((a, b) => a - b);
  for (const k of keys) groups.set(k, []);
  ds.labels.forEach((l, i) => groups.get(l)!.push(i));
  for (const g of groups.values()) rng.shuffle(g);
  return groups;
}

/**
 * How many of each group to take so each group gets `frac` of its size within one example and
 * the total is `round(frac × total)` (largest-remainder rounding), never more than `room`.
 */
function allocate(sizes: number[], room: number[], frac: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((s) => s * frac);
  const take = exact.map((e, i) => Math.min(Math.floor(e), room[i]));
  let left = Math.round(total * frac) - take.reduce((a, b) => a + b, 0);
  const order = sizes.map((_, i) => i).sort((a, b) => exact[b] - take[b] - (exact[a] - take[a]) || a - b);
  for (const i of order) {
    if (left <= 0) break;
    if (take[i] < room[i]) {
      take[i]++;
      left--;
    }
  }
  return take;
}

function checkFraction(name: string, v: number): void {
  if (!(v >= 0 && v < 1)) {
    throw new TransferkitError('BAD_OPTION', `The ${name} fraction must be at least 0 and below 1, got ${v}`, { where: `${name} option`, hint: `For example ${name}: 0.2 for 20%.` });
  }
}

const asc = (a: number[]) => a.sort((x, y) => x - y);

/**
 * Splits a dataset into train, validation and test sets, stratified by class: each class is
 * divided in the given proportions (within one example), and the set sizes are
 * `round(val × n)` and `round(test × n)`.
 *
 * @example
 * ```ts
 * const { train, val, test } = trainValTestSplit(ds, { val: 0.1, test: 0.2, seed: 42 });
 * ```
 */
export function trainValTestSplit(ds: Dataset, opts: SplitOptions = {}): TrainValTest {
  const val = opts.val ?? 0.1;
  const test = opts.test ?? 0.2;
  checkFraction('val', val);
  checkFraction('test', test);
  if (val + test >= 1) {
    throw new TransferkitError('BAD_OPTION', `val (${val}) + test (${test}) leaves nothing to train on`, { where: 'val/test options', hint: 'Keep val + test below 1, e.g. val 0.1 and test 0.2.' });
  }
  const groups = [...strata(ds, createRng(opts.seed ?? 0)).values()];
  const sizes = groups.map((g) => g.length);
  const nTest = allocate(sizes, sizes, test);
  const nVal = allocate(sizes, sizes.map((s, i) => s - nTest[i]), val);
  const idx = { train: [] as number[], val: [] as number[], test: [] as number[] };
  groups.forEach((g, i) => {
    idx.test.push(...g.slice(0, nTest[i]));
    idx.val.push(...g.slice(nTest[i], nTest[i] + nVal[i]));
    idx.train.push(...g.slice(nTest[i] + nVal[i]));
  });
  asc(idx.train);
  asc(idx.val);
  asc(idx.test);
  return { train: subset(ds, idx.train), val: subset(ds, idx.val), test: subset(ds, idx.test), indices: idx };
}

/**
 * Stratified k-fold cross-validation: every example is in the test set of exactly one fold,
 * each class is spread over the folds within one example, and fold sizes differ by at most one.
 *
 * Throws `TOO_FEW_EXAMPLES` when a class has fewer than `k` examples.
 *
 * @example
 * ```ts
 * for (const { train, test } of stratifiedKFold(ds, 5, 0)) { ... }
 * ```
 */
export function stratifiedKFold(ds: Dataset, k: number, seed: number | string = 0): Fold[] {
  if (!Number.isInteger(k) || k < 2) {
    throw new TransferkitError('BAD_OPTION', `k-fold needs a whole number of folds of at least 2, got ${k}`, { where: 'k option', hint: 'Use e.g. k = 5.' });
  }
  if (k > ds.size) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `${ds.name} has ${ds.size} examples, fewer than the ${k} folds`, { where: ds.name, hint: `Use k of at most ${ds.size}.` });
  }
  const groups = strata(ds, createRng(seed));
  for (const [label, g] of groups) {
    if (label >= 0 && g.length < k) {
      throw new TransferkitError('TOO_FEW_EXAMPLES', `Class "${ds.classes[label]}" has ${g.length} example${g.length === 1 ? '' : 's'}, fewer than the ${k} folds, so some test folds would have none of it`, {
        where: `${ds.name}, class "${ds.classes[label]}"`,
        hint: `Use k of at most ${g.length}, or add examples of "${ds.classes[label]}".`,
      });
    }
  }
  const fold = new Int32Array(ds.size);
  let pos = 0;
  for (const g of groups.values()) for (const i of g) fold[i] = pos++ % k;
  return Array.from({ length: k }, (_, f) => {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < ds.size; i++) (fold[i] === f ? test : train).push(i);
    return { train: subset(ds, train), test: subset(ds, test), indices: { train, test } };
  });
}

/**
 * Draws `n` random examples of every class (for few-shot training); the rest, including
 * unlabelled examples, go to `rest`.
 *
 * Throws `TOO_FEW_EXAMPLES` when a class has fewer than `n` examples.
 *
 * @example
 * ```ts
 * const { sample, rest } = samplePerClass(ds, 10, 1); // 10 shots per class
 * ```
 */
export function samplePerClass(ds: Dataset, n: number, seed: number | string = 0): PerClassSample {
  if (!Number.isInteger(n) || n < 1) {
    throw new TransferkitError('BAD_OPTION', `Examples per class must be a whole number of at least 1, got ${n}`, { where: 'per-class option', hint: 'Use e.g. 10.' });
  }
  const groups = strata(ds, createRng(seed));
  const picked = new Uint8Array(ds.size);
  ds.classes.forEach((name, c) => {
    const g = groups.get(c) ?? [];
    if (g.length < n) {
      throw new TransferkitError('TOO_FEW_EXAMPLES', `Class "${name}" has ${g.length} example${g.length === 1 ? '' : 's'}, fewer than the ${n} per class asked for`, {
        where: `${ds.name}, class "${name}"`,
        hint: `Ask for at most ${Math.min(...ds.classes.map((_, j) => groups.get(j)?.length ?? 0))} per class, or add examples of "${name}".`,
      });
    }
    for (const i of g.slice(0, n)) picked[i] = 1;
  });
  const sample: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < ds.size; i++) (picked[i] ? sample : rest).push(i);
  return { sample: subset(ds, sample), rest: subset(ds, rest), indices: { sample, rest } };
}
