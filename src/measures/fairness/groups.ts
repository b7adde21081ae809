/**
 * Splitting examples into groups by one or more sensitive features; with several features the
 * groups are their intersections (tuples such as `female & black`).
 */
import { TransferkitError } from '../../errors.ts';

/**
 * One group: its value of every sensitive feature and the rows that belong to it.
 *
 * @example
 * ```ts
 * const g: SensitiveGroup = { key: ['female', 'black'], label: 'female & black', rows: Int32Array.of(0, 4) };
 * ```
 */
export interface SensitiveGroup {
  /** The group's value of each sensitive feature, in feature order. */
  key: string[];
  /** The values joined with ` & ` (`female & black`); the value itself for one feature. */
  label: string;
  /** Row indices of its members, ascending. */
  rows: Int32Array;
}

/**
 * The groups of a dataset under one or more sensitive features.
 *
 * @example
 * ```ts
 * const g: Grouping = groupBy({ sex: ['f', 'm', 'f'] }); // groups f (rows 0, 2) and m (row 1)
 * ```
 */
export interface Grouping {
  /** The sensitive feature names, in order. */
  features: string[];
  /** Non-empty groups, sorted by key (numbers in natural order). */
  groups: SensitiveGroup[];
  /** Number of rows grouped. */
  size: number;
}

/** The separator of intersection labels. */
export const GROUP_SEPARATOR = ' & ';

const natural = new Intl.Collator('en', { numeric: true });

/**
 * Groups rows by the values of the sensitive features (their intersections when several);
 * intersections with no members are left out. Values are compared as strings.
 *
 * @example
 * ```ts
 * const { groups } = groupBy({ sex: ['f', 'm', 'f', 'm'], race: ['a', 'a', 'b', 'a'] });
 * groups.map((g) => g.label); // ['f & a', 'f & b', 'm & a']
 * ```
 */
export function groupBy(sensitive: Record<string, ArrayLike<string | number>>): Grouping {
  const features = Object.keys(sensitive);
  if (features.length === 0) {
    throw new TransferkitError('MISSING_OPTION', 'No sensitive feature was given', { where: 'sensitive features', hint: 'Name at least one column that holds the group of each example, e.g. sensitive: ["sex"].' });
  }
  const n = sensitive[features[0]].length;
  for (const f of features) {
    if (sensitive[f].length !== n) {
      throw new TransferkitError('SHAPE_MISMATCH', `Sensitive feature "${f}" has ${sensitive[f].length} values, "${features[0]}" has ${n}`, {
        where: `sensitive feature "${f}"`,
        hint: 'Give every sensitive feature one value per example.',
      });
    }
  }
  const byLabel = new Map<string, { key: string[]; rows: number[] }>();
  for (let i = 0; i < n; i++) {
    const key = features.map((f) => String(sensitive[f][i]));
    const label = key.join(GROUP_SEPARATOR);
    let g = byLabel.get(label);
    if (!g) byLabel.set(label, (g = { key, rows: [] }));
    g.rows.push(i);
  }
  const groups = [...byLabel.entries()].map(([label, g]) => ({ key: g.key, label, rows: Int32Array.from(g.rows) }));
  groups.sort((a, b) => {
    for (let j = 0; j < features.length; j++) {
      const c = natural.compare(a.key[j], b.key[j]);
      if (c !== 0) return c;
    }
    return 0;
  });
  return { features, groups, size: n };
}

/**
 * Finds the group a user named: its label (`no`, `female & black`), or `feature=value` pairs
 * joined by commas (`sex=female,race=black`). Returns `undefined` when none matches.
 *
 * @example
 * ```ts
 * findGroup(grouping, 'sex=f,race=a')?.label; // 'f & a'
 * ```
 */
export function findGroup(grouping: Grouping, name: string): SensitiveGroup | undefined {
  const direct = grouping.groups.find((g) => g.label === name);
  if (direct) return direct;
  if (!name.includes('=')) return undefined;
  const want = new Map<string, string>();
  for (const part of name.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    want.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  if (want.size !== grouping.features.length || grouping.features.some((f) => !want.has(f))) return undefined;
  return grouping.groups.find((g) => g.key.every((v, j) => v === want.get(grouping.features[j])));
}
