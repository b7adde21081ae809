import { Option, type Command } from 'commander';
import { evaluateModel } from '../../evaluate/evaluate-model.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';

/** `transferkit evaluate`: score a trained model on labelled data. */
export function registerEvaluate(program: Command): void {
  withCommonOptions(program.command('evaluate'))
    .description('score a model on labelled data: accuracy, per-class precision/recall/F1, macro F1, confusion matrix, ROC AUC, log loss')
    .requiredOption('--model <path>', 'run folder, model folder, model.json or zoo name')
    .requiredOption('--data <data>', 'builtin:NAME, .csv, .jsonl, idx file or image folder')
    .option('--label <column>', 'label column of CSV data')
    .addOption(new Option('--impute <how>', 'missing CSV values: none (error), mean, drop').choices(['none', 'mean', 'drop']))
    .addHelpText('after', '\nExamples:\n  $ transferkit evaluate --model runs/mnist --data builtin:mnist\n  $ transferkit evaluate --model runs/penguins --data test.csv --label species --json')
    .action((opts: { model: string; data: string; label?: string; impute?: 'none' | 'mean' | 'drop'; backend?: string; json?: boolean }) =>
      runCommand(opts, async () => {
        await startEngine(opts.backend);
        const m = await evaluateModel(opts);
        const text = [
          `${m.model} on ${m.data} (${m.n} examples)`,
          `accuracy ${fmt(m.accuracy)}   macro F1 ${fmt(m.macroF1)}   ROC AUC ${fmt(m.rocAuc)}   log loss ${fmt(m.logLoss)}`,
          '',
          table(
            ['class', 'precision', 'recall', 'F1', 'support'],
            m.perClass.map((c) => [c.class, fmt(c.precision), fmt(c.recall), fmt(c.f1), String(c.support)]),
          ),
          '',
          'confusion matrix (rows: true class, columns: predicted):',
          table(['', ...m.classes], m.confusionMatrix.map((row, i) => [m.classes[i], ...row.map(String)])),
        ].join('\n');
        return { json: m, text };
      }),
    );
}
