import { Option, type Command } from 'commander';
import { diagnoseShift } from '../../adapt/diagnose.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { probability, wholeNumber } from '../parsers.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { settingOption } from '../settings-option.ts';
import { imputeOption, labelOption } from '../data-options.ts';
import { checkPlotFlags, plotLine, wantsPlot, withPlotOptions, writePlots, type PlotFlags } from '../plot-option.ts';
import { shiftCharts } from '../../report/charts/index.ts';

interface ShiftFlags extends PlotFlags {
  source: string;
  target: string;
  base?: string;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  seed?: number;
  alpha?: number;
  maxRows?: number;
  permutations?: number;
  backend?: string;
  json?: boolean;
}

/** `transferkit shift`: diagnose the shift between a source and a target dataset. */
export function registerShift(program: Command): void {
  withPlotOptions(withCommonOptions(program.command('shift')), 'source against target on two principal components and, for tables, the per-column drift', true)
    .description('diagnose domain shift between two datasets: MMD with a permutation p-value, proxy A-distance, CORAL distance, per-column drift, label shift (BBSE), and a verdict')
    .requiredOption('--source <data>', 'source (training-domain) data: builtin:NAME, .csv, .jsonl, idx file or image folder')
    .requiredOption('--target <data>', 'target (new-domain) data; its labels, if any, are not used')
    .option('--base <model>', `image data: compare features of this model (${MODEL_REF_FORMS}) instead of raw pixels`)
    .addOption(labelOption('label column of CSV data (enables the label-shift estimate)'))
    .addOption(imputeOption())
    .option('--alpha <p>', 'significance level of the tests (default 0.05)', probability)
    .option('--max-rows <n>', 'rows per domain for the MMD test (default 500)', wholeNumber)
    .option('--permutations <n>', 'MMD permutations (default 200)', wholeNumber)
    .addOption(settingOption('seed'))
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit shift --source builtin:spam-2002 --target builtin:spam-2003
  $ transferkit shift --source clinic-a.csv --target clinic-b.csv --label outcome --json
  $ transferkit shift --source builtin:fashion-mnist-test --target digits/ --base fashion-cnn
  $ transferkit shift --source builtin:spam-2002 --target builtin:spam-2003 --plot shift.png

Text is compared in a TF-IDF space fitted on both domains' texts, tables in the source's
standardised columns, images as pixels or --base features; kernels and domain classifiers work
on at most 100 principal components.`,
    )
    .action((flags: ShiftFlags) =>
      runCommand(flags, async () => {
        await checkPlotFlags(flags);
        await startEngine(flags.backend);
        const d = await diagnoseShift({
          source: flags.source,
          target: flags.target,
          base: flags.base,
          label: flags.label,
          impute: flags.impute,
          seed: flags.seed,
          alpha: flags.alpha,
          maxRows: flags.maxRows,
          permutations: flags.permutations,
          projection: wantsPlot(flags),
        });
        const plots = await writePlots(flags, () => shiftCharts(d));
        delete d.projection;
        const lines = [
          `${d.source.name} (${d.source.size}) → ${d.target.name} (${d.target.size}), ${d.kind} data`,
          `verdict: ${d.verdict}`,
          '',
          ...d.reasons.map((r) => `  - ${r}`),
          '',
          `features: ${d.features.space}; tests in ${d.features.view}`,
        ];
        if (d.labelShift) {
          lines.push('', 'class mix (source → estimated target, 95% interval):');
          lines.push(
            table(
              ['class', 'source', 'target', 'interval'],
              d.labelShift.sourcePrior.map((p, c) => [d.classes[c] ?? String(c), fmt(p), fmt(d.labelShift!.targetPrior[c]), `${fmt(d.labelShift!.interval[c][0])}–${fmt(d.labelShift!.interval[c][1])}`]),
            ),
          );
        }
        if (d.drift && d.drift.length) {
          lines.push('', 'most drifted columns:');
          lines.push(table(['column', 'test', 'statistic', 'p-value'], d.drift.slice(0, 10).map((f) => [f.name, f.test, fmt(f.statistic), f.pValue.toExponential(2)])));
        }
        return { json: plots.length ? { ...d, plots } : d, text: lines.join('\n') + plotLine(plots) };
      }),
    );
}
