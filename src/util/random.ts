import seedrandom from 'seedrandom';

/**
 * A seeded source of random numbers; the same seed gives the same sequence.
 *
 * @example
 * ```ts
 * const rng: Rng = createRng(1);
 * rng.shuffle([1, 2, 3]);
 * ```
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal sample (Box–Muller). */
  normal(): number;
  /** Shuffles `arr` in place (Fisher–Yates) and returns it. */
  shuffle<T>(arr: T[]): T[];
  /** A 31-bit integer, handy as a seed for another generator (e.g. tf initialisers). */
  seed(): number;
}

/**
 * Creates a seeded random number generator.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * const order = rng.shuffle([0, 1, 2, 3]);
 * ```
 */
export function createRng(seed: number | string): Rng {
  const r = seedrandom(String(seed));
  const next = () => r.quick();
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle<T>(arr: T[]): T[] {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [arr[i], arr[j]] = [arr[j], arr[i]];
      }
      return arr;
    },
    seed: () => Math.floor(next() * 2147483647),
  };
}

/**
 * Makes `Math.random` a seeded generator until the returned function is called.
 *
 * TensorFlow.js draws unseeded initialisers and dropout masks from `Math.random`; seeding it
 * for the length of a training run makes the run repeatable (same seed, same metrics) while
 * still giving every dropout call a fresh mask.
 *
 * @example
 * ```ts
 * const restore = seedMathRandom(7);
 * try { await train(); } finally { restore(); }
 * ```
 */
export function seedMathRandom(seed: number | string): () => void {
  const original = Math.random;
  const r = seedrandom(`math:${seed}`);
  Math.random = () => r.quick();
  return () => {
    Math.random = original;
  };
}
