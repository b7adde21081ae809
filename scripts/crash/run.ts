/**
 * `npm run crash`: kill-and-resume trials of `transferkit fit` (see scripts/crash/lib.ts).
 *
 *   node --import tsx scripts/crash/run.ts --trials 100 [--seed 1] [--share-temp 0.4] [--minutes 20]
 *
 * Each trial: fit in a fresh run folder, SIGKILL at a seeded random moment (a time spread over
 * the training, or — for a share of the trials — right after the k-th temporary file/folder the
 * fit creates appears, i.e. during a checkpoint or history/state write), `fit --resume` to the end,
 * check exit 0, the model loads and predicts, history epochs strictly increasing per phase, ≤ 1
 * epoch lost, no temporaries left; compare final metrics with an uninterrupted run of the same seed.
 * Writes results/crash/summary.json and prints a table.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { predictDataset } from '../../src/index.ts';
import { cliFromDist, crashTrial, leakedTemps, readHistory, rng, runFit, type KillAt, type TrialResult } from './lib.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    'share-temp': { type: 'string', default: '0.4' },
    minutes: { type: 'string', default: '30' },
    out: { type: 'string', default: fileURLToPath(new URL('../../results/crash/summary.json', import.meta.url)) },
  },
});
const trials = Number(values.trials);
const random = rng(Number(values.seed));
const shareTemp = Number(values['share-temp']);
const deadline = Date.now() + Number(values.minutes) * 60_000;
// with a validation split (issue 12's default holds none out below 1,000 examples), so resumes restore early stopping too
const FIT = ['fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--epochs', '30', '--val-fraction', '0.15', '--seed', '1'];

const root = mkdtempSync(join(tmpdir(), 'tk-crash-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

async function loadsAndPredicts(out: string): Promise<string[]> {
  try {
    const r = await predictDataset({ model: join(out, 'model'), data: 'builtin:iris' });
    if (r.predictions.length !== 150) return [`model predicted ${r.predictions.length} rows, not 150`];
    const bad = r.predictions.find((p) => !Number.isFinite(p.confidence));
    if (bad) return [`model predicted a non-finite confidence`];
    return [];
  } catch (err) {
    return [`final model does not load/predict: ${(err as Error).message}`];
  }
}

// the uninterrupted baseline, which also measures the moments to spread kills over
const baseDir = join(root, 'baseline');
mkdirSync(baseDir);
const base = await runFit([...FIT, '--out', baseDir, '--json'], baseDir, { mode: 'none' });
if (base.code !== 0) throw new Error(`baseline fit failed: ${base.stderr}`);
const baseReport = JSON.parse(base.stdout.trim().split('\n').at(-1)!) as { val: { accuracy: number; logLoss: number }; epochs: number };
const trainMs = base.ms - (base.configAtMs ?? 0);
const tempCount = base.temps.length;
console.log(`baseline: ${Math.round(base.ms)} ms (config.json at ${Math.round(base.configAtMs ?? 0)} ms), ${baseReport.epochs} epochs, ${tempCount} temporary names created, val accuracy ${baseReport.val.accuracy}, logLoss ${baseReport.val.logLoss.toFixed(6)}; CLI from ${cliFromDist ? 'dist/' : 'src/ (tsx)'}`);
const baseLeaks = leakedTemps(baseDir);

const results: TrialResult[] = [];
const t0 = Date.now();
for (let i = 1; i <= trials; i++) {
  if (Date.now() > deadline) {
    console.log(`time limit reached after ${i - 1} trials`);
    break;
  }
  const kill: KillAt = random() < shareTemp ? { mode: 'temp', k: 1 + Math.floor(random() * tempCount) } : { mode: 'time', ms: Math.round(random() * trainMs * 1.05) };
  const out = join(root, `t${i}`);
  mkdirSync(out);
  const r = await crashTrial(i, FIT, out, kill, loadsAndPredicts);
  results.push(r);
  const killDesc = kill.mode === 'temp' ? `temp #${kill.k} (${r.tempsAtKill.join(',') || '-'})` : kill.mode === 'time' ? `+${kill.ms} ms` : '';
  console.log(
    [String(i).padStart(3), killDesc.slice(0, 60).padEnd(60), r.outcome.padEnd(20), `last=${r.lastEpochBeforeKill ?? '-'}`.padEnd(12), `state=${r.stateBeforeKill ?? '-'}`.padEnd(30), `from=${r.restartedFrom ?? '-'}`.padEnd(14), `lost=${r.epochsLost ?? '-'}`, r.finalVal ? `acc=${r.finalVal.accuracy} ll=${r.finalVal.logLoss.toFixed(4)}` : '', r.problems.join('; ').slice(0, 300)].join(' '),
  );
  rmSync(out, { recursive: true, force: true });
}

const resumed = results.filter((r) => r.finalVal !== undefined || r.outcome === 'resumed');
const lost = results.filter((r) => r.epochsLost !== undefined && r.outcome !== 'finished-before-kill').map((r) => r.epochsLost!);
const diffs = resumed.filter((r) => r.finalVal).map((r) => ({ acc: r.finalVal!.accuracy - baseReport.val.accuracy, ll: r.finalVal!.logLoss - baseReport.val.logLoss }));
const byOutcome: Record<string, number> = {};
for (const r of results) byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + 1;
const summary = {
  date: new Date().toISOString(),
  command: `node --import tsx scripts/crash/run.ts --trials ${trials} --seed ${values.seed} --share-temp ${shareTemp}`,
  fit: FIT.join(' '),
  cli: cliFromDist ? 'bin/transferkit.js (dist/)' : 'src/cli/main.ts (tsx)',
  seconds: Math.round((Date.now() - t0) / 1000),
  baseline: { ms: Math.round(base.ms), configAtMs: Math.round(base.configAtMs ?? 0), epochs: baseReport.epochs, temporaryNames: tempCount, val: baseReport.val, leakedTemps: baseLeaks },
  trials: results.length,
  killModes: { time: results.filter((r) => r.kill.mode === 'time').length, temp: results.filter((r) => r.kill.mode === 'temp').length },
  outcomes: byOutcome,
  resumeAttempts: results.filter((r) => r.resumeMs !== undefined).length,
  resumedOk: results.filter((r) => r.outcome === 'resumed').length,
  epochsLost: { max: lost.length ? Math.max(...lost) : 0, mean: lost.length ? +(lost.reduce((a, b) => a + b, 0) / lost.length).toFixed(3) : 0, histogram: lost.reduce<Record<number, number>>((h, n) => ((h[n] = (h[n] ?? 0) + 1), h), {}) },
  leakedTemps: results.filter((r) => r.leakedTemps.length).map((r) => ({ trial: r.trial, temps: r.leakedTemps })),
  finalVsUninterrupted: {
    compared: diffs.length,
    identical: diffs.filter((d) => d.acc === 0 && Math.abs(d.ll) < 1e-9).length,
    valAccuracyDiff: diffs.length ? { min: Math.min(...diffs.map((d) => d.acc)), max: Math.max(...diffs.map((d) => d.acc)), mean: +(diffs.reduce((a, d) => a + d.acc, 0) / diffs.length).toFixed(4) } : null,
    valLogLossDiff: diffs.length ? { min: +Math.min(...diffs.map((d) => d.ll)).toFixed(6), max: +Math.max(...diffs.map((d) => d.ll)).toFixed(6), mean: +(diffs.reduce((a, d) => a + d.ll, 0) / diffs.length).toFixed(6) } : null,
  },
  failures: results.filter((r) => r.outcome === 'failed').map((r) => ({ trial: r.trial, kill: r.kill, killedAtMs: r.killedAtMs, configAtMs: r.configAtMs, tempsAtKill: r.tempsAtKill, lastEpochBeforeKill: r.lastEpochBeforeKill, stateBeforeKill: r.stateBeforeKill, error: r.error, problems: r.problems })),
  results,
};
mkdirSync(join(values.out!, '..'), { recursive: true });
writeFileSync(values.out!, JSON.stringify(summary, null, 2) + '\n');
console.log('\n| trials | resumed ok / resume attempts | killed before run | finished before kill | failed | max lost | mean lost | leaked temps | identical to uninterrupted |');
console.log('|---|---|---|---|---|---|---|---|---|');
console.log(`| ${summary.trials} | ${summary.resumedOk} / ${summary.resumeAttempts} | ${byOutcome['killed-before-run'] ?? 0} | ${byOutcome['finished-before-kill'] ?? 0} | ${byOutcome.failed ?? 0} | ${summary.epochsLost.max} | ${summary.epochsLost.mean} | ${summary.leakedTemps.length} | ${summary.finalVsUninterrupted.identical} / ${diffs.length} |`);
console.log(`val accuracy diff vs uninterrupted: ${JSON.stringify(summary.finalVsUninterrupted.valAccuracyDiff)}, logLoss diff: ${JSON.stringify(summary.finalVsUninterrupted.valLogLossDiff)}`);
console.log(`wrote ${values.out}`);
process.exit(summary.failures.length ? 1 : 0);
