import { Option, type Command } from 'commander';
import { evaluateModel } from '../../models/evaluate.ts';
import { crossValidate } from '../../choose/kfold.ts';
import { TransferkitError } from '../../errors.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { createProgress } from '../progress.ts';
import { intAtLeast, wholeNumber } from '../parsers.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { settingOption } from '../settings-option.ts';
import { imputeOption, labelOption } from '../data-options.ts';
import { checkPlotFlags, plotLine, wantsPlot, withPlotOptions, writePlots, type PlotFlags } from '../plot-option.ts';
import { evaluationCharts } from '../../report/charts/index.ts';

interface EvaluateFlags {
  model: string;
  data: string;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  kfold?: number;
  seed?: number;
  backend?: string;
  json?: boolean;
  plot?: string;
  plotDir?: string;
}


/** `transferkit evaluate`: score a trained model on labelled data, or cross-validate its recipe. */
export function registerEvaluate(program: Command): void {
  withPlotOptions(withCommonOptions(program.command('evaluate')), 'the confusion matrix, ROC and precision–recall curves and the reliability diagram', true)
    .description('score a model on labelled data: accuracy, per-class precision/recall/F1, macro F1, confusion matrix, ROC AUC, log loss, calibration error (ECE), top-k accuracy; charts with --plot; or cross-validate a run with --kfold')
    .requiredOption('--model <path>', MODEL_REF_FORMS)
    .requiredOption('--data <data>', 'builtin:NAME, .csv, .jsonl, idx file or image folder')
    .addOption(labelOption())
    .addOption(imputeOption())
    .option('--kfold <k>', "stratified k-fold cross-validation: refit the run's config (base, strategy, epochs, …) on k − 1 folds of --data and score the held-out fold, k times (--model must be a run folder)", intAtLeast(2))
    .addOption(settingOption('seed', { help: 'seed of the fold assignment and the refits', defaultText: 'the run’s seed' }))
    .addHelpText(
      'after',
      '\nExamples:\n  $ transferkit evaluate --model runs/mnist --data builtin:mnist\n  $ transferkit evaluate --model runs/penguins --data test.csv --label species --json\n  $ transferkit evaluate --model runs/iris --data builtin:iris --kfold 5\n  $ transferkit evaluate --model runs/iris --data builtin:iris --plot eval.png --plot-dir plots/',
    )
    .action((opts: EvaluateFlags) =>
      runCommand(opts, async () => {
        await checkPlotFlags(opts);
        await startEngine(opts.backend);
        if (opts.kfold !== undefined) {
          if (wantsPlot(opts)) throw new TransferkitError('BAD_OPTION', '--plot and --plot-dir chart one evaluation; --kfold has none to chart', { where: '--kfold', hint: 'Leave out --kfold to chart the model on --data.' });
          const progress = createProgress();
          let cv;
          try {
            cv = await crossValidate({ run: opts.model, data: opts.data, k: opts.kfold, seed: opts.seed, label: opts.label, impute: opts.impute, onFold: (e) => e.accuracy !== undefined && progress.log(`  fold ${e.fold}/${e.k}: accuracy ${fmt(e.accuracy)}`) });
          } finally {
            progress.stop();
          }
          const text = [
            `${cv.k}-fold cross-validation of the recipe of ${cv.run} (${cv.config.strategy}${cv.config.base ? ` from ${cv.config.base}` : ''}) on ${cv.data}, seed ${cv.seed}`,
            table(
              ['fold', 'train', 'test', 'accuracy', 'macro F1', 'log loss'],
              cv.folds.map((f) => [String(f.fold), String(f.trainSize), String(f.testSize), fmt(f.accuracy), fmt(f.macroF1), fmt(f.logLoss)]),
            ),
            '',
            `accuracy ${fmt(cv.mean.accuracy)} ± ${fmt(cv.std.accuracy)}   macro F1 ${fmt(cv.mean.macroF1)} ± ${fmt(cv.std.macroF1)}   log loss ${fmt(cv.mean.logLoss)} ± ${fmt(cv.std.logLoss)} (mean ± std over folds)`,
          ].join('\n');
          return { json: cv, text };
        }
        const m = await evaluateModel({ ...opts, curves: wantsPlot(opts) });
        const plots = await writePlots(opts as PlotFlags, () => evaluationCharts(m));
        delete m.curves;
        const text = [
          `${m.model} on ${m.data} (${m.n} examples)`,
          `accuracy ${fmt(m.accuracy)}   macro F1 ${fmt(m.macroF1)}   ROC AUC ${fmt(m.rocAuc)}   log loss ${fmt(m.logLoss)}   ECE ${fmt(m.ece)}${m.topK.map((t) => `   top-${t.k} accuracy ${fmt(t.accuracy)}`).join('')}`,
          '',
          table(
            ['class', 'precision', 'recall', 'F1', 'support'],
            m.perClass.map((c) => [c.class, fmt(c.precision), fmt(c.recall), fmt(c.f1), String(c.support)]),
          ),
          '',
          'confusion matrix (rows: true class, columns: predicted):',
          table(['', ...m.classes], m.confusionMatrix.map((row, i) => [m.classes[i], ...row.map(String)])),
        ].join('\n') + plotLine(plots);
        return { json: plots.length ? { ...m, plots } : m, text };
      }),
    );
}
