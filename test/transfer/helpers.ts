import type { TensorData } from '../../src/transfer/train.ts';
import { createRng } from '../../src/util/random.ts';

/** Two Gaussian blobs in 2-D, centred at (−2, 2) and (2, −2): linearly separable, so training must reach high accuracy. */
export function blobs(n: number, seed: number): TensorData {
  const rng = createRng(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const c = y[i] ? 2 : -2;
    x[i * 2] = c + rng.normal();
    x[i * 2 + 1] = -c + rng.normal();
  }
  return { x, shape: [n, 2], y };
}
