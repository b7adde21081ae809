/**
 * Measures the few-shot table of the README: fashion-cnn (pretrained on Fashion-MNIST clothing)
 * features on MNIST digits, 5-way, 1-shot and 5-shot, 15 queries per class, 600 seeded
 * episodes, every method on the same episodes, with prototypes on raw L2-normalised pixels as
 * the no-transfer baseline. Also measures which embedding layer of the base works best for
 * one-shot prototypes (the same 1-shot episodes), and Euclidean against cosine prototypes.
 *
 * Normalisation: SimpleShot's CL2N (centre by the mean embedding of 10,000 Fashion-MNIST training
 * images, the base's own data, then L2-normalise) and the power transform β = 0.5 (PT, Hu et al.
 * 2021), against plain L2 normalisation, for prototypes at `flatten` (fashion-cnn's default
 * layer) and `dense1` (the penultimate layer), with raw pixels normalised the same ways (the
 * mean Fashion-MNIST image for CL2N): on MNIST (the transfer target) and on the Fashion-MNIST
 * test set (the base's own domain and classes, as a check that a change does not hurt there).
 * The CL2N rows of the main table are what `transferkit fewshot … --normalise cl2n --base-data
 * builtin:fashion-mnist` prints.
 *
 *   node --import tsx scripts/fewshot-table.ts     # writes results/fewshot/fewshot.json and fewshot.md, prints the markdown
 *
 * The main table is exactly what `transferkit fewshot --base fashion-cnn --data builtin:mnist
 * --ways 5 --shots 1,5 --queries 15 --episodes 600 --seed 1` prints (same episodes, same seeds).
 * Options (environment): EPISODES (default 600), SEED (default 1), OUT (default results/fewshot).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateFewShot, RAW_BASELINE } from '../src/choose/episodes/run.ts';
import { capRows, type Dataset } from '../src/data/dataset.ts';
import { evaluateOnEpisodes, sampleEpisodes, type EpisodeContender, type EpisodeScore } from '../src/choose/episodes.ts';
import { loadDataset } from '../src/data/load.ts';
import { initEngine } from '../src/engine/backend.ts';
import { disposeModelWeights } from '../src/models/dispose.ts';
import { loadModelRef } from '../src/models/load.ts';
import { embedDataset, meanEmbedding, rawEmbeddings, type Embeddings } from '../src/transfer/few-shot/embed.ts';
import type { FewShotOptions } from '../src/transfer/few-shot/methods.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';

const episodes = Number(process.env.EPISODES ?? 600);
const seed = Number(process.env.SEED ?? 1);
const outDir = process.env.OUT ?? 'results/fewshot';
const WAYS = 5;
const QUERIES = 15;
/** Layers of fashion-cnn tried as the embedding for one-shot prototypes, bottom to top. */
const LAYERS = ['pool1', 'relu2', 'flatten', 'dense1'];
/** Images of the base's training data whose mean embedding CL2N subtracts (as `evaluateFewShot` does by default). */
const BASE_ROWS = 10000;
/** The normalisations compared: [row label, power β, centre by the base mean]. */
const NORMALISATIONS: Array<[string, number, boolean]> = [
  ['L2N', 1, false],
  ['CL2N', 1, true],
  ['PT + L2N', 0.5, false],
  ['PT + CL2N', 0.5, true],
];

await initEngine({ backend: 'wasm' });
const t0 = performance.now();
const main = await evaluateFewShot({ base: 'fashion-cnn', data: 'builtin:mnist', ways: WAYS, shots: [1, 5], queries: QUERIES, episodes, seed, onProgress: progress });
const mainCl2n = await evaluateFewShot({
  base: 'fashion-cnn', data: 'builtin:mnist', ways: WAYS, shots: [1, 5], queries: QUERIES, episodes, seed,
  normalise: 'cl2n', baseData: 'builtin:fashion-mnist', baseRows: BASE_ROWS, onProgress: progress,
});

// the extras, on the same episodes as the main table (evaluateFewShot seeds them by `${seed}:${shots}`)
const base = await loadModelRef('fashion-cnn');
const mnist = await loadDataset('builtin:mnist');
const raw = rawEmbeddings(base.features!, mnist);
const spaces = new Map<string, Awaited<ReturnType<typeof embedDataset>>>();
for (const layer of LAYERS) spaces.set(layer, await embedDataset(base.model, base.features!, mnist, { layer, name: 'fashion-cnn' }));
disposeModelWeights(base.model);
const metricRows: Array<{ shots: number; rows: EpisodeScore[] }> = [];
for (const shots of [1, 5]) {
  const eps = sampleEpisodes(mnist.labels, mnist.classes, { ways: WAYS, shots, queries: QUERIES }, episodes, `${seed}:${shots}`);
  const contenders: EpisodeContender[] = [
    { name: 'prototypes (cosine)', method: 'prototypes', embeddings: spaces.get('flatten')!, options: { metric: 'cosine' } },
    { name: 'prototypes (euclidean, as fit saves)', method: 'prototypes', embeddings: spaces.get('flatten')!, options: { metric: 'euclidean' } },
    { name: 'raw-pixel prototypes (euclidean)', method: 'prototypes', embeddings: raw, options: { metric: 'euclidean' } },
  ];
  metricRows.push({ shots, rows: evaluateOnEpisodes(contenders, eps) });
}
const oneShot = sampleEpisodes(mnist.labels, mnist.classes, { ways: WAYS, shots: 1, queries: QUERIES }, episodes, `${seed}:1`);
const layerRows = evaluateOnEpisodes(
  [...LAYERS.map((layer): EpisodeContender => ({ name: layer, method: 'prototypes', embeddings: spaces.get(layer)! })), { name: 'raw pixels', method: 'prototypes', embeddings: raw }],
  oneShot,
);
spaces.clear();

// normalisations, on two targets: the base's mean embeddings come from its own training data
const NORM_LAYERS = ['flatten', 'dense1'];
const fashionBase = capRows(await loadDataset('builtin:fashion-mnist'), BASE_ROWS, seed);
const normBase = await loadModelRef('fashion-cnn');
const baseSpaces = new Map<string, Embeddings>();
for (const layer of NORM_LAYERS) baseSpaces.set(layer, await embedDataset(normBase.model, normBase.features!, unlabelled(fashionBase), { layer, name: 'fashion-cnn' }));
baseSpaces.set('raw', rawEmbeddings(normBase.features!, unlabelled(fashionBase)));
const normalisation: Array<{ target: string; shots: number; rows: EpisodeScore[] }> = [];
for (const target of ['builtin:mnist', 'builtin:fashion-mnist-test']) {
  const ds = target === 'builtin:mnist' ? mnist : await loadDataset(target);
  const targetSpaces = new Map<string, Embeddings>();
  for (const layer of NORM_LAYERS) targetSpaces.set(layer, await embedDataset(normBase.model, normBase.features!, ds, { layer, name: 'fashion-cnn' }));
  targetSpaces.set('raw', rawEmbeddings(normBase.features!, ds));
  const contenders: EpisodeContender[] = [];
  for (const [space, emb] of targetSpaces) {
    for (const [label, power, centre] of NORMALISATIONS) {
      const options: FewShotOptions = { metric: 'cosine', power, ...(centre ? { mean: meanEmbedding(baseSpaces.get(space)!, power) } : {}) };
      contenders.push({ name: `${space === 'raw' ? 'raw pixels' : space} ${label}`, method: 'prototypes', embeddings: emb, options });
    }
  }
  for (const shots of [1, 5]) {
    const eps = sampleEpisodes(ds.labels, ds.classes, { ways: WAYS, shots, queries: QUERIES }, episodes, `${seed}:${shots}`);
    normalisation.push({ target, shots, rows: evaluateOnEpisodes(contenders, eps) });
  }
}
disposeModelWeights(normBase.model);

const result = {
  task: `fashion-cnn features → builtin:mnist, ${WAYS}-way, ${QUERIES} queries per class, ${episodes} episodes, seed ${seed}`,
  command: `transferkit fewshot --base fashion-cnn --data builtin:mnist --ways ${WAYS} --shots 1,5 --queries ${QUERIES} --episodes ${episodes} --seed ${seed}`,
  main,
  mainCl2n,
  normalisation: { baseData: `builtin:fashion-mnist (${BASE_ROWS} images, seeded subset)`, tables: normalisation },
  metrics: metricRows,
  layers: { shots: 1, rows: layerRows },
  seconds: (performance.now() - t0) / 1000,
  measuredAt: new Date().toISOString(),
};
mkdirSync(outDir, { recursive: true });
await writeJsonAtomic(join(outDir, 'fewshot.json'), result);
await writeFileAtomic(join(outDir, 'fewshot.md'), markdown(result) + '\n');
process.stdout.write(markdown(result) + '\n');

/** A dataset's rows as unlabelled-but-kept embeddings input: every row counts toward a mean. */
function unlabelled(ds: Dataset): Dataset {
  return { ...ds, labels: new Int32Array(ds.size), classes: ['any'] };
}

function pct(r: EpisodeScore): string {
  return `${(100 * r.mean).toFixed(1)} ± ${(100 * r.interval).toFixed(1)}`;
}

/** Rows per method, a column per shots, then each row's difference from the raw-pixel row. */
function methodTable(byShots: Array<{ shots: number; rows: EpisodeScore[] }>, head: string, delta: string): string[] {
  const out = [
    `| ${head} | ${byShots.map((t) => `${t.shots}-shot`).join(' | ')} | ${byShots.map((t) => `${delta}, ${t.shots}-shot`).join(' | ')} |`,
    `|---|${byShots.map(() => '---:').join('|')}|${byShots.map(() => '---:').join('|')}|`,
  ];
  for (const name of byShots[0].rows.map((r) => r.name)) {
    const cells = byShots.map((t) => pct(t.rows.find((r) => r.name === name)!));
    const deltas = byShots.map((t) => {
      const r = t.rows.find((x) => x.name === name)!;
      const b = t.rows.find((x) => x.name === RAW_BASELINE)!;
      return r === b ? '' : `${r.mean >= b.mean ? '+' : ''}${(100 * (r.mean - b.mean)).toFixed(1)}`;
    });
    out.push(`| ${name} | ${cells.join(' | ')} | ${deltas.join(' | ')} |`);
  }
  return out;
}

function markdown(res: typeof result): string {
  const out: string[] = [];
  out.push(`${res.task}; mean accuracy % ± 95% interval (1.96·sd/√episodes), every row on the same episodes:`, '');
  out.push(...methodTable(res.main.tables, 'method', 'Δ vs raw'));
  out.push('', `The same with CL2N (${res.mainCl2n.baseData?.rows} ${res.mainCl2n.baseData?.name} images' mean embedding subtracted; the raw-pixel row centred by their mean image; \`--normalise cl2n --base-data builtin:fashion-mnist\`):`, '');
  out.push(...methodTable(res.mainCl2n.tables, 'method (CL2N)', 'Δ vs raw (CL2N)'));
  const nt = res.normalisation.tables;
  out.push('', `Normalisation of prototype embeddings (cosine), on MNIST and on the Fashion-MNIST test set (the base's own domain); CL2N centres by the mean of ${res.normalisation.baseData}; PT is sign(v)·|v|^0.5 first; the same episodes per column:`, '');
  out.push(`| space, normalisation | ${nt.map((t) => `${t.target.replace('builtin:', '')} ${t.shots}-shot`).join(' | ')} |`);
  out.push(`|---|${nt.map(() => '---:').join('|')}|`);
  for (let i = 0; i < nt[0].rows.length; i++) out.push(`| ${nt[0].rows[i].name} | ${nt.map((t) => pct(t.rows[i])).join(' | ')} |`);
  // each side at its own best normalisation: the comparison no choice of normalisation can tilt
  out.push('');
  for (const t of nt) {
    const best = (raw: boolean) => t.rows.filter((r) => r.name.startsWith('raw') === raw).reduce((a, b) => (b.mean > a.mean ? b : a));
    const [f, r] = [best(false), best(true)];
    out.push(`- ${t.target.replace('builtin:', '')} ${t.shots}-shot, each side at its best normalisation: ${f.name} ${pct(f)} vs ${r.name} ${pct(r)}: ${f.mean >= r.mean ? '+' : ''}${(100 * (f.mean - r.mean)).toFixed(1)} points`);
  }
  out.push('', 'Metric (embeddings at `flatten`; the same episodes):', '', '| prototypes | 1-shot | 5-shot |', '|---|---:|---:|');
  for (let i = 0; i < res.metrics[0].rows.length; i++) out.push(`| ${res.metrics[0].rows[i].name} | ${pct(res.metrics[0].rows[i])} | ${pct(res.metrics[1].rows[i])} |`);
  out.push('', 'Embedding layer of fashion-cnn for one-shot prototypes (cosine; the same 1-shot episodes):', '', '| layer | 1-shot |', '|---|---:|');
  for (const r of res.layers.rows) out.push(`| ${r.name} (${r.space.match(/\((\d+)-d\)/)?.[1] ?? '?'}-d) | ${pct(r)} |`);
  out.push('', `(${res.seconds.toFixed(0)} s on this machine; \`node --import tsx scripts/fewshot-table.ts\`)`);
  return out.join('\n');
}

function progress(task: string, done: number, total: number): void {
  if (done === total || done % 100 === 0) process.stderr.write(`${task}: ${done}/${total}\n`);
}
