import { Option, type Command } from 'commander';
import { rankSources, TRANSFERABILITY_METRICS, type TransferabilityMetric } from '../../choose/rank.ts';
import { TRANSFERABILITY_SCORES } from '../../choose/transferability/registry.ts';
import { listZooModels } from '../../models/zoo.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { createProgress } from '../progress.ts';
import { positiveInt } from '../parsers.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { settingOption } from '../settings-option.ts';
import { imputeOption, labelOption } from '../data-options.ts';
import { checkPlotFlags, plotLine, withPlotOptions, writePlots, type PlotFlags } from '../plot-option.ts';
import { rankingChart } from '../../report/charts/index.ts';

interface RankFlags extends PlotFlags {
  candidates?: string;
  train: string;
  metric: TransferabilityMetric;
  perClass?: number;
  maxExamples?: number;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  seed?: number;
  backend?: string;
  json?: boolean;
}

/** `transferkit rank`: rank candidate source models by transferability scores. */
export function registerRank(program: Command): void {
  withPlotOptions(withCommonOptions(program.command('rank')), 'the ranking (one panel per score, best candidate on top)')
    .description(`rank candidate pretrained models for a target task without fine-tuning them (${TRANSFERABILITY_SCORES.map((m) => m.title).join(', ')})`)
    .option('--candidates <models>', `comma-separated models, each a ${MODEL_REF_FORMS} (default: every available zoo model)`)
    .requiredOption('--train <data>', 'labelled target data: builtin:NAME, .csv, .jsonl, idx file or image folder')
    .addOption(new Option('--metric <score>', 'score to rank by').choices([...TRANSFERABILITY_METRICS]).default('logme'))
    .option('--per-class <n>', 'score on N labelled examples per class (seeded), as fit --per-class', positiveInt)
    .option('--max-examples <n>', 'score at most N examples (seeded subsample; default 2000)', positiveInt)
    .addOption(labelOption())
    .addOption(imputeOption())
    .addOption(settingOption('seed'))
    .addHelpText(
      'after',
      `
Scores (higher transfers better for each):
  logme   log marginal evidence of a Bayesian linear model on the base features (You et al. 2021)
  leep    log expected empirical prediction from the source model's softmax (Nguyen et al. 2020)
  hscore  tr(cov(f)⁺ cov(E[f|y])) on the base features (Bao et al. 2019)
  nce     negative conditional entropy of target labels given source labels (Tran et al. 2019)

Examples:
  $ transferkit rank --candidates fashion-cnn,digits04-cnn,fashion-shuffled-cnn --train builtin:mnist --per-class 20
  $ transferkit rank --train builtin:mnist --per-class 20 --metric leep --json
  $ transferkit rank --train builtin:mnist --per-class 20 --plot rank.png`,
    )
    .action((flags: RankFlags) =>
      runCommand(flags, async () => {
        await checkPlotFlags(flags);
        await startEngine(flags.backend);
        const candidates = flags.candidates
          ? flags.candidates.split(',').map((s) => s.trim()).filter(Boolean)
          : listZooModels().filter((m) => m.available).map((m) => m.name);
        const progress = createProgress();
        let r;
        try {
          r = await rankSources({
            candidates,
            train: flags.train,
            metric: flags.metric,
            perClass: flags.perClass,
            maxExamples: flags.maxExamples,
            label: flags.label,
            impute: flags.impute,
            seed: flags.seed,
            onCandidate: (c) => progress.log(`  ${c.candidate}: ${c.error ? `failed (${c.error})` : `LogME ${fmt(c.scores.logme)} (${c.seconds.toFixed(1)} s)`}`),
          });
        } finally {
          progress.stop();
        }
        const text = [
          `${r.ranking.length} candidates on ${r.target} (${r.examples} examples, ${r.classes} classes), ranked by ${r.metric}:`,
          table(
            ['rank', 'model', 'LogME', 'LEEP', 'H-score', 'NCE', 'features'],
            r.ranking.map((c) => [c.rank ? String(c.rank) : '-', c.candidate, fmt(c.scores.logme), fmt(c.scores.leep), fmt(c.scores.hscore), fmt(c.scores.nce), c.error ? `error: ${c.error}` : String(c.dims)]),
          ),
        ].join('\n');
        const plots = await writePlots(flags, () => ({ ranking: rankingChart(r) }));
        return { json: plots.length ? { ...r, plots } : r, text: text + plotLine(plots) };
      }),
    );
}
