import { Option, type Command } from 'commander';
import { TransferkitError } from '../../errors.ts';
import { fit, resumeFit, type FitConfig, type FitResult } from '../../transfer/fit.ts';
import { STRATEGIES } from '../../transfer/strategies.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand } from '../output.ts';
import { createProgress } from '../progress.ts';

interface FitFlags {
  base?: string;
  train?: string;
  val?: string;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  strategy: FitConfig['strategy'];
  arch?: FitConfig['arch'];
  out?: string;
  epochs?: number;
  finetuneEpochs?: number;
  batchSize?: number;
  lr?: number;
  unfreeze?: number | string[];
  cutAt?: string;
  patience?: number;
  perClass?: number;
  valFraction?: number;
  classWeights?: 'none' | 'balanced';
  seed?: number;
  resume?: string;
  backend?: string;
  json?: boolean;
}

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got "${v}"`);
  return n;
};
const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`expected a positive number, got "${v}"`);
  return n;
};

/** `transferkit fit`: train with a transfer strategy and write a run folder. */
export function registerFit(program: Command): void {
  withCommonOptions(program.command('fit'))
    .description('train a model for a new task by transfer (extract, finetune) or from scratch, writing a run folder')
    .option('--base <model>', 'pretrained model: zoo name (see `transferkit models`), model folder or model.json')
    .option('--train <data>', 'training data: builtin:NAME, .csv, .jsonl, idx file or image folder')
    .option('--val <data>', 'validation data (default: a stratified 15% of --train)')
    .option('--label <column>', 'label column of CSV data')
    .addOption(new Option('--impute <how>', 'missing CSV values: none (error), mean, drop').choices(['none', 'mean', 'drop']))
    .addOption(new Option('--strategy <name>', 'how to transfer').choices([...STRATEGIES]).default('finetune'))
    .addOption(new Option('--arch <name>', 'architecture for scratch without --base').choices(['mlp', 'logistic', 'cnn']))
    .option('--out <dir>', 'run folder to create')
    .option('--epochs <n>', 'epochs per phase (default 30; early stopping may end sooner)', int)
    .option('--finetune-epochs <n>', 'epochs of the fine-tuning phase (default: --epochs)', int)
    .option('--batch-size <n>', 'mini-batch size (default 32)', int)
    .option('--lr <rate>', 'learning rate of the head / scratch phase (default 0.001 for images, 0.01 for tabular and text); fine-tuning uses a tenth', num)
    .option('--cut-at <layer>', 'base layer (name or index, see `transferkit inspect`) whose output feeds the new head')
    .option('--unfreeze <k|layers>', 'when fine-tuning, unfreeze the top k weighted base layers (default 2), or the base layers named or indexed in a comma-separated list', parseUnfreeze)
    .option('--patience <n>', 'early-stopping patience in epochs (default 5)', int)
    .option('--per-class <n>', 'use only N training examples per class (seeded)', int)
    .option('--val-fraction <f>', 'share of --train held out for validation when --val is absent (0 turns it off)', Number)
    .addOption(new Option('--class-weights <how>', 'weigh classes by inverse frequency').choices(['none', 'balanced']))
    .option('--seed <n>', 'random seed (same seed, same result)', int)
    .option('--resume <dir>', 'continue an interrupted run from its last checkpoint')
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit fit --base fashion-cnn --train builtin:mnist --per-class 10 --strategy finetune --out runs/mnist
  $ transferkit fit --base fashion-cnn --train digits/ --strategy extract --out runs/digits --json
  $ transferkit fit --strategy scratch --arch mlp --train data.csv --label species --out runs/penguins
  $ transferkit fit --base fashion-cnn --train builtin:mnist --strategy finetune --unfreeze conv2,dense1 --out runs/mnist-ft
  $ transferkit fit --resume runs/mnist`,
    )
    .action((flags: FitFlags) =>
      runCommand(flags, async () => {
        await startEngine(flags.backend);
        const progress = createProgress();
        const callbacks = {
          onEpoch: (r: { phase: string; epoch: number; loss: number; valLoss?: number; valAccuracy?: number; seconds: number }) =>
            progress.log(
              `${r.phase} epoch ${r.epoch}: loss ${fmt(r.loss)}${r.valLoss !== undefined ? `, val loss ${fmt(r.valLoss)}, val accuracy ${fmt(r.valAccuracy)}` : ''} (${r.seconds.toFixed(1)} s)`,
            ),
          onStep: (phase: string, done: number, total: number) => progress.update(phase, done, total),
        };
        let res: FitResult;
        try {
          if (flags.resume) {
            res = await resumeFit(flags.resume, callbacks);
          } else {
            if (!flags.train) throw usage('--train <data> is required');
            if (!flags.out) throw usage('--out <dir> is required');
            res = await fit(
              {
                base: flags.base,
                strategy: flags.strategy,
                arch: flags.arch,
                train: flags.train,
                val: flags.val,
                valFraction: flags.valFraction,
                label: flags.label,
                impute: flags.impute,
                perClass: flags.perClass,
                epochs: flags.epochs,
                finetuneEpochs: flags.finetuneEpochs,
                batchSize: flags.batchSize,
                learningRate: flags.lr,
                unfreeze: flags.unfreeze,
                cutAt: flags.cutAt,
                patience: flags.patience,
                classWeights: flags.classWeights,
                seed: flags.seed,
                out: flags.out,
              },
              callbacks,
            );
          }
        } finally {
          progress.stop();
        }
        const score = res.val ?? res.train;
        const text = [
          `${res.resumed ? 'resumed and finished' : 'trained'} ${res.strategy} on ${res.trainSize} examples (${res.classes.length} classes) in ${res.seconds.toFixed(1)} s`,
          `trainable parameters: ${res.trainableParams} of ${res.totalParams}`,
          `${res.val ? `validation (${res.valSize})` : 'training'} accuracy ${fmt(score.accuracy)}, macro F1 ${fmt(score.macroF1)}`,
          `run folder: ${res.out}`,
        ].join('\n');
        return { json: res, text };
      }),
    );
}

function parseUnfreeze(v: string): number | string[] {
  return /^\d+$/.test(v.trim()) ? Number(v) : v.split(',').map((s) => s.trim()).filter(Boolean);
}

function usage(message: string): TransferkitError {
  return new TransferkitError('MISSING_OPTION', message, { hint: 'See `transferkit fit --help` for the options and examples.' });
}
