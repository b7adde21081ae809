/**
 * Test helpers for the explain suite: golden fixtures, small models, brute-force Shapley.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRng } from '../../src/util/random.ts';
import type { PredictFn } from '../../src/explain/types.ts';

/** The golden fixtures copied into the repository (test/fixtures/golden; see its README). */
export const GOLDEN_DIR = new URL('../fixtures/golden/', import.meta.url);

export function readGoldenJson<T = any>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(name, GOLDEN_DIR)), 'utf8')) as T;
}

export interface BreastCancer {
  featureNames: string[];
  X: Float64Array[];
  y: number[];
}

/** breast_cancer.csv: 30 numeric features then `target`; plain CSV without quoting. */
export function loadBreastCancer(): BreastCancer {
  const text = readFileSync(fileURLToPath(new URL('breast_cancer.csv', GOLDEN_DIR)), 'utf8').trim();
  const [header, ...lines] = text.split(/\r?\n/);
  const cols = header.split(',');
  const targetCol = cols.indexOf('target');
  const X: Float64Array[] = [];
  const y: number[] = [];
  for (const line of lines) {
    const v = line.split(',').map(Number);
    y.push(v[targetCol]);
    X.push(Float64Array.from(v.filter((_, j) => j !== targetCol)));
  }
  return { featureNames: cols.filter((_, j) => j !== targetCol), X, y };
}

/** f(x) = w·x + b as a batched PredictFn. */
export function linearModel(w: ArrayLike<number>, b = 0): PredictFn {
  return (rows) =>
    rows.map((r) => {
      let s = b;
      for (let j = 0; j < w.length; j++) s += w[j] * r[j];
      return s;
    });
}

export type ScalarFn = (r: ArrayLike<number>) => number;

export function batched(f: ScalarFn): PredictFn {
  return (rows) => rows.map(f);
}

/** A random nonlinear function of M inputs: products, max, thresholds, plus a linear part. */
export function randomNonlinear(M: number, seed: number): ScalarFn {
  const rng = createRng(seed);
  const lin = Array.from({ length: M }, () => rng.normal());
  const terms: ScalarFn[] = [];
  for (let t = 0; t < M; t++) {
    const i = rng.int(M);
    const j = rng.int(M);
    const k = rng.int(M);
    const c = rng.normal();
    const th = rng.normal();
    const kind = t % 3;
    if (kind === 0) terms.push((r) => c * r[i] * r[j] * r[k]);
    else if (kind === 1) terms.push((r) => c * Math.max(r[i], r[j] + th));
    else terms.push((r) => (r[i] > th ? c : 0) * (r[j] > -th ? 1 : r[k]));
  }
  return (r) => {
    let s = 0;
    for (let j = 0; j < M; j++) s += lin[j] * r[j];
    for (const t of terms) s += t(r);
    return s;
  };
}

export function randomRows(n: number, d: number, seed: number): Float64Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Float64Array.from({ length: d }, () => rng.normal()));
}

/**
 * Brute-force Shapley values by averaging marginal contributions over all M! player orders, with
 * v(S) computed straight from the definition (independent of src/explain).
 */
export function bruteForceShapley(
  f: ScalarFn,
  x: ArrayLike<number>,
  bg: ArrayLike<number>[],
  weights: number[] | undefined,
  groups?: number[][],
): { base: number; phi: number[] } {
  const d = x.length;
  const players = groups ?? Array.from({ length: d }, (_, j) => [j]);
  const M = players.length;
  const wts = weights ?? bg.map(() => 1 / bg.length);
  const wSum = wts.reduce((a, b) => a + b, 0);
  const cache = new Map<string, number>();
  const v = (inS: boolean[]): number => {
    const key = inS.map((b) => (b ? 1 : 0)).join('');
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let s = 0;
    bg.forEach((b, k) => {
      const z = Array.from(b);
      players.forEach((g, p) => {
        if (inS[p]) for (const j of g) z[j] = x[j];
      });
      s += (wts[k] / wSum) * f(z);
    });
    cache.set(key, s);
    return s;
  };
  const phi = new Array<number>(M).fill(0);
  let count = 0;
  const perm = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) {
      count++;
      const inS = new Array<boolean>(M).fill(false);
      let prev = v(inS);
      for (const p of prefix) {
        inS[p] = true;
        const cur = v(inS);
        phi[p] += cur - prev;
        prev = cur;
      }
      return;
    }
    rest.forEach((p, i) => perm([...prefix, p], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  perm([], Array.from({ length: M }, (_, i) => i));
  return { base: v(new Array<boolean>(M).fill(false)), phi: phi.map((s) => s / count) };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
