import { InvalidArgumentError, Option, type Command } from 'commander';
import { TransferkitError } from '../../errors.ts';
import { multiTask, parseTaskList, taskIndex, type MultiTaskResult, type TrunkSpec, type Weighting } from '../../transfer/multitask/index.ts';
import { imputeOption, labelOption } from '../data-options.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { fmt, runCommand, table } from '../output.ts';
import { intAtLeast, layerFlag, positiveInt, positiveNumber, wholeNumber } from '../parsers.ts';
import { createProgress } from '../progress.ts';

interface MultitaskFlags {
  train: string;
  tasks: string;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  base?: string;
  arch?: 'cnn' | 'mlp';
  cutAt?: string;
  trainTrunk?: 'all' | 'none' | number;
  weighting?: 'fixed' | 'uncertainty';
  weights?: string;
  perClass?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  patience?: number;
  seed?: number;
  compareSingle?: boolean;
  seeds?: number;
  out?: string;
  backend?: string;
  json?: boolean;
}

/** `all`, `none` or a whole number of top trunk layers that train. */
function trunkLayers(v: string): 'all' | 'none' | number {
  const s = v.trim().toLowerCase();
  if (s === 'all' || s === 'none') return s;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected all, none or a whole number ≥ 0, got "${v}"`);
  return n;
}

/**
 * Loss weights in task order (`1,0.5`) or by name (`class=1,group=0.5`; tasks not named get 1).
 *
 * @throws TransferkitError `BAD_OPTION` for a weight that is not a number or an unknown task name.
 */
function taskWeightList(spec: string, tasks: string[]): number[] {
  const parts = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const num = (s: string) => {
    const n = Number(s);
    if (s === '' || !Number.isFinite(n)) throw new TransferkitError('BAD_OPTION', `Loss weight "${s}" is not a number`, { where: '--weights', hint: 'Write e.g. --weights 1,0.5 or --weights class=1,group=0.5.' });
    return n;
  };
  if (!parts.some((p) => p.includes('='))) return parts.map(num);
  const out = new Array<number>(tasks.length).fill(1);
  for (const p of parts) {
    const [name, value] = p.split('=');
    if (value === undefined) throw new TransferkitError('BAD_OPTION', `"${p}" mixes named and positional weights`, { where: '--weights', hint: 'Name every weight (class=1,group=0.5) or none (1,0.5).' });
    out[taskIndex(tasks.map((t) => ({ name: t })), name.trim(), '--weights')] = num(value.trim());
  }
  return out;
}

/** `transferkit multitask`: one shared trunk with a head per task, and its comparison with single-task models. */
export function registerMultitask(program: Command): void {
  withCommonOptions(program.command('multitask'))
    .description('train one shared trunk with a softmax head per task (fixed or uncertainty-weighted losses), score every task on held-out data, and compare with single-task models over seeds')
    .requiredOption('--train <data>', 'labelled data: builtin:NAME, .csv (needs --label), .jsonl, idx file or image folder')
    .requiredOption('--tasks <list>', 'tasks, comma-separated: NAME (the data\'s own labels, once), NAME=MAPPING.csv (a "class,group" file mapping each class to a group), NAME=column:COL (another label column of a CSV)')
    .addOption(labelOption('label column of CSV data (the first task)'))
    .addOption(imputeOption())
    .option('--base <model>', `shared trunk from a pretrained model (${MODEL_REF_FORMS}), cut below its head`)
    .addOption(new Option('--arch <kind>', 'fresh trunk when no --base: cnn (images) or mlp (default: cnn for images, else mlp)').choices(['cnn', 'mlp']))
    .option('--cut-at <layer>', 'with --base: the layer whose output the heads read (default: the input of its last Dense layer)')
    .option('--train-trunk <n>', 'with --base: all, none, or how many top trunk layers with weights train (default all)', trunkLayers)
    .addOption(new Option('--weighting <kind>', 'how task losses combine: fixed (Σ w·CE) or uncertainty (learned, Kendall et al. 2018) (default fixed)').choices(['fixed', 'uncertainty']))
    .option('--weights <list>', 'fixed loss weights in task order (1,0.5) or by name (group=0.5; others 1)')
    .option('--per-class <n>', 'train on n labelled examples per class of the first task (and n/2 for validation)', positiveInt)
    .option('--epochs <n>', 'most epochs (default 20; early stopping on the summed validation loss)', positiveInt)
    .option('--batch-size <n>', 'batch size (default 32)', positiveInt)
    .option('--lr <rate>', 'AdamW learning rate (default 0.001)', positiveNumber)
    .option('--patience <n>', 'epochs without a lower validation loss before stopping (default 5)', positiveInt)
    .option('--seed <n>', 'seed of the run and first seed of the comparison (default 0)', wholeNumber)
    .option('--compare-single', 'also train one single-task model per task (same data, trunk, budget) and give the paired verdict')
    .option('--seeds <n>', 'seeds of --compare-single (default 3)', intAtLeast(1))
    .option('--out <dir>', 'write the run: model/ (several outputs), heads/<task>/ (plain models), config.json, history.jsonl, metrics.json')
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit multitask --train builtin:fashion-mnist-test --tasks class,group=datasets/tasks/fashion-groups.csv --per-class 20
  $ transferkit multitask --train builtin:fashion-mnist-test --tasks class,group=datasets/tasks/fashion-groups.csv \\
      --base digits04-cnn --train-trunk 1 --weighting uncertainty --compare-single --out runs/mt
  $ transferkit multitask --train builtin:mnist --tasks digit,parity=datasets/tasks/digit-parity.csv --weights 1,0.5 --json
  $ transferkit multitask --train people.csv --label income --tasks income,sector=column:sector --arch mlp

Multi-task training runs on TF.js (the ONNX engine trains single-softmax models only).
The saved model/ has one output per task; predict, evaluate and explain take one head at a
time: pass heads/<task>/.`,
    )
    .action((flags: MultitaskFlags) =>
      runCommand(flags, async () => {
        const sources = parseTaskList(flags.tasks);
        const names = [sources.find((s) => s.from === 'labels')!.name, ...sources.filter((s) => s.from !== 'labels').map((s) => s.name)];
        if (flags.weights !== undefined && flags.weighting === 'uncertainty') {
          throw new TransferkitError('BAD_OPTION', '--weights sets fixed weights, but --weighting uncertainty learns them', { where: '--weights', hint: 'Drop --weights, or use --weighting fixed.' });
        }
        if (flags.base === undefined && (flags.cutAt !== undefined || flags.trainTrunk !== undefined)) {
          throw new TransferkitError('BAD_OPTION', `${flags.cutAt !== undefined ? '--cut-at' : '--train-trunk'} applies to a pretrained trunk, and no --base is given`, { where: flags.cutAt !== undefined ? '--cut-at' : '--train-trunk', hint: 'Add --base MODEL, or drop the option.' });
        }
        if (flags.base !== undefined && flags.arch !== undefined) throw new TransferkitError('BAD_OPTION', '--arch builds a fresh trunk, and --base gives a pretrained one: pick one', { where: '--arch', hint: 'Drop --arch or --base.' });
        const weighting: Weighting = flags.weighting === 'uncertainty' ? { kind: 'uncertainty' } : flags.weights !== undefined ? { kind: 'fixed', weights: taskWeightList(flags.weights, names) } : { kind: 'fixed' };
        const trunk: TrunkSpec = flags.base !== undefined ? { kind: 'base', ref: flags.base, cutAt: layerFlag(flags.cutAt), train: flags.trainTrunk } : { kind: 'scratch', arch: flags.arch ?? 'auto' };
        await startEngine(flags.backend);
        const progress = createProgress({ quiet: flags.json });
        let res: MultiTaskResult;
        try {
          res = await multiTask({
            train: flags.train,
            tasks: sources,
            label: flags.label,
            impute: flags.impute,
            trunk,
            weighting,
            perClass: flags.perClass,
            epochs: flags.epochs,
            batchSize: flags.batchSize,
            learningRate: flags.lr,
            patience: flags.patience,
            seed: flags.seed,
            compareSingle: flags.compareSingle,
            seeds: flags.seeds,
            out: flags.out,
            onProgress: (what, d, t) => progress.update(what, d, t),
            onLog: (line) => progress.log(line),
          });
        } finally {
          progress.stop();
        }
        return { json: res, text: describe(res) };
      }),
    );
}

function describe(res: MultiTaskResult): string {
  const lines = [
    `${res.tasks.map((t) => `${t.name} (${t.classes.length} classes)`).join(' + ')}; ${res.trainSize} training, ${res.valSize} validation, ${res.testSize} test examples; ${res.weighting} weighting on TF.js`,
    `kept epoch ${res.bestEpoch} of ${res.epochs}${res.stoppedEarly ? ' (stopped early)' : ''}; task weights ${res.weights.map((w) => w.toFixed(2)).join(', ')}${res.weighting === 'uncertainty' ? ' (learned, exp(−s))' : ''}`,
    '',
    table(['task', 'accuracy', 'macro F1'], res.scores.map((s) => [s.task, fmt(s.accuracy), fmt(s.macroF1)])),
  ];
  if (res.comparison) {
    const c = res.comparison;
    lines.push('', `multi-task vs single-task, test accuracy over seeds ${c.seeds.join(', ')}:`);
    lines.push(table(['task', 'multi', 'single', 'verdict'], c.verdicts.map((v) => [v.task, `${fmt(v.multi.mean)} ± ${fmt(v.multi.sd)}`, `${fmt(v.single.mean)} ± ${fmt(v.single.sd)}`, v.kind])));
    lines.push('', ...c.verdicts.map((v) => `  - ${v.text}`));
  }
  if (res.out) lines.push('', `run written to ${res.out} (multi-output model in model/, one plain model per task in heads/)`);
  lines.push(`(${res.seconds.toFixed(1)} s)`);
  return lines.join('\n');
}
