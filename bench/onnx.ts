/**
 * ONNX feature-extraction throughput: a MobileNet-style ONNX model built in code (64×64×3 input,
 * conv + 3 depthwise-separable blocks, ~37k weights) read up to its last pooling layer, on
 * onnxruntime-node with 1 and 2 intra-op threads (spinning off, as transferkit defaults; and 2
 * threads with spinning on), beside TF.js on the wasm backend running the converted model (same
 * weights, same layer), which is single-threaded in Node.
 *
 * Run alone: `node --import tsx bench/onnx.ts`.
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../src/engine/backend.ts';
import { convertOnnx } from '../src/models/onnx/convert.ts';
import { createOnnxExtractor } from '../src/models/onnx/extractor.ts';
import { parseOnnx } from '../src/models/onnx/read.ts';
import { createRng } from '../src/util/random.ts';
import { mobileNetModel } from '../test/onnx/build-models.ts';

/** One throughput row. */
export interface OnnxBenchRow {
  task: string;
  /** `onnxruntime-node` or `tfjs-wasm`. */
  engine: string;
  threads: number;
  spinning: boolean;
  imagesPerSec: number;
  /** Largest difference of this engine's features from onnxruntime's 1-thread features. */
  maxAbsDiff: number;
}

/** Options of {@link benchOnnx}. */
export interface BenchOnnxOptions {
  /** Images per timed run (default 512). */
  images?: number;
  /** Batch size (default 32). */
  batchSize?: number;
}

/**
 * Measures images/s of feature extraction on onnxruntime-node (1 and 2 threads) and tfjs-wasm.
 *
 * @example
 * ```ts
 * for (const r of await benchOnnx()) console.log(r.engine, r.threads, r.imagesPerSec.toFixed(0));
 * ```
 */
export async function benchOnnx(opts: BenchOnnxOptions = {}): Promise<OnnxBenchRow[]> {
  const n = opts.images ?? 512;
  const batchSize = opts.batchSize ?? 32;
  const size = 64;
  const bytes = mobileNetModel({ size, width: 16, blocks: 3, seed: 7 });
  const onnx = parseOnnx(bytes, 'mobilenet-bench.onnx');
  const rng = createRng(1);
  const per = 3 * size * size;
  const x = Float32Array.from({ length: n * per }, () => rng.next());
  const task = `feature extraction (MobileNet-style ${size}×${size}×3 → avgpool, batch ${batchSize})`;
  const rows: OnnxBenchRow[] = [];

  let reference: Float32Array | undefined;
  for (const [threads, spinning] of [[1, false], [2, false], [2, true]] as const) {
    const ex = await createOnnxExtractor(onnx, { taps: ['avgpool'], threads, spinning, batchSize });
    await ex.extract(x.subarray(0, batchSize * per), [batchSize, 3, size, size]); // warm-up
    const t0 = performance.now();
    const [feats] = await ex.extract(x, [n, 3, size, size]);
    const seconds = (performance.now() - t0) / 1000;
    reference ??= feats.x;
    rows.push({ task, engine: 'onnxruntime-node', threads, spinning, imagesPerSec: n / seconds, maxAbsDiff: maxDiff(feats.x, reference) });
    await ex.dispose();
  }

  const previous = tf.getBackend();
  await initEngine({ backend: 'wasm' });
  const { model } = await convertOnnx(onnx);
  const cut = tf.model({ inputs: model.inputs, outputs: model.getLayer('avgpool').output as tf.SymbolicTensor });
  const nhwc = toNhwc(x, n, 3, size);
  const featPer = reference!.length / n;
  const run = (count: number): Float32Array => {
    const out = new Float32Array(count * featPer);
    for (let s = 0; s < count; s += batchSize) {
      const e = Math.min(count, s + batchSize);
      const y = tf.tidy(() => {
        const t = cut.predict(tf.tensor(nhwc.subarray(s * per, e * per), [e - s, size, size, 3])) as tf.Tensor;
        return tf.transpose(t, [0, 3, 1, 2]).dataSync() as Float32Array; // NHWC → NCHW to compare with onnxruntime
      });
      out.set(y, s * featPer);
    }
    return out;
  };
  run(batchSize); // warm-up
  const nTf = Math.min(n, 4 * batchSize); // wasm is far slower: fewer images keep the bench short
  const t0 = performance.now();
  const feats = run(nTf);
  const seconds = (performance.now() - t0) / 1000;
  rows.push({ task, engine: 'tfjs-wasm', threads: 1, spinning: false, imagesPerSec: nTf / seconds, maxAbsDiff: maxDiff(feats, reference!.subarray(0, feats.length)) });
  model.dispose();
  if (previous && previous !== tf.getBackend()) await tf.setBackend(previous);
  return rows;
}

function toNhwc(x: Float32Array, n: number, c: number, s: number): Float32Array {
  const out = new Float32Array(x.length);
  const hw = s * s;
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < hw; i++) out[b * hw * c + i * c + ch] = x[b * c * hw + ch * hw + i];
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  tf.env().set('PROD', true);
  const rows = await benchOnnx();
  console.log('| engine | threads | spinning | images/s | max abs diff |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.engine} | ${r.threads} | ${r.spinning ? 'on' : 'off'} | ${r.imagesPerSec.toFixed(0)} | ${r.maxAbsDiff.toExponential(1)} |`);
}
