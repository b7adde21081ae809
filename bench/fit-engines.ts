/**
 * Wall time of one seeded small `fit` — fashion-cnn fine-tuned on 100 MNIST digits (10 per
 * class), the demo's protocol with `fit`'s defaults — on each training engine (`onnx`: the
 * compiled training step on onnxruntime-node, `tfjs`: TensorFlow.js on the running backend),
 * in the same process, interleaved A/B/B/A so load from other processes hits both alike; and
 * the accuracy each reaches on 1,000 held-out digits (same seed: equal within noise).
 *
 * Run alone: `node --import tsx bench/fit-engines.ts`.
 */
import { pathToFileURL } from 'node:url';
import { transformFeatures } from '../src/data/features.ts';
import { loadDataset } from '../src/data/load.ts';
import { subset } from '../src/data/dataset.ts';
import { samplePerClass } from '../src/data/split.ts';
import { initEngine } from '../src/engine/backend.ts';
import { setTrainingEngine, trainingSetting, type TrainingEngine } from '../src/engine/training-engine.ts';
import { predictProbs } from '../src/models/predict-probs.ts';
import { fit } from '../src/transfer/fit.ts';

/** One engine's result. */
export interface FitEngineRow {
  engine: TrainingEngine;
  /** Median wall time of one `fit`, seconds. */
  seconds: number;
  /** Every repetition's wall time, seconds. */
  runs: number[];
  /** Accuracy on 1,000 held-out digits (of the first repetition; the same seed gives the same model). */
  heldOutAccuracy: number;
  /** tfjs seconds / this engine's seconds, median of the per-pair ratios (1 for tfjs). */
  speedupVsTfjs: number;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Times `fit` on both engines, `pairs` interleaved pairs (default 1: tfjs, onnx; 2: tfjs, onnx, onnx, tfjs).
 *
 * @example
 * ```ts
 * const rows = await benchFitEngines({ pairs: 1 });
 * ```
 */
export async function benchFitEngines(opts: { pairs?: number } = {}): Promise<FitEngineRow[]> {
  const pairs = opts.pairs ?? 1;
  const mnist = await loadDataset('builtin:mnist');
  const { sample, rest } = samplePerClass(mnist, 10, 1);
  const held = subset(rest, Array.from({ length: 1000 }, (_, i) => i));
  const heldX = transformFeatures({ kind: 'image', height: 28, width: 28, channels: 1 }, held).x;
  const saved = trainingSetting();
  const times: Record<TrainingEngine, number[]> = { onnx: [], tfjs: [] };
  const acc: Partial<Record<TrainingEngine, number>> = {};
  try {
    for (let p = 0; p < pairs; p++) {
      const order: TrainingEngine[] = p % 2 === 0 ? ['tfjs', 'onnx'] : ['onnx', 'tfjs'];
      for (const engine of order) {
        setTrainingEngine(engine);
        const t0 = performance.now();
        const res = await fit({ base: 'fashion-cnn', strategy: 'finetune', train: sample, seed: 1 });
        times[engine].push((performance.now() - t0) / 1000);
        if (acc[engine] === undefined) {
          const probs = predictProbs(res.model.model, { x: heldX, shape: [held.size, 28, 28, 1] });
          let hits = 0;
          for (let i = 0; i < held.size; i++) {
            let arg = 0;
            for (let c = 1; c < 10; c++) if (probs[i * 10 + c] > probs[i * 10 + arg]) arg = c;
            if (arg === held.labels[i]) hits++;
          }
          acc[engine] = hits / held.size;
        }
        res.model.dispose();
      }
    }
  } finally {
    setTrainingEngine(saved);
  }
  const ratios = times.tfjs.map((t, i) => t / times.onnx[i]);
  return (['tfjs', 'onnx'] as TrainingEngine[]).map((engine) => ({
    engine,
    seconds: median(times[engine]),
    runs: times[engine],
    heldOutAccuracy: acc[engine]!,
    speedupVsTfjs: engine === 'tfjs' ? 1 : median(ratios),
  }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await initEngine({ backend: 'wasm' });
  const rows = await benchFitEngines({ pairs: Number(process.env.PAIRS ?? 1) });
  for (const r of rows) console.log(`${r.engine}: ${r.seconds.toFixed(1)} s (${r.runs.map((t) => t.toFixed(1)).join(', ')}), held-out accuracy ${r.heldOutAccuracy.toFixed(3)}, ×${r.speedupVsTfjs.toFixed(2)} vs tfjs`);
}
