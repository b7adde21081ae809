import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { compareTransfer } from '../../choose/curve.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { createProgress } from '../progress.ts';
import { layerFlag, positiveInt } from '../parsers.ts';
import { fitOverrides, withExperimentOptions, type ExperimentFlags } from './curve.ts';
import { checkPlotFlags, plotLine, withPlotOptions, writePlots, type PlotFlags } from '../plot-option.ts';
import { compareChart } from '../../report/charts/index.ts';

/** `transferkit compare`: transfer against scratch on one training set, with the negative-transfer verdict. */
export function registerCompare(program: Command): void {
  withPlotOptions(withExperimentOptions(withCommonOptions(program.command('compare'))), 'the accuracy of each strategy (95% interval over seeds, every seed a dot)')
    .description('did transfer help? trains the transfer strategies and scratch on the same examples over seeds, scores them on one test set and gives the verdict with a confidence interval')
    .option('--per-class <n>', 'labelled examples per class drawn from --train for each seed (default: all)', positiveInt)
    .addHelpText(
      'after',
      `
The verdict pairs runs by seed: "transfer helped by X ± Y points", "no significant difference"
or "negative transfer: −X ± Y points" (95% interval of transfer − scratch; paired t for fewer
than 10 seeds), with the likely cause when the measured shift is large.

Examples:
  $ transferkit compare --base fashion-cnn --train builtin:mnist --per-class 10
  $ transferkit compare --base fashion-cnn --train builtin:mnist --per-class 10 --plot compare.png
  $ transferkit compare --base fashion-cnn --train train.csv --test test.csv --label y --seeds 5 --json`,
    )
    .action((flags: ExperimentFlags & PlotFlags & { perClass?: number }) =>
      runCommand(flags, async () => {
        await checkPlotFlags(flags);
        await startEngine(flags.backend);
        const progress = createProgress();
        let res;
        try {
          res = await compareTransfer({
            base: flags.base,
            train: flags.train,
            test: flags.test,
            perClass: flags.perClass,
            seeds: flags.seeds,
            strategies: flags.strategies,
            valPerClass: flags.valPerClass,
            fit: fitOverrides(flags),
            cutAt: layerFlag(flags.cutAt),
            label: flags.label,
            out: flags.out,
            threads: flags.threads ?? availableParallelism(),
            onRun: (e) => e.accuracy !== undefined && progress.log(`  ${e.strategy.padEnd(8)} seed ${e.seed}: test accuracy ${fmt(e.accuracy)} (${e.seconds!.toFixed(1)} s)`),
            callbacks: { onStep: (phase, d, t) => progress.update(phase, d, t) },
          });
        } finally {
          progress.stop();
        }
        const p = res.point;
        const text = [
          `${res.base} → ${res.target}: ${p.examples} labelled examples per run, ${res.seeds.length} seeds, test set of ${res.testSize}`,
          `transfer cut: ${res.cut.layer ?? 'default'} — ${res.cut.reason}`,
          table(
            ['strategy', 'accuracy %', '± std', 'per seed', 'seconds'],
            p.results.map((r) => [r.strategy, (100 * r.accuracy).toFixed(1), (100 * r.std).toFixed(1), r.perSeed.map((a) => (100 * a).toFixed(1)).join(' '), r.seconds.toFixed(1)]),
          ),
          '',
          ...p.verdicts.map((v) => `${v.strategy}: ${v.text}`),
          '',
          p.verdict ? `verdict: ${p.verdict.text}` : 'verdict: none (run scratch too)',
          ...(p.verdict?.cause ? [`likely cause: ${p.verdict.cause}`] : []),
          ...(res.shift?.pad !== undefined ? [`shift: proxy A-distance ${fmt(res.shift.pad, 2)} of 2, MMD p = ${fmt(res.shift.mmdPValue)}`] : []),
        ].join('\n');
        const plots = await writePlots(flags, () => ({ compare: compareChart(p.results, { perClass: p.examples, title: `${res.base} → ${res.target}: strategies compared` }) }));
        return { json: plots.length ? { ...res, plots } : res, text: text + plotLine(plots) };
      }),
    );
}
