import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Advice } from '../../choose/advisor.ts';
import { fitAuto } from '../../choose/fit-auto.ts';
import { TransferkitError } from '../../errors.ts';
import { AUGMENTATIONS } from '../../transfer/augment.ts';
import { fit, resumeFit, type FitConfig, type FitResult } from '../../transfer/fit.ts';
import { isWordVectorsRef } from '../../models/text/word-vector-base.ts';
import { parseLayerLr, SCHEDULES } from '../../transfer/schedules.ts';
import { STRATEGIES } from '../../transfer/strategies.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand } from '../output.ts';
import { createProgress } from '../progress.ts';
import { commaList, hiddenSizes, intAtLeast } from '../parsers.ts';
import { settingOption, settingsFromFlags } from '../settings-option.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { columnTypesOption, imputeOption, labelOption } from '../data-options.ts';
import { writeRunCard } from '../../report/index.ts';
import { confusionChart, lossCurveChart, type EpochLoss } from '../../report/charts/index.ts';
import { checkPlotFlags, plotLine, withPlotOptions, writePlots, type PlotFlags } from '../plot-option.ts';

/** The parsed flags (the numeric training settings are read by `settingsFromFlags`). */
interface FitFlags extends PlotFlags {
  base?: string;
  tokenizer?: string;
  pooling?: 'mean' | 'cls' | 'sif' | 'max';
  maxTokens?: number;
  vocabTop?: number;
  train?: string;
  val?: string;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  columnTypes?: Record<string, 'numeric' | 'categorical'>;
  strategy: FitConfig['strategy'] | 'auto';
  source?: string;
  arch?: FitConfig['arch'];
  out?: string;
  unfreeze?: number | string[];
  cutAt?: string;
  classWeights?: 'none' | 'balanced';
  resume?: string;
  card?: boolean;
  backend?: string;
  json?: boolean;
  unfreezeSchedule?: string;
  layerLr?: Record<string, number>;
  lrSchedule?: FitConfig['lrSchedule'];
  headHidden?: number[];
  headSolver?: 'adam' | 'lbfgs';
  augment?: string;
  loraLayers?: string[];
}

const layerLr = (v: string) => {
  try {
    return parseLayerLr(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message + ' (write name=factor pairs, e.g. conv1=0.1,dense1=0.5)');
  }
};

/** `transferkit fit`: train with a transfer strategy and write a run folder. */
export function registerFit(program: Command): void {
  withPlotOptions(withCommonOptions(program.command('fit')), 'the training and validation loss per epoch and the confusion matrix (validation data, else training data)')
    .description('train a model for a new task by transfer (extract, finetune) or from scratch, writing a run folder')
    .option('--base <model>', `pretrained model: ${MODEL_REF_FORMS} (ONNX is converted on the fly)`)
    .option('--tokenizer <file>', 'with an ONNX text encoder as --base (BERT-family, WordPiece): its tokenizer.json (default: tokenizer.json beside the .onnx)')
    .addOption(new Option('--pooling <how>', 'with an ONNX text encoder as --base: one vector per text by mean over the tokens (attention-masked) or the [CLS] token; with word vectors as --base (glove-100d): sif (frequency-weighted mean; default), mean or max').choices(['mean', 'cls', 'sif', 'max']))
    .option('--max-tokens <n>', 'with word vectors as --base: word slots per text (default 256; longer texts are cut at the end)', intAtLeast(1))
    .option('--vocab-top <n>', 'with word vectors as --base: also give the n most frequent words of the set an embedding row, beyond the training words (default 0)', intAtLeast(0))
    .option('--train <data>', 'training data: builtin:NAME, .csv, .jsonl, idx file or image folder')
    .option('--val <data>', 'validation data (default: a stratified 15% of --train)')
    .addOption(labelOption())
    .addOption(imputeOption())
    .addOption(columnTypesOption())
    .addOption(new Option('--strategy <name>', 'how to transfer; auto: let the advisor choose what to freeze from the target size and its measured similarity to the base (see `transferkit advise`)').choices([...STRATEGIES, 'auto']).default('finetune'))
    .option('--source <data>', "with --strategy auto: a sample of the base model's training data to measure similarity against (default: the sample the model records)")
    .addOption(new Option('--arch <name>', 'architecture for scratch without --base').choices(['mlp', 'logistic', 'cnn']))
    .option('--out <dir>', 'run folder to create')
    .option('--card', 'also write the model card (MODEL_CARD.md, model_card.json) into the run folder when training ends; `transferkit card` writes it later, with its intended use')
    .addOption(settingOption('epochs'))
    .addOption(settingOption('finetuneEpochs'))
    .addOption(settingOption('batchSize'))
    .addOption(settingOption('learningRate'))
    .option('--cut-at <layer>', 'base layer (name or index, see `transferkit inspect`) whose output feeds the new head')
    .option('--unfreeze <k|layers>', 'when fine-tuning, unfreeze the top k weighted base layers (default 2), or the base layers named or indexed in a comma-separated list', parseUnfreeze)
    .addOption(settingOption('patience'))
    .addOption(settingOption('perClass'))
    .addOption(settingOption('valFraction'))
    .addOption(new Option('--class-weights <how>', 'weigh classes by inverse frequency').choices(['none', 'balanced']))
    .addOption(settingOption('seed'))
    .option('--resume <dir>', 'continue an interrupted run from its last checkpoint')
    .optionsGroup('Fine-tuning controls:')
    .option('--unfreeze-schedule <plan>', 'gradual unfreezing (finetune): comma-separated EPOCH:LAYER entries, layers of one epoch joined by "+", e.g. "1:head,3:dense1,5:conv2+bn2"; the head trains from epoch 1, each base layer joins at its epoch ("all": the whole base); runs one phase of --epochs')
    .addOption(settingOption('lrDecay'))
    .option('--layer-lr <pairs>', 'learning-rate multipliers per layer, e.g. conv1=0.1,conv2=0.3 (override --lr-decay)', layerLr)
    .addOption(new Option('--lr-schedule <kind>', 'learning-rate schedule within each phase: constant, cosine (down to 0), step (× --lr-gamma every --lr-step-epochs)').choices([...SCHEDULES]))
    .addOption(settingOption('warmup'))
    .addOption(settingOption('warmupSteps'))
    .addOption(settingOption('lrStepEpochs'))
    .addOption(settingOption('lrGamma'))
    .addOption(settingOption('weightDecay'))
    .addOption(settingOption('l2sp'))
    .addOption(settingOption('l2spBeta'))
    .option('--head-hidden <sizes>', 'hidden ReLU layers of the new head, comma-separated sizes, or none (default on a pretrained base: 128, with --head-dropout 0.5)', hiddenSizes)
    .addOption(new Option('--head-solver <solver>', 'how the head on the frozen base trains: adam (the phase\'s epochs at --lr; default) or lbfgs (to convergence, L2 strength by k-fold cross-validation on the training examples; a linear head only)').choices(['adam', 'lbfgs']))
    .addOption(settingOption('headDropout'))
    .addOption(settingOption('labelSmoothing'))
    .option('--augment <list>', `image augmentation per batch, seeded: any of ${AUGMENTATIONS.join(', ')}, each optionally =strength (shift=0.1 of the size, rotate=10 degrees, zoom=0.1, flip=0.5 probability, noise=0.05 std)`)
    .optionsGroup('LoRA (--strategy lora):')
    .addOption(settingOption('loraRank'))
    .addOption(settingOption('loraAlpha'))
    .option('--lora-layers <layers>', 'base layers to adapt, comma-separated Dense (or Conv2D) names (default: every Dense layer of the base); the new head always trains in full', commaList)
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit fit --base fashion-cnn --train builtin:mnist --per-class 10 --strategy finetune --out runs/mnist
  $ transferkit fit --base fashion-cnn --train builtin:mnist --per-class 10 --strategy auto --out runs/mnist-auto
  $ transferkit fit --base fashion-cnn --train digits/ --strategy extract --out runs/digits --json
  $ transferkit fit --strategy scratch --arch mlp --train data.csv --label species --out runs/penguins
  $ transferkit fit --base fashion-cnn --train builtin:mnist --strategy finetune --unfreeze conv2,dense1 --out runs/mnist-ft
  $ transferkit fit --base fashion-cnn --train builtin:mnist --per-class 10 --augment shift,rotate,zoom --lr-schedule cosine --warmup 1 --out runs/mnist-aug
  $ transferkit fit --base fashion-cnn --train builtin:mnist --unfreeze-schedule "1:head,3:dense1,5:conv2" --lr-decay 0.3 --out runs/mnist-gradual
  $ transferkit fit --base fashion-cnn --train builtin:mnist --l2sp 0.01 --label-smoothing 0.1 --out runs/mnist-l2sp
  $ transferkit fit --base fashion-cnn --train builtin:mnist --strategy lora --lora-rank 8 --lora-alpha 16 --out runs/mnist-lora
  $ transferkit fit --base minilm/model.onnx --tokenizer minilm/tokenizer.json --strategy extract --train reviews.jsonl --out runs/reviews
  $ transferkit fit --base glove-100d --train builtin:spam-2003 --per-class 10 --strategy extract --pooling sif --out runs/spam-glove
  $ transferkit fit --resume runs/mnist
  $ transferkit fit --strategy scratch --arch mlp --train builtin:iris --out runs/iris --plot runs/iris/fit.png

--strategy auto runs the freeze advisor first (as \`transferkit advise\`: target size and measured
similarity to the base) and trains its plan: strategy, layers to unfreeze, cut, learning rate,
epochs and batch size. Options given explicitly (--lr, --epochs, --unfreeze, …) win over the
plan's. The advice is saved in <out>/advice.json, the plan trained in <out>/config.json.

Checkpoints: <out>/checkpoints/last (every epoch) and <out>/checkpoints/best (lowest validation
loss, or training loss without validation data). With --strategy lora, <out>/model holds the
adapter merged into a plain model and <out>/adapter the adapter alone (see loadAdapter).`,
    )
    .action((flags: FitFlags) =>
      runCommand(flags, async () => {
        if (flags.strategy === 'auto' && !flags.resume && !flags.base) {
          throw new TransferkitError('MISSING_BASE', '--strategy auto needs --base: the advisor measures the target against a pretrained model', {
            hint: 'Pass --base with a pretrained model (see `transferkit models`), or choose --strategy scratch.',
          });
        }
        if (flags.strategy === 'auto' && flags.base && isWordVectorsRef(flags.base)) {
          throw new TransferkitError('BAD_OPTION', `--strategy auto measures the target against a pretrained model, and ${flags.base} is word vectors, not a model`, {
            hint: 'Choose --strategy extract (a head on the frozen pooled vectors) or --strategy finetune (then the embedding trains too).',
          });
        }
        if (flags.source !== undefined && flags.strategy !== 'auto') throw usage("--source is only used by --strategy auto (to measure how similar the target is to the base model's data)");
        await checkPlotFlags(flags);
        await startEngine(flags.backend);
        const progress = createProgress();
        const epochs: EpochLoss[] = [];
        const callbacks = {
          onEpoch: (r: { phase: string; epoch: number; loss: number; valLoss?: number; valAccuracy?: number; seconds: number }) => {
            epochs.push({ phase: r.phase, epoch: r.epoch, loss: r.loss, valLoss: r.valLoss });
            progress.log(
              `${r.phase} epoch ${r.epoch}: loss ${fmt(r.loss)}${r.valLoss !== undefined ? `, val loss ${fmt(r.valLoss)}, val accuracy ${fmt(r.valAccuracy)}` : ''} (${r.seconds.toFixed(1)} s)`,
            );
          },
          onStep: (phase: string, done: number, total: number) => progress.update(phase, done, total),
        };
        let res: FitResult;
        let advice: Advice | undefined;
        try {
          if (flags.resume) {
            res = await resumeFit(flags.resume, callbacks);
          } else {
            if (!flags.train) throw usage('--train <data> is required');
            if (!flags.out) throw usage('--out <dir> is required');
            const config = {
              ...settingsFromFlags(flags as unknown as Record<string, unknown>),
              base: flags.base,
              tokenizer: flags.tokenizer,
              pooling: flags.pooling,
              maxTokens: flags.maxTokens,
              vocabTop: flags.vocabTop,
              arch: flags.arch,
              train: flags.train,
              val: flags.val,
              label: flags.label,
              impute: flags.impute,
              columnTypes: flags.columnTypes,
              unfreeze: flags.unfreeze,
              cutAt: flags.cutAt,
              classWeights: flags.classWeights,
              out: flags.out,
              unfreezeSchedule: flags.unfreezeSchedule,
              layerLr: flags.layerLr,
              lrSchedule: flags.lrSchedule,
              headHidden: flags.headHidden,
              headSolver: flags.headSolver,
              augment: flags.augment,
              loraLayers: flags.loraLayers,
            };
            if (flags.strategy === 'auto') {
              const auto = await fitAuto(config, { source: flags.source, callbacks, onAdvice: (a) => progress.log(`advisor: ${a.quadrant.replace('-', ' + ')} → ${a.plan.rule}; training: ${a.plan.summary}`) });
              advice = auto.advice;
              res = auto.fit;
            } else {
              res = await fit({ ...config, strategy: flags.strategy }, callbacks);
            }
          }
        } finally {
          progress.stop();
        }
        // the CLI only reports: the trained model is in the run folder
        const { model: trained, ...report } = res;
        trained.dispose();
        const card = flags.card && report.out ? (await writeRunCard(report.out)).files : undefined;
        const score = report.val ?? report.train;
        const plots = await writePlots(flags, () => ({
          ...(epochs.length ? { loss: lossCurveChart(epochs, { title: `Loss per epoch: ${report.strategy}${report.resumed ? ' (epochs of this call)' : ''}` }) } : {}),
          confusion: confusionChart(score, { title: `Confusion matrix (${report.val ? 'validation' : 'training'} data)` }),
        }));
        const text = [
          ...(advice ? [...describeAdvice(advice), ''] : []),
          `${report.resumed ? 'resumed and finished' : 'trained'} ${report.strategy} on ${report.trainSize} examples (${report.classes.length} classes) in ${report.seconds.toFixed(1)} s`,
          `trainable parameters: ${report.trainableParams} of ${report.totalParams}`,
          ...(Object.keys(report.engines).length ? [`trained by: ${Object.entries(report.engines).map(([phase, e]) => `${phase} ${e === 'onnx' ? 'ONNX engine' : e === 'tfjs' ? 'TF.js' : e === 'prototypes' ? 'class means (prototypes)' : 'L-BFGS'}`).join(', ')}${report.engineFallback ? ` (not the ONNX engine: ${report.engineFallback})` : ''}`] : []),
          `${report.val ? `validation (${report.valSize})` : 'training'} accuracy ${fmt(score.accuracy)}, macro F1 ${fmt(score.macroF1)}`,
          ...(report.best ? [`best checkpoint: ${report.best.phase} epoch ${report.best.epoch} (${report.val ? 'validation' : 'training'} loss ${fmt(report.best.loss)})`] : []),
          ...(report.adapter ? [`adapter: ${report.adapter}`] : []),
          ...(report.defaults.reasons.length ? ['defaults (settings not given, see config.json):', ...report.defaults.reasons.map((r) => `  - ${r}`)] : []),
          ...report.warnings.map((w) => `warning: ${w}`),
          ...(advice ? [`run folder: ${report.out} (the advice is in advice.json)`] : [`run folder: ${report.out}`]),
          ...(card ? [`model card: ${card.markdown}`] : []),
        ].join('\n') + plotLine(plots);
        return { json: { ...report, ...(advice ? { advice } : {}), ...(card ? { card } : {}), ...(plots.length ? { plots } : {}) }, text };
      }),
    );
}

/** The advice in a few lines: quadrant, reasons, the plan trained. */
function describeAdvice(a: Advice): string[] {
  const p = a.plan;
  return [
    `advisor: ${a.base} → ${a.target}, ${a.size.examples} labelled examples (${a.size.perClass} per class); quadrant ${a.quadrant.replace('-', ' + ')} → ${p.rule}`,
    ...a.reasons.map((r) => `  - ${r}`),
    `plan: --strategy ${p.strategy}${p.cutAt ? ` --cut-at ${p.cutAt}` : ''}${p.unfreeze.length ? ` --unfreeze ${p.unfreeze.join(',')}` : ''} --lr ${p.learningRate} --epochs ${p.epochs}${p.finetuneEpochs ? ` --finetune-epochs ${p.finetuneEpochs}` : ''} --batch-size ${p.batchSize}`,
  ];
}

function parseUnfreeze(v: string): number | string[] {
  return /^\d+$/.test(v.trim()) ? Number(v) : v.split(',').map((s) => s.trim()).filter(Boolean);
}

function usage(message: string): TransferkitError {
  return new TransferkitError('MISSING_OPTION', message, { hint: 'See `transferkit fit --help` for the options and examples.' });
}
