import { InvalidArgumentError, Option, type Command } from 'commander';
import { TransferkitError } from '../../errors.ts';
import { POOLINGS, type Pooling } from '../../models/text/document-vectors.ts';
import { zeroShot, zeroShotText, ZERO_SHOT_METHODS, type TextZeroShotResult, type ZeroShotMethod, type ZeroShotRun } from '../../transfer/zero-shot/index.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { commaList, positiveInt, positiveNumber } from '../parsers.ts';
import { createProgress } from '../progress.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { settingOption } from '../settings-option.ts';

interface ZeroshotFlags {
  base?: string;
  train?: string;
  test: string;
  attributes?: string;
  classNames?: string;
  descriptions?: string;
  classes?: string[];
  describeBy?: 'name' | 'description' | 'both';
  pooling?: Pooling;
  top?: number;
  ridge?: number;
  unseen?: string[];
  method?: ZeroShotMethod;
  generalised?: boolean;
  calibration?: 'auto' | number;
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
    .description('zero-shot learning: recognise classes never trained on from an attribute table (ESZSL, DAP) or from the meaning of their names (word vectors: DeViSE on images, cosine on texts)')
    .option('--base <model>', `images: frozen base model whose penultimate features are used (${MODEL_REF_FORMS})`)
    .option('--train <data>', 'images: training images (only the seen classes are used): builtin:NAME, idx file or image folder')
    .requiredOption('--test <data>', 'test images including the unseen classes, or (with --class-names and no --base) texts to classify by label meaning')
    .option('--attributes <csv>', 'attribute table: class,attr1,attr2,… with values in [0, 1], one row per class')
    .option('--class-names <vectors>', 'describe classes by the word vectors of their names instead: glove-100d or a .tkwv file (e.g. from pretrain-text)')
    .option('--descriptions <csv>', 'with --class-names: class,description rows (e.g. datasets/wordnet-topics/classes.csv); its classes are the candidates')
    .option('--classes <names>', 'texts: comma-separated candidate classes (default: those of --descriptions, else the data\'s labels); needed for unlabelled texts without --descriptions', commaList)
    .addOption(new Option('--describe-by <words>', 'with --class-names: which words stand for a class').choices(['name', 'description', 'both']).default('name'))
    .option('--unseen <classes>', 'images: comma-separated classes held out of training and recognised zero-shot', commaList)
    .addOption(new Option('--method <name>', 'images: eszsl (closed-form bilinear map), dap (one logistic regression per attribute) or devise (ridge map to class-name vectors); default eszsl with --attributes, devise with --class-names').choices([...ZERO_SHOT_METHODS]))
    .addOption(new Option('--pooling <how>', 'texts: how a document pools its word vectors (default mean)').choices([...POOLINGS]))
    .option('--top <k>', 'texts: k of the top-k accuracy (default 3)', positiveInt)
    .option('--ridge <r>', 'DeViSE ridge (default 1% of the training images)', positiveNumber)
    .option('--generalised', 'also evaluate among seen + unseen classes (accuracy on seen, on unseen, harmonic mean)')
    .option('--calibration <γ>', 'with --generalised: subtract γ from the seen classes\' scores (calibrated stacking): auto (default: chosen by holding out seen classes), none, or a number', calibrationFlag)
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

In the generalised setting a model trained on the seen classes favours them; --calibration auto
(the default) subtracts a constant γ from their scores, chosen by holding out seen classes as
pseudo-unseen ones (calibrated stacking, Chao et al. 2016); --calibration none keeps the argmax.

Only attributes that vary over the seen classes can be learned; unseen classes must differ on
them. A base trained on the unseen classes (like fashion-cnn on Fashion-MNIST) leaks their
supervision into the features: train a base on the seen classes only for a strict test.

By label meaning (word vectors of the class names; no attribute table):
  $ transferkit zeroshot --base fashion-cnn --train builtin:fashion-mnist --test builtin:fashion-mnist-test \\
      --class-names glove-100d --unseen Pullover,Sandal,Bag --generalised
  $ transferkit zeroshot --test builtin:wordnet-topics --class-names glove-100d --pooling sif
  $ transferkit zeroshot --test builtin:wordnet-topics --class-names austen.tkwv \\
      --descriptions datasets/wordnet-topics/classes.csv --describe-by both --json
  $ transferkit zeroshot --test notes.jsonl --class-names glove-100d --classes sports,politics,science --json

Texts need no training data: every class is recognised from its name alone (top-1 and top-k
accuracy against chance when the data has labels).`,
    )
    .action((flags: ZeroshotFlags) =>
      runCommand(flags, async () => {
        if (!flags.attributes && !flags.classNames) {
          throw new TransferkitError('MISSING_OPTION', 'Describe the classes: give --attributes <csv> or --class-names <vectors>', { where: 'zeroshot', hint: 'E.g. --class-names glove-100d (the meaning of the class names) or --attributes datasets/fashion-attributes/attributes.csv.' });
        }
        if (flags.attributes && flags.classNames) {
          throw new TransferkitError('BAD_OPTION', '--attributes and --class-names both describe the classes; give one', { where: 'zeroshot', hint: 'Drop one of them.' });
        }
        if (flags.calibration !== undefined && (!flags.generalised || !flags.base)) {
          throw new TransferkitError('BAD_OPTION', '--calibration applies to the generalised setting on images, where seen and unseen classes compete', { where: '--calibration', hint: 'Add --generalised (with --base, --train and --unseen), or drop --calibration.' });
        }
        if (!flags.base) {
          if (!flags.classNames) throw missing('--base', 'zero-shot by attributes works on images: give --base, --train and --unseen');
          const progress = createProgress();
          progress.log(`  classifying ${flags.test} by the meaning of its class names (${flags.classNames})`);
          let t: TextZeroShotResult & { data: string };
          try {
            t = await zeroShotText({ data: flags.test, vectors: flags.classNames, descriptions: flags.descriptions, classes: flags.classes, use: flags.describeBy, pooling: flags.pooling, top: flags.top });
          } finally {
            progress.stop();
          }
          const { scores: _scores, predictions, ...rest } = t;
          return { json: { ...rest, predictions: Array.from(predictions) }, text: describeText(t) };
        }
        if (!flags.train) throw missing('--train', 'images need training images of the seen classes');
        if (!flags.unseen) throw missing('--unseen', 'name the classes to hold out of training, e.g. --unseen Pullover,Sandal,Bag');
        await startEngine(flags.backend);
        const progress = createProgress();
        let r: ZeroShotRun;
        try {
          r = await zeroShot({
            base: flags.base,
            train: flags.train,
            test: flags.test,
            attributes: flags.attributes,
            classNames: flags.classNames,
            descriptions: flags.descriptions,
            describeBy: flags.describeBy,
            unseen: flags.unseen,
            method: flags.method,
            generalised: flags.generalised,
            calibration: flags.calibration,
            perClass: flags.perClass,
            testPerClass: flags.testPerClass,
            seed: flags.seed,
            eszsl: { gamma: flags.gamma, lambda: flags.lambda },
            tune: flags.tune,
            dap: { scoring: flags.scoring },
            devise: { ridge: flags.ridge },
            onStep: (s) => progress.log(`  ${s}`),
          });
        } finally {
          progress.stop();
        }
        return { json: r, text: describe(r) };
      }),
    );
}

/** `--calibration`: auto, none (γ = 0) or a finite number. */
function calibrationFlag(raw: string): 'auto' | number {
  const v = raw.trim().toLowerCase();
  if (v === 'auto') return 'auto';
  if (v === 'none') return 0;
  const g = Number(v);
  if (v === '' || !Number.isFinite(g)) throw new InvalidArgumentError(`expected auto, none or a number (e.g. 1.5), got "${raw}"`);
  return g;
}

function missing(flag: string, why: string): TransferkitError {
  return new TransferkitError('MISSING_OPTION', `zeroshot on images needs ${flag}: ${why}`, { where: flag, hint: `Add ${flag}, or classify texts by label meaning with --test <text data> --class-names glove-100d and no --base.` });
}

function describeText(t: TextZeroShotResult & { data: string }): string {
  const lines = [
    `${t.data}: ${t.documents} documents, ${t.classes.length} classes described by their ${t.describeBy === 'both' ? 'names and descriptions' : t.describeBy + 's'} in ${t.vectors} (${t.pooling} pooling)`,
    `${fmt(t.coverage * 100, 1)}% of the word tokens have a vector; ${t.emptyDocuments} documents have none (counted as misses)`,
  ];
  if (t.top1 && t.topK) {
    lines.push(
      '',
      `top-1 accuracy ${fmt(t.top1.accuracy)} (chance ${fmt(t.top1.chance)}), top-${t.topK.k} ${fmt(t.topK.accuracy)} (chance ${fmt(t.topK.chance)}), ${t.labelled} labelled documents`,
      table(['class', 'accuracy', 'documents'], (t.perClass ?? []).map((p) => [p.class, fmt(p.accuracy), String(p.documents)])),
    );
  } else {
    const counts = t.classes.map((_, c) => t.predictions.filter((p) => p === c).length);
    lines.push('', table(['class', 'predicted documents'], t.classes.map((c, i) => [c, String(counts[i])])));
  }
  return lines.join('\n');
}

function describe(r: ZeroShotRun): string {
  const lines = [
    `${r.method} on ${r.features}`,
    `seen (${r.seen.length}, ${r.trainImages} training images): ${r.seen.join(', ')}`,
    r.attributes.startsWith('word vectors')
      ? `unseen: ${r.unseen.join(', ')}; classes described by the ${r.attributesUsed.length}-d ${r.attributes} of their names`
      : `unseen: ${r.unseen.join(', ')}; ${r.attributesUsed.length} learnable attributes`,
    `${Object.entries(r.details).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`).join(', ')}`,
    '',
    `zero-shot top-1 among the unseen classes: ${fmt(r.zsl.accuracy)} (chance ${fmt(r.zsl.chance)}, ${r.zsl.images} images)`,
    table(['class', 'accuracy', 'images'], r.zsl.perClass.map((p) => [p.class, fmt(p.accuracy), String(p.images)])),
  ];
  if (r.gzsl) {
    const g = r.gzsl;
    lines.push(
      '',
      `generalised (among all ${r.seen.length + r.unseen.length} classes): seen ${fmt(g.seen)}, unseen ${fmt(g.unseen)}, harmonic mean ${fmt(g.harmonic)}`,
      g.gamma === 0
        ? `  calibration: ${g.calibration}`
        : `  calibrated stacking: γ ${fmt(g.gamma)} subtracted from the seen classes' scores, ${g.calibration}; without it: seen ${fmt(g.uncalibrated.seen)}, unseen ${fmt(g.uncalibrated.unseen)}, harmonic mean ${fmt(g.uncalibrated.harmonic)}`,
      `  area under the seen–unseen accuracy curve (AUSUC, every γ): ${fmt(g.ausuc)}`,
    );
  }
  return lines.join('\n');
}
