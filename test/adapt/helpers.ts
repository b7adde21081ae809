/**
 * Synthetic domains for the adaptation tests.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../../src/data/dataset.ts';
import { createRng } from '../../src/util/random.ts';

/** A two-class numeric table (columns x0, x1, …, classes a and b). */
export function table(name: string, rows: number[][], labels: number[]): Dataset {
  return {
    name,
    size: rows.length,
    features: { kind: 'tabular', columns: rows[0].map((_, j) => ({ name: `x${j}`, type: 'numeric' as const, values: Float64Array.from(rows, (r) => r[j]) })) },
    labels: Int32Array.from(labels),
    classes: ['a', 'b'],
  };
}

/** The DANN paper's toy problem: two interleaving moons (class = i % 2), rotated by `angle` degrees. */
export function moonPoints(n: number, seed: number, angle: number): { points: Array<[number, number]>; labels: number[] } {
  const rng = createRng(seed);
  const points: Array<[number, number]> = [];
  const labels: number[] = [];
  const c = Math.cos((angle * Math.PI) / 180);
  const s = Math.sin((angle * Math.PI) / 180);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const t = Math.PI * rng.next();
    const px = (cls ? 1 - Math.cos(t) : Math.cos(t)) + 0.1 * rng.normal() - 0.5;
    const py = (cls ? 0.5 - Math.sin(t) : Math.sin(t)) + 0.1 * rng.normal() - 0.25;
    points.push([c * px - s * py, s * px + c * py]);
    labels.push(cls);
  }
  return { points, labels };
}

/**
 * Writes a two-class CSV (`x0,x1,label`) with classes at (∓1, ∓1) plus unit noise; the target
 * domain is scaled by 2.5 and moved by (4, 2). Returns its path.
 */
export async function shiftedCsv(dir: string, name: string, n: number, seed: number, target: boolean): Promise<string> {
  const rng = createRng(seed);
  const lines = ['x0,x1,label'];
  for (let i = 0; i < n; i++) {
    const y = i % 2;
    const m = y ? 1 : -1;
    let a = m + rng.normal();
    let b = m + rng.normal();
    if (target) [a, b] = [2.5 * a + 4, 2.5 * b + 2];
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${y ? 'yes' : 'no'}`);
  }
  const path = join(dir, name);
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

