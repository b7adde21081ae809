import { availableParallelism } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { learningCurve, type CurveResult, type CurveSize } from '../../choose/curve.ts';
import { resumeLearningCurve } from '../../choose/curve-resume.ts';
import { TransferkitError } from '../../errors.ts';
import { trainingSetting, type TrainingSettingKey } from '../../transfer/settings.ts';
import type { FitConfig } from '../../transfer/fit.ts';
import { STRATEGIES, type Strategy } from '../../transfer/strategies.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { createProgress } from '../progress.ts';
import { layerFlag, positiveInt, positiveNumber, wholeNumber } from '../parsers.ts';
import { settingOption, settingsFromFlags } from '../settings-option.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { labelOption } from '../data-options.ts';
import { checkPlotFlags, plotLine, withPlotOptions, writePlots, type PlotFlags } from '../plot-option.ts';
import { learningCurveChart } from '../../report/charts/index.ts';

/** Commander parser: comma-separated strategies. */
export function strategyList(v: string): Strategy[] {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of list) if (!STRATEGIES.includes(s as Strategy)) throw new InvalidArgumentError(`unknown strategy "${s}" (use ${STRATEGIES.join(', ')})`);
  return list as Strategy[];
}

function sizeList(v: string): CurveSize[] {
  return v.split(',').map((s) => {
    const t = s.trim();
    if (t === 'all') return 'all';
    return positiveInt(t);
  });
}

/** Shared run options of `curve` and `compare` (the training settings are read by `settingsFromFlags`). */
export interface ExperimentFlags {
  base: string;
  train: string;
  test?: string;
  seeds?: number;
  strategies?: Strategy[];
  valPerClass?: number;
  targetAccuracy?: number;
  unfreeze?: number;
  cutAt?: string;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  out?: string;
  threads?: number;
  backend?: string;
  json?: boolean;
}

/**
 * Adds the options `curve` and `compare` share. `dataRequired: false` (curve, which also takes
 * `--resume`) leaves `--base` and `--train` optional for commander; the command checks them.
 */
export function withExperimentOptions(cmd: Command, { dataRequired = true }: { dataRequired?: boolean } = {}): Command {
  const base = `pretrained model: ${MODEL_REF_FORMS}`;
  const train = 'target data to draw labelled training examples from';
  const unlessResume = ' (required, except with --resume)';
  return (dataRequired ? cmd.requiredOption('--base <model>', base).requiredOption('--train <data>', train) : cmd.option('--base <model>', base + unlessResume).option('--train <data>', train + unlessResume))
    .option('--test <data>', 'fixed test set (default: a stratified 25% of --train, seed 0, never trained on)')
    .option('--seeds <n>', 'number of seeds; runs are paired by seed (default 3)', positiveInt)
    .option('--strategies <list>', 'comma-separated strategies (default extract,finetune,scratch)', strategyList)
    .option('--val-per-class <n>', 'validation examples per class held out of the pool for the training dynamics: one extra monitored run per strategy and size (curve default 10, compare default 0); the compared runs train for their full budget without them', wholeNumber)
    .addOption(settingOption('epochs', { defaultText: 'about 600 steps, 10 to 60' }))
    .addOption(settingOption('finetuneEpochs', { defaultText: 'half the epochs' }))
    .addOption(settingOption('learningRate', { defaultText: '0.002' }))
    .option('--unfreeze <k>', 'top base layers to unfreeze when fine-tuning (default 2)', positiveInt)
    .option('--cut-at <layer>', 'where extract/finetune cut the base: auto (default: below the most source-specific layers when the target is measured as different), default (the input of the old head), or a layer name or index')
    .addOption(labelOption())
    .option('--out <dir>', 'keep the runs and the JSON summary in this folder (default: a temporary folder)')
    .option('--threads <n>', 'training runs side by side, one worker thread each (default: one per core; 1 = one after the other, with a progress bar); results do not depend on it', positiveInt);
}

/** The `fit` overrides the flags give. */
export function fitOverrides(f: ExperimentFlags): Partial<FitConfig> {
  const o: Partial<FitConfig> = settingsFromFlags(f as unknown as Record<string, unknown>);
  if (f.unfreeze !== undefined) o.unfreeze = f.unfreeze;
  if (f.label !== undefined) o.label = f.label;
  return o;
}

/** `transferkit curve`: learning curves of transfer against scratch. */
export function registerCurve(program: Command): void {
  withPlotOptions(withExperimentOptions(withCommonOptions(program.command('curve')), { dataRequired: false }), 'the learning curve (accuracy against labelled examples per strategy, 95% band over seeds)')
    .description('learning curves: transfer strategies against scratch over target sizes and seeds, with data efficiency, time to accuracy and the negative-transfer verdict')
    .option('--sizes <list>', 'labelled examples per class, comma-separated; "all" for the whole pool (default 1,10,100)', sizeList)
    .option('--target-accuracy <x>', 'validation accuracy for "epochs/seconds to reach" (default: 90% of the best strategy at each size)', positiveNumber)
    .option('--resume <dir>', 'continue an interrupted curve (its --out folder) with the options it started with: finished runs are not trained again, an interrupted run continues from its checkpoint')
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit curve --base fashion-cnn --train builtin:mnist --sizes 1,10,100 --seeds 3
  $ transferkit curve --base fashion-cnn --train builtin:mnist --sizes 1,10,100 --seeds 3 --json > curve.json
  $ transferkit curve --base fashion-cnn --train builtin:mnist --sizes 1,10,100 --plot curve.png
  $ transferkit curve --base fashion-cnn --train builtin:mnist --sizes 1,10,100 --out curves/mnist
  $ transferkit curve --resume curves/mnist          # after Ctrl-C or a crash: the same result as uninterrupted

With --out (a new or empty folder), the folder keeps curve-options.json (written before
training, files as absolute paths), one run folder per run (n<size>/<strategy>-seed<seed>) and, at
the end, curve.json. A curve or resume locks the folder while it runs; --resume refuses a run
folder whose settings or data differ from the curve's.`,
    )
    .action((flags: ExperimentFlags & PlotFlags & { sizes?: CurveSize[]; resume?: string }) =>
      runCommand(flags, async () => {
        checkResumeFlags(flags);
        await checkPlotFlags(flags);
        await startEngine(flags.backend);
        const progress = createProgress();
        const onRun = (e: { size: CurveSize; strategy: Strategy; seed: number; accuracy?: number; seconds?: number }) =>
          e.accuracy !== undefined && progress.log(`  ${String(e.size).padStart(4)} per class  ${e.strategy.padEnd(8)} seed ${e.seed}: test accuracy ${fmt(e.accuracy)} (${e.seconds!.toFixed(1)} s)`);
        const callbacks = { onStep: (phase: string, d: number, t: number) => progress.update(phase, d, t) };
        const threads = flags.threads ?? availableParallelism();
        let res: CurveResult;
        try {
          res = flags.resume ? await resumeLearningCurve(flags.resume, { threads, onRun, callbacks }) : await learningCurve({
            base: flags.base!,
            train: flags.train!,
            test: flags.test,
            sizes: flags.sizes ?? [1, 10, 100],
            seeds: flags.seeds,
            strategies: flags.strategies,
            valPerClass: flags.valPerClass,
            targetAccuracy: flags.targetAccuracy,
            fit: fitOverrides(flags),
            cutAt: layerFlag(flags.cutAt),
            label: flags.label,
            out: flags.out,
            threads,
            onRun,
            callbacks,
          });
        } finally {
          progress.stop();
        }
        const plots = await writePlots(flags, () => ({ curve: learningCurveChart(res) }));
        return { json: plots.length ? { ...res, plots } : res, text: describeCurve(res) + plotLine(plots) };
      }),
    );
}

/**
 * `curve` needs `--base` and `--train`, except with `--resume`, which takes the curve's recorded
 * options and refuses flags that would change them.
 */
function checkResumeFlags(flags: ExperimentFlags & { sizes?: CurveSize[]; resume?: string }): void {
  if (flags.resume === undefined) {
    const missing = (['base', 'train'] as const).filter((k) => flags[k] === undefined);
    if (missing.length) {
      throw new TransferkitError('MISSING_OPTION', `curve needs ${missing.map((k) => `--${k}`).join(' and ')}`, { where: 'curve', hint: 'E.g. `transferkit curve --base fashion-cnn --train builtin:mnist`, or `transferkit curve --resume <dir>` to continue an interrupted curve.' });
    }
    return;
  }
  const keys = ['base', 'train', 'test', 'sizes', 'seeds', 'strategies', 'valPerClass', 'targetAccuracy', 'unfreeze', 'cutAt', 'label', 'out'] as const;
  const settings = Object.keys(settingsFromFlags(flags as unknown as Record<string, unknown>)) as TrainingSettingKey[];
  const given = [...keys.filter((k) => flags[k] !== undefined).map(flagName), ...settings.map((k) => trainingSetting(k).flag)].join(', ');
  if (given) {
    throw new TransferkitError('BAD_OPTION', `--resume continues the curve with the options it started with (recorded in its curve-options.json), so ${given} cannot be given with it`, {
      where: '--resume',
      hint: `Drop ${given}; to change them, start a new curve with another --out folder.`,
    });
  }
}

/** `valPerClass` → `--val-per-class`. */
function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The human-readable summary of a curve (also used by `compare`). */
export function describeCurve(res: CurveResult): string {
  const rows = res.points.flatMap((p) =>
    p.results.map((r) => [
      p.size === 'all' ? 'all' : String(p.size),
      String(p.examples),
      r.strategy,
      `${(100 * r.accuracy).toFixed(1)} ± ${(100 * r.std).toFixed(1)}`,
      r.toTarget.epochs === null ? 'never' : `${r.toTarget.epochs.toFixed(1)} ep / ${r.toTarget.seconds!.toFixed(1)} s`,
      r.seconds.toFixed(1),
    ]),
  );
  const shift = res.shift?.pad !== undefined ? `shift: proxy A-distance ${fmt(res.shift.pad, 2)} of 2, MMD p = ${fmt(res.shift.mmdPValue)}` : '';
  return [
    `${res.base} → ${res.target}, ${res.seeds.length} seeds, test set of ${res.testSize} (${res.test})`,
    `transfer cut: ${res.cut.layer ?? 'default'} — ${res.cut.reason}`,
    table(['per class', 'labels', 'strategy', 'accuracy % (mean ± std)', 'to target val acc', 'seconds'], rows),
    '',
    ...res.dataEfficiency.map((d) => `- ${d.statement}`),
    '',
    'verdict:',
    ...res.verdict.text.map((t) => `  ${t}`),
    ...res.points.filter((p) => p.verdict?.cause).map((p) => `  likely cause (${p.size} per class): ${p.verdict!.cause}`),
    ...(shift ? [shift] : []),
    ...(res.out ? [`runs and curve.json in ${res.out}`] : []),
  ].join('\n');
}
