/**
 * `npm run suite`: the defaults suite (issue 12). Runs every task (or `--only a,b`), prints
 * progress, and writes `results/suite/summary.json` and the README table between the
 * `<!-- suite -->` markers.
 *
 *   npm run suite                         # every task, its own seeds (2; 5 for the cheap tabular ones)
 *   npm run suite -- --only fashion→mnist-10 --quick
 *   npm run suite -- --seeds 1,2 --no-readme
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { initEngine } from '../../src/engine/backend.ts';
import { writeFileAtomic } from '../../src/util/atomic.ts';
import { ADAPT_TASKS } from './adapt-tasks.ts';
import { FIT_TASKS } from './fit-tasks.ts';
import { bestOf, type Scored, type SuiteResult } from './types.ts';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    kind: { type: 'string' },
    seeds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'no-readme': { type: 'boolean', default: false },
    out: { type: 'string', default: 'results/suite/summary.json' },
  },
});

await initEngine();
const all = [...FIT_TASKS, ...ADAPT_TASKS];
const only = args.only?.split(',');
const tasks = all.filter((t) => (!only || only.includes(t.name)) && (!args.kind || t.kind === args.kind));
if (only) for (const o of only) if (!all.some((t) => t.name === o)) throw new Error(`No task "${o}"; tasks: ${all.map((t) => t.name).join(', ')}`);
const seedsGiven = args.seeds?.split(',').map(Number);
const say = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** Merges the runs of one task over seeds: mean accuracy per recipe. */
function mean(runs: SuiteResult[]): SuiteResult {
  if (runs.length === 1) return runs[0];
  const avg = (pick: (r: SuiteResult) => Scored | undefined, name: string): Scored => ({ name, accuracy: runs.reduce((s, r) => s + (pick(r)?.accuracy ?? NaN), 0) / runs.length });
  const first = runs[0];
  return {
    ...first,
    defaults: avg((r) => r.defaults, first.defaults.name),
    reference: avg((r) => r.reference, first.reference.name),
    candidates: first.candidates.map((c) => avg((r) => r.candidates.find((x) => x.name === c.name), c.name)),
    notes: [...new Set(runs.flatMap((r) => r.notes))],
    seconds: runs.reduce((s, r) => s + r.seconds, 0),
  };
}

const results: SuiteResult[] = [];
for (const task of tasks) {
  const runs: SuiteResult[] = [];
  const seeds = seedsGiven ?? task.seeds ?? [1, 2];
  for (const seed of seeds) runs.push(await task.run({ seed, quick: args.quick, say }));
  results.push({ ...mean(runs), notes: [...mean(runs).notes, `mean over seeds ${seeds.join(', ')}`] });
  say(`${task.name}: done`);
}

/** Whether a result meets issue 12's bar. */
function verdict(r: SuiteResult): { ok: boolean; why: string } {
  const best = bestOf(r);
  if (r.kind === 'fit') {
    const gap = (best.accuracy - r.defaults.accuracy) * 100;
    return { ok: gap <= 2, why: `defaults ${gap <= 0 ? 'are the best' : `${gap.toFixed(1)} points below the best`}` };
  }
  const harm = (r.reference.accuracy - r.defaults.accuracy) * 100;
  return { ok: harm <= 0.5, why: harm > 0 ? `auto ${harm.toFixed(1)} points below source-only` : 'auto ≥ source-only' };
}

// a partial run (--only, --kind) replaces its tasks in the summary and keeps the others
let earlier: Array<SuiteResult & { createdAt?: string }> = [];
try {
  earlier = JSON.parse(await readFile(args.out!, 'utf8')).tasks;
} catch {
  // no summary yet
}
const now = new Date().toISOString();
const fresh = results.map((r) => ({ ...r, createdAt: now }));
const merged = [...earlier.filter((t) => !fresh.some((r) => r.task === t.task)), ...fresh];
const order = all.map((t) => t.name);
merged.sort((a, b) => order.indexOf(a.task) - order.indexOf(b.task));
const summary = {
  createdAt: now,
  quick: args.quick,
  tasks: merged.map((r) => ({ ...r, best: bestOf(r), bar: verdict(r) })),
};
await mkdir('results/suite', { recursive: true });
await writeFileAtomic(args.out!, JSON.stringify(summary, null, 2) + '\n');

const pct = (v: number) => (Number.isFinite(v) ? (v * 100).toFixed(1) : 'n/a');
const extractDefaults = (t: SuiteResult) => t.candidates.find((c) => c.name === 'extract (defaults)');
const table = [
  '| task | defaults: finetune (fit) / auto (adapt) | extract, defaults | reference: scratch (fit) / source-only (adapt) | best recipe found | defaults within the bar |',
  '|---|---|---|---|---|---|',
  ...summary.tasks.map(
    (t) =>
      `| ${t.task} | ${pct(t.defaults.accuracy)}${t.kind === 'adapt' ? ` (${t.defaults.name})` : ''} | ${extractDefaults(t) ? pct(extractDefaults(t)!.accuracy) : '—'} | ${pct(t.reference.accuracy)} | ${pct(t.best.accuracy)} (${t.best.name}) | ${t.bar.ok ? 'yes' : '**no**'}: ${t.bar.why} |`,
  ),
].join('\n');
console.log(table);
if (!args['no-readme'] && !args.quick) {
  const readme = await readFile('README.md', 'utf8');
  const re = /<!-- suite -->[\s\S]*?<!-- \/suite -->/;
  if (re.test(readme)) await writeFile('README.md', readme.replace(re, `<!-- suite -->\n${table}\n<!-- /suite -->`));
}
