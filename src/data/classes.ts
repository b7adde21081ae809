/**
 * Class-name helpers shared by the loaders: natural ordering and label encoding.
 */

/**
 * Compares two strings in "natural" order: runs of digits compare by numeric value,
 * everything else by code unit, so `'2' < '10'` and `'class2' < 'class10'`.
 * Independent of the machine's locale, so the order is the same everywhere.
 *
 * @example
 * ```ts
 * ['10', '2', '1'].sort(naturalCompare); // ['1', '2', '10']
 * ```
 */
export function naturalCompare(a: string, b: string): number {
  const ca = chunks(a);
  const cb = chunks(b);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i];
    const y = cb[i];
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = x.replace(/^0+(?=\d)/, '');
      const ny = y.replace(/^0+(?=\d)/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length; // '01' after '1'
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  if (ca.length !== cb.length) return ca.length - cb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function chunks(s: string): string[] {
  return s.match(/\d+|\D+/g) ?? [];
}

/**
 * Returns the distinct values of `names`, sorted with {@link naturalCompare}.
 *
 * @example
 * ```ts
 * sortClasses(['b', '10', 'a', '2', 'b']); // ['2', '10', 'a', 'b']
 * ```
 */
export function sortClasses(names: Iterable<string>): string[] {
  return [...new Set(names)].sort(naturalCompare);
}

/**
 * Turns label strings into class indices. `null` means unlabelled and becomes `-1`.
 * Classes are the distinct labels in natural order unless `classes` is given.
 *
 * @example
 * ```ts
 * encodeLabels(['cat', 'dog', null, 'cat']);
 * // { labels: Int32Array [0, 1, -1, 0], classes: ['cat', 'dog'] }
 * ```
 */
export function encodeLabels(
  values: ReadonlyArray<string | null>,
  classes?: string[],
): { labels: Int32Array; classes: string[] } {
  const cls = classes ?? sortClasses(values.filter((v): v is string => v !== null));
  const index = new Map(cls.map((c, i) => [c, i]));
  const labels = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    labels[i] = v === null ? -1 : (index.get(v) ?? -1);
  }
  return { labels, classes: cls };
}
