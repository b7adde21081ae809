import { Option, type Command } from 'commander';
import { advise, type Advice } from '../../choose/advisor.ts';
import { fitAuto } from '../../choose/fit-auto.ts';
import { TransferkitError } from '../../errors.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { createProgress } from '../progress.ts';
import { positiveInt, positiveNumber } from '../parsers.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { settingOption } from '../settings-option.ts';
import { imputeOption, labelOption } from '../data-options.ts';

interface AdviseFlags {
  base: string;
  train: string;
  source?: string;
  perClass?: number;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  largePerClass?: number;
  similarPad?: number;
  lr?: number;
  seed?: number;
  apply?: boolean;
  out?: string;
  backend?: string;
  json?: boolean;
}

/** `transferkit advise`: measure size and similarity, recommend what to freeze (and optionally train with it). */
export function registerAdvise(program: Command): void {
  withCommonOptions(program.command('advise'))
    .description('recommend how to transfer: measures target size and source/target similarity (MMD, proxy A-distance, source label distribution) and turns the four-way rule into a plan')
    .requiredOption('--base <model>', `pretrained model: ${MODEL_REF_FORMS}`)
    .requiredOption('--train <data>', 'target training data: builtin:NAME, .csv, .jsonl, idx file or image folder')
    .option('--source <data>', "a sample of the base model's training data (default: the sample the model records)")
    .addOption(settingOption('perClass', { help: 'labelled examples per class you will train with (as fit --per-class)' }))
    .addOption(labelOption())
    .addOption(imputeOption())
    .option('--large-per-class <n>', 'labels per class from which the data counts as large (default 50)', positiveInt)
    .option('--similar-pad <x>', 'proxy A-distance below which source and target count as similar (default 1.0)', positiveNumber)
    .addOption(settingOption('learningRate', { help: 'head learning rate of the plan', defaultText: '0.002 for images, 0.01 otherwise' }))
    .addOption(settingOption('seed'))
    .option('--apply', 'train with the plan (needs --out; the same as fit --strategy auto)')
    .option('--out <dir>', 'run folder for --apply')
    .addHelpText(
      'after',
      `
The rule (thresholds can be changed with --large-per-class and --similar-pad):
  small + similar    train the new head only (extract)
  large + similar    unfreeze the top third of the base layers
  small + different  drop the top third (the most source-specific layers), train the head on the
                     earlier features, then retrain the highest layer kept at a tenth of the rate
  large + different  drop the top third too, then fine-tune every layer kept
(without a layer to cut at, the different quadrants unfreeze the top two thirds / everything)

Examples:
  $ transferkit advise --base fashion-cnn --train builtin:mnist --per-class 10
  $ transferkit advise --base fashion-cnn --train builtin:mnist --per-class 10 --apply --out runs/auto
  $ transferkit advise --base my-model --train photos/ --source old-photos/ --json`,
    )
    .action((flags: AdviseFlags) =>
      runCommand(flags, async () => {
        await startEngine(flags.backend);
        const thresholds = { ...(flags.largePerClass ? { largePerClass: flags.largePerClass } : {}), ...(flags.similarPad ? { similarPad: flags.similarPad } : {}) };
        if (flags.apply) {
          if (!flags.out) throw new TransferkitError('MISSING_OPTION', '--apply trains with the plan and needs --out <dir>', { hint: 'Add --out runs/<name>.' });
          const progress = createProgress();
          try {
            const { advice, fit: res } = await fitAuto(
              { base: flags.base, train: flags.train, perClass: flags.perClass, label: flags.label, impute: flags.impute, learningRate: flags.lr, seed: flags.seed, out: flags.out },
              { source: flags.source, thresholds, onAdvice: (a) => progress.log(describe(a)), callbacks: { onStep: (phase, d, t) => progress.update(phase, d, t) } },
            );
            const score = res.val ?? res.train;
            return {
              json: { advice, fit: res },
              text: [describe(advice), '', `trained ${res.strategy} in ${res.seconds.toFixed(1)} s: ${res.val ? 'validation' : 'training'} accuracy ${fmt(score.accuracy)}; run folder ${res.out} (advice in advice.json)`].join('\n'),
            };
          } finally {
            progress.stop();
          }
        }
        const advice = await advise({ base: flags.base, train: flags.train, source: flags.source, perClass: flags.perClass, label: flags.label, impute: flags.impute, thresholds, learningRate: flags.lr, seed: flags.seed });
        return { json: advice, text: describe(advice) };
      }),
    );
}

function describe(a: Advice): string {
  const s = a.similarity;
  const measures: string[][] = [];
  if (s.pad) measures.push(['proxy A-distance', `${fmt(s.pad.pad, 2)} of 2`, `domain classifier error ${fmt(s.pad.error)}`]);
  if (s.mmd) measures.push(['MMD² (RBF)', s.mmd.mmd2.toExponential(2), `permutation p = ${fmt(s.mmd.pValue)}`]);
  measures.push(['source confidence on target', `${(100 * s.sourceLabels.onTarget.meanConfidence).toFixed(0)}%`, s.sourceLabels.onSource ? `${(100 * s.sourceLabels.onSource.meanConfidence).toFixed(0)}% on its own data` : '']);
  if (s.sourceLabels.labelMatch !== undefined) measures.push(['label match 1 − H(Y|Z)/H(Y)', fmt(s.sourceLabels.labelMatch), 'share of target-label entropy the source labels explain']);
  if (s.sourceLabels.leep !== undefined) measures.push(['LEEP', fmt(s.sourceLabels.leep), 'higher is better, ≤ 0']);
  const p = a.plan;
  return [
    `${a.base} → ${a.target}: ${a.size.examples} labelled examples, ${a.size.classes} classes (${a.size.perClass} per class)`,
    `similarity measured on ${s.nTarget} target${s.nSource ? ` and ${s.nSource} source examples (${s.source})` : ' examples'} in ${s.layer} (${s.dims} features):`,
    table(['measure', 'value', 'note'], measures),
    '',
    `quadrant: ${a.quadrant.replace('-', ' + ')} → ${p.rule}`,
    ...a.reasons.map((r) => `  - ${r}`),
    '',
    `plan: --strategy ${p.strategy}${p.cutAt ? ` --cut-at ${p.cutAt}` : ''}${p.unfreeze.length ? ` --unfreeze ${p.unfreeze.join(',')}` : ''} --lr ${p.learningRate} --epochs ${p.epochs}${p.finetuneEpochs ? ` --finetune-epochs ${p.finetuneEpochs}` : ''} --batch-size ${p.batchSize}`,
    `(the other quadrants would: ${a.alternatives.map((alt) => `${alt.quadrant}: ${alt.strategy}${alt.cutAt ? ` cut at ${alt.cutAt}` : ''}${alt.unfreeze.length ? ` unfreezing ${alt.unfreeze.join(', ')}` : ''}`).join('; ')})`,
  ].join('\n');
}
