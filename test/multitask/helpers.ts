/**
 * Synthetic multi-task data: 4 numeric features; task 1 is the quadrant of (x0, x1) (4
 * classes), task 2 is whether that quadrant index is odd — a function of task 1.
 */
import { createRng } from '../../src/util/random.ts';
import type { MultiTaskData } from '../../src/transfer/multitask/evaluate.ts';

/** `n` examples of the quadrant / parity tasks, seeded. */
export function quadrants(n: number, seed: number): MultiTaskData {
  const rng = createRng(seed);
  const x = new Float32Array(n * 4);
  const quad = new Int32Array(n);
  const odd = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = rng.normal();
    quad[i] = 2 * Number(x[i * 4] > 0) + Number(x[i * 4 + 1] > 0);
    odd[i] = quad[i] % 2;
  }
  return { x, shape: [n, 4], labels: [quad, odd] };
}

/** The same data as CSV text with a `quad` and a `half` label column (half: upper or lower). */
export function quadrantCsv(n: number, seed: number): string {
  const d = quadrants(n, seed);
  const names = ['q0', 'q1', 'q2', 'q3'];
  const rows = ['a,b,c,d,quad,half'];
  for (let i = 0; i < n; i++) rows.push(`${[0, 1, 2, 3].map((j) => d.x[i * 4 + j].toFixed(4)).join(',')},${names[d.labels[0][i]]},${d.labels[1][i] ? 'upper' : 'lower'}`);
  return rows.join('\n') + '\n';
}
