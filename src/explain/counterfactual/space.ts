/**
 * The search space of a counterfactual search: for every feature, which values a CHANGED feature
 * may take (domain ∩ permitted range, on the step grid) and how distances are scaled.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import type { Rng } from '../../util/random.ts';
import type { CounterfactualOptions, FeatureDomain, FeatureValue, RawRow } from './types.ts';

/**
 * A numeric feature: permitted values are `base + k·unit` for integers `k` in `[kMin, kMax]`
 * (`unit` = the domain's `step`, or a round 1/1000-or-finer share of the permitted width).
 *
 * @example
 * ```ts
 * const a: NumericAxis = { kind: 'numeric', name: 'n', index: 0, mutable: true, scale: 10, base: 0, unit: 1, kMin: 0, kMax: 10, lo: 0, hi: 10 };
 * ```
 */
export interface NumericAxis {
  kind: 'numeric';
  name: string;
  index: number;
  /** False when the feature is held at the query's value. */
  mutable: boolean;
  /** Distance scale: the domain's `mad` when given, else `max − min` (1 when that is 0). */
  scale: number;
  base: number;
  unit: number;
  kMin: number;
  kMax: number;
  /** Permitted interval (domain ∩ permitted range). */
  lo: number;
  hi: number;
}

/**
 * A categorical feature: a changed value must be one of `allowed`.
 *
 * @example
 * ```ts
 * const a: CategoricalAxis = { kind: 'categorical', name: 'c', index: 1, mutable: true, allowed: ['a', 'b'] };
 * ```
 */
export interface CategoricalAxis {
  kind: 'categorical';
  name: string;
  index: number;
  mutable: boolean;
  allowed: string[];
}

/**
 * One feature of a {@link SearchSpace}.
 *
 * @example
 * ```ts
 * const isNum = (a: Axis) => a.kind === 'numeric';
 * ```
 */
export type Axis = NumericAxis | CategoricalAxis;

/**
 * The resolved search space around the query `x`.
 *
 * @example
 * ```ts
 * const space = resolveSearchSpace(domains, x, { immutable: ['age'] });
 * space.mutable; // indices of the features the search may change
 * ```
 */
export interface SearchSpace {
  axes: Axis[];
  /** Copy of the query row. */
  x: RawRow;
  /** Indices of features that may change. */
  mutable: number[];
  /** Names of features held fixed. */
  heldFixed: string[];
  warnings: string[];
}

const round12 = (v: number): number => Number(v.toPrecision(12));

/** A round unit (1, 2 or 5 × 10^e) no larger than `width / 1000`. */
function niceUnit(width: number): number {
  const raw = width / 1000;
  const e = Math.floor(Math.log10(raw));
  const p = 10 ** e;
  const m = raw / p;
  return round12((m >= 5 ? 5 : m >= 2 ? 2 : 1) * p);
}

function badDomain(j: number, message: string, hint?: string): TransferkitError {
  return new TransferkitError('BAD_OPTION', `domains[${j}]: ${message}`, { where: `domains[${j}]`, hint });
}

/**
 * Validates the domains, the query and the constraint options and resolves them into a
 * {@link SearchSpace}. Throws `BAD_OPTION`, `UNKNOWN_FEATURE` or `BAD_INPUT`/`SHAPE_MISMATCH`
 * (for the query) with a hint.
 *
 * @example
 * ```ts
 * const space = resolveSearchSpace(
 *   [{ name: 'income', kind: 'numeric', min: 0, max: 1e5, step: 100 }, { name: 'home', kind: 'categorical', categories: ['own', 'rent'] }],
 *   [40_000, 'rent'],
 *   { permittedRanges: { income: [30_000, 60_000] } },
 * );
 * ```
 */
export function resolveSearchSpace(
  domains: readonly FeatureDomain[],
  x: readonly FeatureValue[],
  opts: Pick<CounterfactualOptions, 'permittedRanges' | 'immutable'> = {},
): SearchSpace {
  if (!Array.isArray(domains) || domains.length === 0) {
    throw new TransferkitError('BAD_OPTION', 'domains is empty', { where: 'domains', hint: 'Describe every feature of the row with a FeatureDomain.' });
  }
  const names = new Map<string, number>();
  domains.forEach((d, j) => {
    if (typeof d?.name !== 'string' || d.name === '') throw badDomain(j, 'has no name');
    if (names.has(d.name)) throw badDomain(j, `the name "${d.name}" is also used by domains[${names.get(d.name)}]`, 'Feature names must be unique.');
    names.set(d.name, j);
  });
  const known = (): string => [...names.keys()].join(', ');
  if (!Array.isArray(x) || x.length !== domains.length) {
    throw new TransferkitError('SHAPE_MISMATCH', `x has ${Array.isArray(x) ? x.length : 'no'} values but ${domains.length} domains were given`, {
      where: 'x',
      hint: `Give one value per feature, in this order: ${known()}.`,
    });
  }
  const permitted = opts.permittedRanges ?? {};
  for (const key of Object.keys(permitted)) {
    if (!names.has(key)) {
      throw new TransferkitError('UNKNOWN_FEATURE', `permittedRanges names "${key}", which is not a feature`, { where: 'permittedRanges', hint: `Features: ${known()}.` });
    }
  }
  const immutable = new Set<string>();
  for (const name of opts.immutable ?? []) {
    if (!names.has(name)) {
      throw new TransferkitError('UNKNOWN_FEATURE', `immutable names "${name}", which is not a feature`, { where: 'immutable', hint: `Features: ${known()}.` });
    }
    immutable.add(name);
  }
  const warnings: string[] = [];
  const axes: Axis[] = domains.map((d, j): Axis => {
    const v = x[j];
    const fixed = d.immutable === true || immutable.has(d.name);
    const range = permitted[d.name];
    if (d.kind === 'numeric') {
      if (!Number.isFinite(d.min) || !Number.isFinite(d.max) || d.min > d.max) throw badDomain(j, `"${d.name}" needs finite min ≤ max, got [${d.min}, ${d.max}]`);
      if (d.step !== undefined && !(Number.isFinite(d.step) && d.step > 0)) throw badDomain(j, `"${d.name}" has step ${d.step}; it must be > 0`);
      if (d.mad !== undefined && !(Number.isFinite(d.mad) && d.mad >= 0)) throw badDomain(j, `"${d.name}" has mad ${d.mad}; it must be ≥ 0`);
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new TransferkitError('BAD_INPUT', `x[${j}] ("${d.name}") is ${JSON.stringify(v)}; a numeric feature needs a finite number`, { where: `x[${j}]` });
      }
      if (v < d.min || v > d.max) warnings.push(`The query's ${d.name} (${v}) is outside its domain [${d.min}, ${d.max}].`);
      let lo = d.min;
      let hi = d.max;
      if (range !== undefined) {
        const [a, b] = range as readonly unknown[];
        if (range.length !== 2 || typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b) || a > b) {
          throw new TransferkitError('BAD_OPTION', `permittedRanges.${d.name} must be [min, max] with min ≤ max`, { where: `permittedRanges.${d.name}` });
        }
        lo = Math.max(lo, a);
        hi = Math.min(hi, b);
      }
      const scale = d.mad !== undefined && d.mad > 0 ? d.mad : d.max > d.min ? d.max - d.min : 1;
      let base: number;
      let unit: number;
      if (d.step !== undefined) {
        base = d.min;
        unit = d.step;
      } else if (hi > lo) {
        base = 0;
        unit = niceUnit(hi - lo);
      } else {
        base = lo;
        unit = 1;
      }
      const kMin = Math.ceil((lo - base) / unit - 1e-9);
      const kMax = Math.floor((hi - base) / unit + 1e-9);
      const axis: NumericAxis = { kind: 'numeric', name: d.name, index: j, mutable: !fixed, scale, base, unit, kMin, kMax, lo, hi };
      if (!fixed) {
        const others = kMax - kMin + 1 - (kMin <= kMax && isPermitted(axis, v) ? 1 : 0);
        if (kMin > kMax || others <= 0) {
          axis.mutable = false;
          warnings.push(`${d.name} has no permitted value other than the query's; it is held fixed.`);
        }
      }
      return axis;
    }
    if (d.kind !== 'categorical') throw badDomain(j, `"${(d as { name: string }).name}" has kind ${JSON.stringify((d as { kind: unknown }).kind)}`, "Use kind 'numeric' or 'categorical'.");
    const rawCats: unknown = d.categories;
    if (!Array.isArray(rawCats) || rawCats.length === 0 || rawCats.some((c: unknown) => typeof c !== 'string')) {
      throw badDomain(j, `"${d.name}" needs a non-empty list of category strings`);
    }
    const categories: readonly string[] = d.categories;
    if (typeof v !== 'string') {
      throw new TransferkitError('BAD_INPUT', `x[${j}] ("${d.name}") is ${JSON.stringify(v)}; a categorical feature needs a string`, { where: `x[${j}]` });
    }
    if (!categories.includes(v)) warnings.push(`The query's ${d.name} ("${v}") is not one of its categories.`);
    let allowed = [...new Set(categories)];
    if (range !== undefined) {
      const list: unknown = range;
      if (!Array.isArray(list) || list.some((c: unknown) => typeof c !== 'string' || !categories.includes(c))) {
        throw new TransferkitError('BAD_OPTION', `permittedRanges.${d.name} must list categories of ${d.name}`, {
          where: `permittedRanges.${d.name}`,
          hint: `Categories: ${categories.join(', ')}.`,
        });
      }
      const set = new Set(list as readonly string[]);
      allowed = allowed.filter((c) => set.has(c));
    }
    const axis: CategoricalAxis = { kind: 'categorical', name: d.name, index: j, mutable: !fixed, allowed };
    if (!fixed && !allowed.some((c) => c !== v)) {
      axis.mutable = false;
      warnings.push(`${d.name} has no permitted category other than the query's; it is held fixed.`);
    }
    return axis;
  });
  return {
    axes,
    x: [...x],
    mutable: axes.filter((a) => a.mutable).map((a) => a.index),
    heldFixed: axes.filter((a) => !a.mutable).map((a) => a.name),
    warnings,
  };
}

/**
 * The value of grid point `k` of a numeric axis (rounded to 12 significant digits, kept in range).
 *
 * @example
 * ```ts
 * valueAt({ kind: 'numeric', name: 'n', index: 0, mutable: true, scale: 1, base: 0, unit: 0.1, kMin: 0, kMax: 10, lo: 0, hi: 1 }, 3); // 0.3
 * ```
 */
export function valueAt(axis: NumericAxis, k: number): number {
  return Math.min(axis.hi, Math.max(axis.lo, round12(axis.base + k * axis.unit)));
}

/**
 * Position of `v` on a numeric axis's grid (fractional when `v` is off the grid).
 *
 * @example
 * ```ts
 * gridPosition(axis, axis.base + 2.5 * axis.unit); // 2.5
 * ```
 */
export function gridPosition(axis: NumericAxis, v: number): number {
  return (v - axis.base) / axis.unit;
}

/**
 * Whether `v` is a permitted value for a CHANGED feature: in range and on the grid (numeric), or
 * one of the allowed categories.
 *
 * @example
 * ```ts
 * isPermitted(categoricalAxis, 'own'); // true when 'own' is allowed
 * ```
 */
export function isPermitted(axis: Axis, v: FeatureValue): boolean {
  if (axis.kind === 'categorical') return typeof v === 'string' && axis.allowed.includes(v);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < axis.lo || v > axis.hi) return false;
  const k = gridPosition(axis, v);
  return Math.abs(k - Math.round(k)) < 1e-6;
}

/**
 * Whether two values of one feature are the same (numbers within a relative 1e-12).
 *
 * @example
 * ```ts
 * sameValue(0.1 + 0.2, 0.3); // true
 * ```
 */
export function sameValue(a: FeatureValue, b: FeatureValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
}

/**
 * Draws a permitted value for a mutable feature: uniformly over its permitted values, or (with
 * `spread` in (0, 1]) a Gaussian step around `around` of `spread` × the permitted width.
 *
 * @example
 * ```ts
 * const v = sampleValue(axis, rng);            // anywhere
 * const w = sampleValue(axis, rng, 42, 0.1);   // near 42
 * ```
 */
export function sampleValue(axis: Axis, rng: Rng, around?: FeatureValue, spread?: number): FeatureValue {
  if (axis.kind === 'categorical') return axis.allowed[rng.int(axis.allowed.length)];
  const n = axis.kMax - axis.kMin + 1;
  if (around === undefined || spread === undefined || typeof around !== 'number') return valueAt(axis, axis.kMin + rng.int(n));
  const k = Math.round(gridPosition(axis, around) + rng.normal() * spread * n);
  return valueAt(axis, Math.min(axis.kMax, Math.max(axis.kMin, k)));
}
