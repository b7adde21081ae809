import { Option, type Command } from 'commander';
import { zeroShot, ZERO_SHOT_METHODS, type ZeroShotMethod, type ZeroShotRun } from '../../transfer/zero-shot/index.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { commaList, positiveInt, positiveNumber } from '../parsers.ts';
import { createProgress } from '../progress.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { settingOption } from '../settings-option.ts';

interface ZeroshotFlags {
  base: string;
  train: string;
  test: string;
  attributes: string;
  unseen: string[];
  method: ZeroShotMethod;
  generalised?: boolean;
  perClass?: number;
  testPerClass?: number;
  gamma?: number;
  lambda?: number;
  tune?: boolean;
  scoring?: 'map' | 'likelihood';
  seed?: number;
  backend?: string;
  json?: boolean;
}

/** `transferkit zeroshot`: recognise classes never trained on by their attributes. */
export function registerZeroshot(program: Command): void {
  withCommonOptions(program.command('zeroshot'))
    .description('zero-shot learning by attributes: train attribute models on the seen classes on a frozen base\'s features, recognise unseen classes from an attribute table (ESZSL or DAP)')
    .requiredOption('--base <model>', `frozen base model whose penultimate features are used (${MODEL_REF_FORMS})`)
    .requiredOption('--train <data>', 'training images (only the seen classes are used): builtin:NAME, idx file or image folder')
    .requiredOption('--test <data>', 'test images, including the unseen classes')
    .requiredOption('--attributes <csv>', 'attribute table: class,attr1,attr2,… with values in [0, 1], one row per class')
    .requiredOption('--unseen <classes>', 'comma-separated classes held out of training and recognised zero-shot', commaList)
    .addOption(new Option('--method <name>', 'eszsl (closed-form bilinear map) or dap (one logistic regression per attribute)').choices([...ZERO_SHOT_METHODS]).default('eszsl'))
    .option('--generalised', 'also evaluate among seen + unseen classes (accuracy on seen, on unseen, harmonic mean)')
    .option('--per-class <n>', 'training images per seen class (seeded subsample; default 1000)', positiveInt)
    .option('--test-per-class <n>', 'test images per class (default: all)', positiveInt)
    .option('--gamma <g>', 'ESZSL ridge on the feature side (default 1% of the training images)', positiveNumber)
    .option('--lambda <l>', 'ESZSL ridge on the attribute side (default 1)', positiveNumber)
    .option('--tune', 'ESZSL: choose gamma and lambda by class-wise hold-out on the seen classes')
    .addOption(new Option('--scoring <rule>', 'DAP: map (divide by attribute priors, Lampert) or likelihood').choices(['map', 'likelihood']))
    .addOption(settingOption('seed'))
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit zeroshot --base fashion-cnn --train builtin:fashion-mnist --test builtin:fashion-mnist-test \\
      --attributes datasets/fashion-attributes/attributes.csv --unseen Pullover,Sandal,Bag
  $ transferkit zeroshot --base runs/seen-only --train builtin:fashion-mnist --test builtin:fashion-mnist-test \\
      --attributes datasets/fashion-attributes/attributes.csv --unseen Pullover,Sandal,Bag --method dap --generalised --json

Only attributes that vary over the seen classes can be learned; unseen classes must differ on
them. A base trained on the unseen classes (like fashion-cnn on Fashion-MNIST) leaks their
supervision into the features: train a base on the seen classes only for a strict test.`,
    )
    .action((flags: ZeroshotFlags) =>
      runCommand(flags, async () => {
        await startEngine(flags.backend);
        const progress = createProgress();
        let r: ZeroShotRun;
        try {
          r = await zeroShot({
            base: flags.base,
            train: flags.train,
            test: flags.test,
            attributes: flags.attributes,
            unseen: flags.unseen,
            method: flags.method,
            generalised: flags.generalised,
            perClass: flags.perClass,
            testPerClass: flags.testPerClass,
            seed: flags.seed,
            eszsl: { gamma: flags.gamma, lambda: flags.lambda },
            tune: flags.tune,
            dap: { scoring: flags.scoring },
            onStep: (s) => progress.log(`  ${s}`),
          });
        } finally {
          progress.stop();
        }
        return { json: r, text: describe(r) };
      }),
    );
}

function describe(r: ZeroShotRun): string {
  const lines = [
    `${r.method} on ${r.features}`,
    `seen (${r.seen.length}, ${r.trainImages} training images): ${r.seen.join(', ')}`,
    `unseen: ${r.unseen.join(', ')}; ${r.attributesUsed.length} learnable attributes`,
    `${Object.entries(r.details).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`).join(', ')}`,
    '',
    `zero-shot top-1 among the unseen classes: ${fmt(r.zsl.accuracy)} (chance ${fmt(r.zsl.chance)}, ${r.zsl.images} images)`,
    table(['class', 'accuracy', 'images'], r.zsl.perClass.map((p) => [p.class, fmt(p.accuracy), String(p.images)])),
  ];
  if (r.gzsl) {
    lines.push('', `generalised (among all ${r.seen.length + r.unseen.length} classes): seen ${fmt(r.gzsl.seen)}, unseen ${fmt(r.gzsl.unseen)}, harmonic mean ${fmt(r.gzsl.harmonic)}`);
  }
  return lines.join('\n');
}
