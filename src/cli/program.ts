/**
 * The `transferkit` program: its commands and how they load. Start-up stays fast: a command's module (and with it the
 * engine, TensorFlow.js and the data loaders) is imported only when that command runs or its
 * own `--help` is asked for; `transferkit --help` lists the commands from the table below.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { setTrainingEngine, type TrainingEngine } from '../engine/training-engine.ts';
import { EXIT_CODES_HELP, failCommand } from './output.ts';
import { useFlagsOf } from './wording.ts';

/** The package version, from package.json (two levels up from src/cli and from dist/cli). */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Registers one command on the program (each module under ./commands exports one). */
type Register = (program: Command) => void;

/** One command: its name, the one-line summary of `transferkit --help`, and its module. */
interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Register>;
}

/** Every command, in the order `transferkit --help` lists them. */
export const COMMANDS: CommandEntry[] = [
  { name: 'doctor', summary: 'check the compute engine, kernels, versions and offline data', load: async () => (await import('./commands/doctor.ts')).registerDoctor },
  { name: 'datasets', summary: 'list the built-in datasets (builtin:NAME)', load: async () => (await import('./commands/datasets.ts')).registerDatasets },
  { name: 'models', summary: 'list the built-in pretrained models (the zoo)', load: async () => (await import('./commands/models.ts')).registerModels },
  { name: 'inspect', summary: 'list the layers of a model, or the nodes of an .onnx file', load: async () => (await import('./commands/inspect.ts')).registerInspect },
  { name: 'convert', summary: 'convert an ONNX model into a trainable TF.js model folder', load: async () => (await import('./commands/convert.ts')).registerConvert },
  { name: 'embeddings', summary: 'convert pretrained word vectors (glove-100d) into a compact cache', load: async () => (await import('./commands/embeddings.ts')).registerEmbeddings },
  { name: 'fit', summary: 'train by transfer or from scratch, writing a run folder', load: async () => (await import('./commands/fit.ts')).registerFit },
  { name: 'evaluate', summary: 'score a model on labelled data, or cross-validate a run', load: async () => (await import('./commands/evaluate.ts')).registerEvaluate },
  { name: 'predict', summary: 'predict the class of every example (labels optional)', load: async () => (await import('./commands/predict.ts')).registerPredict },
  { name: 'explain', summary: 'explain a model: Shapley values, LIME, gradients, what-if', load: async () => (await import('./commands/explain.ts')).registerExplain },
  { name: 'shift', summary: 'diagnose the domain shift between two datasets', load: async () => (await import('./commands/shift.ts')).registerShift },
  { name: 'adapt', summary: 'correct a domain shift (reweighting, CORAL, DANN, …)', load: async () => (await import('./commands/adapt.ts')).registerAdapt },
  { name: 'demo', summary: 'transfer fashion-cnn to MNIST digits with 10 labels per class', load: async () => (await import('./commands/demo.ts')).registerDemo },
  { name: 'advise', summary: 'recommend what to freeze and how to transfer', load: async () => (await import('./commands/advise.ts')).registerAdvise },
  { name: 'rank', summary: 'rank candidate source models without fine-tuning them', load: async () => (await import('./commands/rank.ts')).registerRank },
  { name: 'curve', summary: 'learning curves of transfer against scratch over target sizes', load: async () => (await import('./commands/curve.ts')).registerCurve },
  { name: 'compare', summary: 'did transfer help? strategies against scratch, with a verdict', load: async () => (await import('./commands/compare.ts')).registerCompare },
  { name: 'fewshot', summary: 'few-shot and one-shot: N-way K-shot episodes on a base model\'s embeddings', load: async () => (await import('./commands/fewshot.ts')).registerFewshot },
  { name: 'zeroshot', summary: 'zero-shot: recognise classes never trained on by their attributes or the meaning of their names', load: async () => (await import('./commands/zeroshot.ts')).registerZeroshot },
  { name: 'pretrain', summary: 'self-taught learning: pretrain an encoder on unlabelled images', load: async () => (await import('./commands/pretrain.ts')).registerPretrain },
  { name: 'pretrain-text', summary: 'self-supervised word vectors (PPMI + SVD) from unlabelled text', load: async () => (await import('./commands/pretrain-text.ts')).registerPretrainText },
  { name: 'multitask', summary: 'one shared trunk, several heads: multi-task training and its comparison', load: async () => (await import('./commands/multitask.ts')).registerMultitask },
  { name: 'cluster', summary: 'cluster unlabelled data on transferred features (k-means)', load: async () => (await import('./commands/cluster.ts')).registerCluster },
  { name: 'novelty', summary: 'anomaly / novelty detection on transferred features', load: async () => (await import('./commands/novelty.ts')).registerNovelty },
  { name: 'audit', summary: 'group fairness: metrics by group, disparities, mitigation', load: async () => (await import('./commands/audit.ts')).registerAudit },
  { name: 'scrub', summary: 'remove personal data (e-mails, phones, names, …) from text', load: async () => (await import('./commands/scrub.ts')).registerScrub },
  { name: 'privacy', summary: 'membership-inference risk of a trained model', load: async () => (await import('./commands/privacy.ts')).registerPrivacy },
  { name: 'card', summary: 'write the model card of a run (Markdown and JSON)', load: async () => (await import('./commands/card.ts')).registerCard },
  { name: 'serve', summary: 'a local web dashboard: runs, live training, what-if explorer', load: async () => (await import('./commands/serve.ts')).registerServe },
  { name: 'report', summary: 'write a self-contained HTML report of a run (charts inline)', load: async () => (await import('./commands/report.ts')).registerReport },
];

/** Options of the program itself, which come before the command name. */
const PROGRAM_FLAGS = new Set(['-h', '--help', '-V', '--version']);

/**
 * The command a command line asks for: the first word that is not a program flag
 * (`transferkit help fit` asks for `fit`); undefined when there is none.
 */
export function requestedCommand(args: string[]): string | undefined {
  const words = args.filter((a) => !PROGRAM_FLAGS.has(a));
  return words[0] === 'help' ? words[1] : words[0];
}

/** Whether a command line asks for `--json` output (before any `--`). */
export function wantsJson(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

/**
 * Builds the program with the requested command fully registered and every other command
 * as a name and summary only (enough for the command list and "unknown command" errors).
 */
export async function buildProgram(args: string[]): Promise<Command> {
  const program = new Command('transferkit')
    .description('Transfer learning and model explainability, offline on CPU.')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage and examples)')
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit demo                       transfer fashion-cnn to MNIST digits, 10 per class
  $ transferkit fit --base fashion-cnn --train builtin:mnist --per-class 10 --strategy finetune --out runs/mnist
  $ transferkit evaluate --model runs/mnist --data builtin:mnist --json

${EXIT_CODES_HELP}`,
    );
  // Commander throws instead of exiting (main.ts maps its errors to exit code 2 and, under
  // --json, to one {"error": {"code": "USAGE"}} object on stdout, with its text silenced).
  // Set before the commands are added, which inherit both settings.
  const json = wantsJson(args);
  program.exitOverride().configureOutput({
    writeErr: (str) => {
      if (!json) process.stderr.write(str);
    },
  });
  program.hook('preAction', (_program, command) => useFlagsOf(command));
  // --engine (see engine-option.ts): this thread's training engine, before the action trains
  program.hook('preAction', (_program, command) => {
    const engine = (command.opts() as { engine?: TrainingEngine }).engine;
    if (engine !== undefined) setTrainingEngine(engine);
  });
  const wanted = requestedCommand(args);
  for (const entry of COMMANDS) {
    if (entry.name === wanted) {
      (await entry.load())(program);
      program.commands.at(-1)!.summary(entry.summary);
    } else {
      program.command(entry.name).summary(entry.summary);
    }
  }
  return program;
}

/**
 * Runs the program on a command line (`process.argv`) and returns its exit code (see
 * `EXIT_CODES` in ./output.ts): commander's usage errors (`exitOverride`) and anything a command
 * threw outside `runCommand` are reported here.
 *
 * @example
 * ```ts
 * process.exitCode = await runProgram(process.argv);
 * ```
 */
export async function runProgram(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  try {
    await (await buildProgram(args)).parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    const command = requestedCommand(args);
    return failCommand(err, wantsJson(args), COMMANDS.some((c) => c.name === command) ? command : undefined);
  }
}
