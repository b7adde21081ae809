import { Option, type Command } from 'commander';
import { adapt, ADAPT_METHOD_NAMES, AUTO_CANDIDATES, checkCandidates, DEFAULT_DEEP_CANDIDATES, type AdaptConfig, type AdaptMethodName, type AdaptResult, type ScoreSummary } from '../../adapt/adapt.ts';
import { methodsOf, type MethodEntry, type MethodOptionField } from '../../adapt/methods/index.ts';
import { VALIDATOR_REGISTRY, VALIDATORS, type ValidatorName } from '../../adapt/validators.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { commaList, factor, fraction, intAtLeast, nonNegative, positiveInt, positiveIntList, positiveNumber, wholeNumber } from '../parsers.ts';
import { createProgress } from '../progress.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { settingOption } from '../settings-option.ts';
import { imputeOption, labelOption } from '../data-options.ts';
import { writeRunCard } from '../../report/index.ts';

interface AdaptFlags {
  source: string[];
  target: string;
  targetLabels?: string;
  test?: string;
  base?: string;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  method: AdaptMethodName;
  validator?: ValidatorName;
  candidates?: string[];
  out: string;
  card?: boolean;
  c?: number;
  classWeights?: 'none' | 'balanced';
  rounds?: number;
  threshold?: number;
  clip?: number;
  targetPrior?: AdaptConfig['targetPrior'];
  seed?: number;
  epochs?: number;
  lambda?: number;
  batchSize?: number;
  lr?: number;
  hidden?: number[];
  backend?: string;
  json?: boolean;
}

/** Repeatable and comma-separated: `--source a --source b` or `--source a,b`. */
const collect = (v: string, previous: string[] | undefined) => [...(previous ?? []), ...commaList(v)];

/** The flag that sets each method option, where there is one. */
const FLAG_OF: Partial<Record<MethodOptionField, string>> = {
  C: '--c',
  classWeights: '--class-weights',
  targetPrior: '--target-prior',
  'selfTrain.rounds': '--rounds',
  'selfTrain.threshold': '--threshold',
  'reweight.clipQuantile': '--clip',
  'deep.epochs': '--epochs',
  'deep.lambda': '--lambda',
  'deep.batchSize': '--batch-size',
  'deep.lr': '--lr',
  'deep.hidden': '--hidden',
};

/** `text` wrapped at `width` columns: the first line starts with `first`, the others with `rest`. */
function wrap(text: string, width: number, first = '', rest = ''): string {
  const lines: string[] = [];
  let line = first;
  let words = 0;
  for (const word of text.split(' ')) {
    if (words > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
      words = 1;
    } else {
      line = words > 0 ? `${line} ${word}` : line + word;
      words++;
    }
  }
  return [...lines, line].join('\n');
}

/** The flags of the options any of these methods reads, in the order they are declared. */
function flagsOf(methods: readonly MethodEntry[]): string[] {
  return [...new Set(methods.flatMap((m) => m.options.map((o) => FLAG_OF[o.field]).filter((f): f is string => f !== undefined)))];
}

/** The registry's methods of each family, one per line with its description, then auto, the validators and the deep network. */
function methodsHelp(): string {
  const shallow = methodsOf('shallow');
  const deep = methodsOf('deep');
  const width = Math.max(...[...shallow, ...deep].map((m) => m.name.length), 'auto'.length) + 2;
  const row = (name: string, description: string) => wrap(description, 92, `  ${name.padEnd(width)}`, ' '.repeat(width + 2));
  const conditional = shallow.filter((m) => m.autoCandidate && m.autoCandidateUpTo !== undefined).map((m) => `${m.name} too for ≤ ${m.autoCandidateUpTo} source rows`);
  const validators = VALIDATOR_REGISTRY.map((v) => `${v.name} (${v.description}; ${v.better} is better)`).join(', ');
  return [
    'Shallow methods (a linear classifier on shared features; fast):',
    ...shallow.map((m) => row(m.name, m.description)),
    row('auto', `trains ${AUTO_CANDIDATES.join(', ')}${conditional.length ? ` (${conditional.join(', ')})` : ''} on 80% of the source and lets --validator choose; the choice is retrained on all of it`),
    wrap(`Validators (none reads a target label): ${validators}.`, 92),
    `Options: ${flagsOf(shallow).join(', ')}.`,
    '',
    wrap('Deep methods (a network trained end to end on source + unlabelled target rows, next to the same network trained on the source only, reported as "before"):', 92),
    ...deep.map((m) => row(m.name, m.description)),
    wrap(
      "Network: images → the --base model with a new head, or a small CNN; text and tables → an MLP on the shared features' 100-d standardised view (folded into the saved model, which takes raw data).",
      92,
    ),
    `Options: ${flagsOf(deep).join(', ')}.`,
  ].join('\n');
}

/** `auto`'s default candidates, in words. */
function autoDefaults(): string {
  const conditional = methodsOf('shallow').filter((m) => m.autoCandidate && m.autoCandidateUpTo !== undefined);
  return `${AUTO_CANDIDATES.join(', ')}${conditional.map((m) => `; ${m.name} too for ≤ ${m.autoCandidateUpTo} source rows`).join('')}; and the deep ${DEFAULT_DEEP_CANDIDATES.join(', ')} on text and tables from one source, unless --candidates is given`;
}

/** `transferkit adapt`: domain adaptation from a labelled source to an unlabelled target. */
export function registerAdapt(program: Command): void {
  withCommonOptions(program.command('adapt'))
    .description(
      'train a classifier on labelled source data that works on an unlabelled target domain (CORAL, importance reweighting, self-training, auto-chosen without target labels, or a network trained with Deep CORAL, MMD or DANN), writing a run folder',
    )
    .requiredOption('--source <data>', 'labelled source data: builtin:NAME, .csv, .jsonl, idx file or image folder; several source domains: repeat the flag or separate with commas (deep methods align every pair; shallow ones pool them)', collect)
    .requiredOption('--target <data>', 'target-domain data; labels, if present, are only used to score before/after')
    .option('--target-labels <data>', 'a few labelled target examples to train on as well')
    .option('--test <data>', 'labelled target data to score on (default: --target when it has labels)')
    .option('--base <model>', `images: adapt on the features of this model (${MODEL_REF_FORMS}); the saved model is the base with a new head (deep methods fine-tune it end to end)`)
    .addOption(labelOption())
    .addOption(imputeOption())
    .addOption(new Option('--method <name>', 'adaptation method; auto tries the candidates and lets --validator choose').choices([...ADAPT_METHOD_NAMES]).default('auto'))
    .addOption(new Option('--validator <name>', 'unsupervised validator auto chooses by (default dev); every validator’s choice is reported').choices([...VALIDATORS]))
    .option('--candidates <methods>', `comma-separated methods auto tries (default: ${autoDefaults()})`, commaList)
    .requiredOption('--out <dir>', 'run folder to create')
    .option('--card', 'also write the model card (MODEL_CARD.md, model_card.json) into the run folder; `transferkit card` writes it later, with its intended use')
    .option('--c <C>', 'inverse L2 strength of the logistic classifier (default 10)', positiveNumber)
    .addOption(new Option('--class-weights <how>', 'balanced (default) gives each class equal weight (deep methods: class-balanced source batches); none keeps the source frequencies').choices(['none', 'balanced']))
    .option('--rounds <n>', 'self-training rounds (default 6)', wholeNumber)
    .option('--threshold <p>', 'self-training confidence threshold (default 0.5)', fraction)
    .option('--clip <q>', 'reweighting: clip weights at this quantile (default 0.99)', factor)
    .addOption(
      new Option('--target-prior <how>', 'class mix self-training balances its pseudo-labels to: mlls (default, EM estimate), bbse, predicted, uniform').choices(['mlls', 'bbse', 'predicted', 'uniform']),
    )
    .option('--epochs <n>', 'deep methods: passes over the largest source domain (default: about 1,500 steps, 5 to 50 epochs)', positiveInt)
    .option('--lambda <x>', 'deep methods: weight of the alignment loss; for dann the final gradient-reversal scale (default 1)', nonNegative)
    .option('--batch-size <n>', 'deep methods: rows drawn from each domain per step (default 32)', intAtLeast(2))
    .option('--lr <x>', 'deep methods: Adam learning rate (default 1e-3; 1e-4 when fine-tuning --base)', positiveNumber)
    .option('--hidden <sizes>', 'deep methods on text/tabular data: hidden layer sizes of the MLP (default 64)', positiveIntList)
    .addOption(settingOption('seed'))
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit adapt --source builtin:spam-2002 --target builtin:spam-2003 --method auto --out runs/spam
  $ transferkit adapt --source builtin:spam-2002 --target inbox.jsonl --target-labels labelled-20.jsonl --method self-train --out runs/inbox
  $ transferkit adapt --source clinic-a.csv --target clinic-b.csv --label outcome --method kliep --out runs/clinic --json
  $ transferkit adapt --source builtin:fashion-mnist-test --target photos/ --base fashion-cnn --method coral --out runs/photos
  $ transferkit adapt --source builtin:spam-2002 --target builtin:spam-2003 --method deep-coral --epochs 20 --out runs/spam-deep
  $ transferkit adapt --source digits-a/ --source digits-b/ --target digits-c/ --method dann --lambda 0.3 --out runs/digits
  $ transferkit evaluate --model runs/spam --data builtin:spam-2003

${methodsHelp()}`,
    )
    .action((flags: AdaptFlags) =>
      runCommand(flags, async () => {
        await startEngine(flags.backend);
        const config = configOf(flags);
        const progress = createProgress();
        const r = await adapt(config, { onProgress: (m) => progress.log(m) });
        progress.stop();
        const card = flags.card && r.out ? (await writeRunCard(r.out)).files : undefined;
        return { json: card ? { ...r, card } : r, text: resultText(r) + (card ? `\nmodel card: ${card.markdown}` : '') };
      }),
    );
}

/** The `adapt` configuration the flags ask for (`--candidates` checked first). */
function configOf(flags: AdaptFlags): AdaptConfig {
  const deepSet = flags.epochs !== undefined || flags.lambda !== undefined || flags.batchSize !== undefined || flags.lr !== undefined || flags.hidden !== undefined;
  return {
    source: flags.source.length === 1 ? flags.source[0] : flags.source,
    target: flags.target,
    targetLabels: flags.targetLabels,
    test: flags.test,
    base: flags.base,
    label: flags.label,
    impute: flags.impute,
    method: flags.method,
    validator: flags.validator,
    candidates: flags.candidates && checkCandidates(flags.candidates, '--candidates'),
    out: flags.out,
    C: flags.c,
    classWeights: flags.classWeights,
    selfTrain: flags.rounds !== undefined || flags.threshold !== undefined ? { rounds: flags.rounds, threshold: flags.threshold } : undefined,
    reweight: flags.clip !== undefined ? { clipQuantile: flags.clip } : undefined,
    targetPrior: flags.targetPrior,
    seed: flags.seed,
    deep: deepSet ? { epochs: flags.epochs, lambda: flags.lambda, batchSize: flags.batchSize, lr: flags.lr, hidden: flags.hidden } : undefined,
  };
}

/** The result in words and tables: what ran, scores before and after, validators, domain measures, weights and rounds. */
function resultText(r: AdaptResult): string {
  const score = (s?: ScoreSummary) => (s ? [fmt(s.accuracy), fmt(s.macroF1), fmt(s.rocAuc, 4)] : ['n/a', 'n/a', 'n/a']);
  const lines = [
    `${r.requested === 'auto' ? `auto → ${r.method} (${r.decision?.rule === 'kept' ? `kept: no candidate clearly better by ${r.chosenBy}` : `chosen by ${r.chosenBy}`})` : r.method}: ${r.sizes.source} source${r.sources.length > 1 ? ` (${r.sources.map((s) => `${s.name} ${s.size}`).join(', ')})` : ''}, ${r.sizes.target} target${r.sizes.targetLabelled ? `, ${r.sizes.targetLabelled} labelled target` : ''} examples; model in ${r.out}/model`,
    `features: ${r.features.space}`,
  ];
  if (r.deep) {
    const d = r.deep;
    lines.push(`network: ${d.network}; ${d.epochs} epochs × ${d.stepsPerEpoch} steps, batch ${d.batchSize} per domain, lr ${d.lr}, λ ${d.lambda}; features at ${d.featureLayer}`);
  }
  if (r.before || r.after) {
    lines.push('', `on ${r.sizes.test} labelled target examples:`);
    lines.push(table(['model', 'accuracy', 'macro F1', 'ROC AUC'], [[r.deep ? 'source-only (same network, ERM)' : 'source-only', ...score(r.before)], [r.method, ...score(r.after)]]));
  }
  if (r.deep && !r.validators) {
    lines.push('', 'validators on the target predictions (no labels; lower is better except snd):');
    lines.push(table(['network', 'entropy', 'im', 'snd'], r.candidates.map((c) => [c.method, fmt(c.scores.entropy, 4), fmt(c.scores.im, 4), fmt(c.scores.snd, 4)])));
  }
  if (r.validators) {
    lines.push('', 'candidates (validators never see target labels; lower is better except snd):');
    const names = r.validators.map((v) => v.validator);
    lines.push(
      table(
        ['method', ...names, ...(r.candidates.some((c) => c.test) ? ['target acc', 'AUC'] : [])],
        r.candidates.map((c) => [c.method, ...names.map((v) => fmt(c.scores[v], 4)), ...(c.test ? [fmt(c.test.accuracy), fmt(c.test.rocAuc, 4)] : [])]),
      ),
    );
    lines.push(r.validators.map((v) => `${v.validator} chose ${v.chosen}`).join('; '));
    if (r.decision) lines.push(`auto (${r.decision.rule}): ${r.decision.reason}`);
    if (r.decision?.risk) lines.push(`risk: ${r.decision.risk}`);
  }
  lines.push('', `domain: proxy A-distance ${fmt(r.domain.before.pad)} → ${fmt(r.domain.after.pad)}, CORAL distance ${r.domain.before.coralDistance.toExponential(2)} → ${r.domain.after.coralDistance.toExponential(2)} (${r.domain.note})`);
  if (r.weights) lines.push(`importance weights (${r.weights.method}): effective sample size ${r.weights.ess.toFixed(0)} (${(100 * r.weights.essFraction).toFixed(1)}%), ${r.weights.clipped} clipped, range ${fmt(r.weights.min)}–${fmt(r.weights.max)}`);
  if (r.selfTrain) lines.push(`self-training: ${r.selfTrain.map((x) => x.selected).join(' → ')} pseudo-labelled target examples over ${r.selfTrain.length} rounds`);
  return lines.join('\n');
}
