/**
 * Measures the few-shot table of the README: fashion-cnn (pretrained on Fashion-MNIST clothing)
 * features on MNIST digits, 5-way, 1-shot and 5-shot, 15 queries per class, 600 seeded
 * episodes, every method on the same episodes, with prototypes on raw L2-normalised pixels as
 * the no-transfer baseline. Also measures which embedding layer of the base works best for
 * one-shot prototypes (the same 1-shot episodes), and Euclidean against cosine prototypes.
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
import { evaluateOnEpisodes, sampleEpisodes, type EpisodeContender, type EpisodeScore } from '../src/choose/episodes.ts';
import { loadDataset } from '../src/data/load.ts';
import { initEngine } from '../src/engine/backend.ts';
import { disposeModelWeights } from '../src/models/dispose.ts';
import { loadModelRef } from '../src/models/load.ts';
import { embedDataset, rawEmbeddings } from '../src/transfer/few-shot/embed.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';

const episodes = Number(process.env.EPISODES ?? 600);
const seed = Number(process.env.SEED ?? 1);
const outDir = process.env.OUT ?? 'results/fewshot';
const WAYS = 5;
const QUERIES = 15;
/** Layers of fashion-cnn tried as the embedding for one-shot prototypes, bottom to top. */
const LAYERS = ['pool1', 'relu2', 'flatten', 'dense1'];

await initEngine({ backend: 'wasm' });
const t0 = performance.now();
const main = await evaluateFewShot({ base: 'fashion-cnn', data: 'builtin:mnist', ways: WAYS, shots: [1, 5], queries: QUERIES, episodes, seed, onProgress: progress });

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

const result = {
  task: `fashion-cnn features → builtin:mnist, ${WAYS}-way, ${QUERIES} queries per class, ${episodes} episodes, seed ${seed}`,
  command: `transferkit fewshot --base fashion-cnn --data builtin:mnist --ways ${WAYS} --shots 1,5 --queries ${QUERIES} --episodes ${episodes} --seed ${seed}`,
  main,
  metrics: metricRows,
  layers: { shots: 1, rows: layerRows },
  seconds: (performance.now() - t0) / 1000,
  measuredAt: new Date().toISOString(),
};
mkdirSync(outDir, { recursive: true });
await writeJsonAtomic(join(outDir, 'fewshot.json'), result);
await writeFileAtomic(join(outDir, 'fewshot.md'), markdown(result) + '\n');
process.stdout.write(markdown(result) + '\n');

function pct(r: EpisodeScore): string {
  return `${(100 * r.mean).toFixed(1)} ± ${(100 * r.interval).toFixed(1)}`;
}

function markdown(res: typeof result): string {
  const out: string[] = [];
  const byShots = res.main.tables;
  const names = byShots[0].rows.map((r) => r.name);
  out.push(`${res.task}; mean accuracy % ± 95% interval (1.96·sd/√episodes), every row on the same episodes:`, '');
  out.push(`| method | ${byShots.map((t) => `${t.shots}-shot`).join(' | ')} | ${byShots.map((t) => `Δ vs raw, ${t.shots}-shot`).join(' | ')} |`);
  out.push(`|---|${byShots.map(() => '---:').join('|')}|${byShots.map(() => '---:').join('|')}|`);
  for (const name of names) {
    const cells = byShots.map((t) => pct(t.rows.find((r) => r.name === name)!));
    const deltas = byShots.map((t) => {
      const r = t.rows.find((x) => x.name === name)!;
      const b = t.rows.find((x) => x.name === RAW_BASELINE)!;
      return r === b ? '' : `${r.mean >= b.mean ? '+' : ''}${(100 * (r.mean - b.mean)).toFixed(1)}`;
    });
    out.push(`| ${name} | ${cells.join(' | ')} | ${deltas.join(' | ')} |`);
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
