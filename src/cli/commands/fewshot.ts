import { InvalidArgumentError, Option, type Command } from 'commander';
import { evaluateFewShot, FEW_SHOT_NORMALISATIONS, RAW_BASELINE, type FewShotEvalResult, type FewShotNormalisation } from '../../choose/episodes/run.ts';
import { FEW_SHOT_METHOD_HELP, FEW_SHOT_METHODS, type FewShotMethod } from '../../transfer/few-shot/methods.ts';
import { METRICS, type Metric } from '../../transfer/few-shot/prototypes.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { runCommand, table } from '../output.ts';
import { commaList, intAtLeast, layerFlag, positiveInt, positiveIntList, positiveNumber } from '../parsers.ts';
import { createProgress } from '../progress.ts';
import { settingOption } from '../settings-option.ts';

interface FewshotFlags {
  base: string;
  data: string;
  layer?: string;
  ways: number;
  shots: number[];
  queries: number;
  episodes: number;
  methods?: FewShotMethod[];
  metric?: Metric;
  neighbours?: number;
  c?: number;
  normalise?: FewShotNormalisation;
  baseData?: string;
  baseline: boolean;
  seed?: number;
  backend?: string;
  json?: boolean;
}

function methodList(v: string): FewShotMethod[] {
  const list = commaList(v);
  if (list.length === 0) throw new InvalidArgumentError(`expected comma-separated methods, got "${v}"`);
  for (const m of list) if (!(FEW_SHOT_METHODS as readonly string[]).includes(m)) throw new InvalidArgumentError(`unknown method "${m}" (use ${FEW_SHOT_METHODS.join(', ')})`);
  return list as FewShotMethod[];
}

/**
 * `transferkit fewshot`: N-way K-shot episodes on a frozen base's embeddings.
 *
 * @example
 * ```ts
 * registerFewshot(program); // transferkit fewshot --base fashion-cnn --data builtin:mnist
 * ```
 */
export function registerFewshot(program: Command): void {
  withCommonOptions(program.command('fewshot'))
    .description('few-shot and one-shot learning: mean accuracy ± 95% interval of prototype, kNN and linear-probe classifiers on a frozen base\'s embeddings over seeded N-way K-shot episodes, against prototypes on raw pixels')
    .requiredOption('--base <model>', `frozen base model: ${MODEL_REF_FORMS}`)
    .requiredOption('--data <data>', 'labelled data the episodes are drawn from: builtin:NAME, .csv, .jsonl, idx file or image folder')
    .option('--layer <name>', 'layer to embed at (default: the top of a convolutional base\'s convolutional part, e.g. flatten; else the old head\'s input)')
    .option('--ways <n>', 'classes per episode (N)', intAtLeast(2), 5)
    .option('--shots <list>', 'labelled examples per class (K), comma-separated: one table each', positiveIntList, [1, 5])
    .option('--queries <n>', 'query examples per class in each episode', positiveInt, 15)
    .option('--episodes <n>', 'episodes per table (the same episodes for every method)', positiveInt, 600)
    .option('--methods <list>', `comma-separated, of: ${FEW_SHOT_METHODS.map((m) => `${m} (${FEW_SHOT_METHOD_HELP[m]})`).join('; ')} (default all)`, methodList)
    .addOption(new Option('--metric <name>', 'prototypes and kNN: cosine (on L2-normalised embeddings) or euclidean (default cosine)').choices([...METRICS]))
    .option('--neighbours <k>', 'kNN: neighbours that vote, distance-weighted (default 1 at one shot, else min(shots, 5))', positiveInt)
    .option('--c <C>', 'probe: inverse L2 strength of the logistic regression (default 1)', positiveNumber)
    .addOption(new Option('--normalise <name>', 'l2: scale embeddings to unit length; cl2n: first subtract the mean embedding of --base-data (SimpleShot), the raw-pixel row likewise (default l2)').choices([...FEW_SHOT_NORMALISATIONS]))
    .option('--base-data <data>', 'with --normalise cl2n: the data the base was trained on (labels not needed), e.g. builtin:fashion-mnist for fashion-cnn')
    .option('--no-baseline', 'leave out the raw-pixel prototype baseline row')
    .addOption(settingOption('seed', { defaultText: '1' }))
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit fewshot --base fashion-cnn --data builtin:mnist --ways 5 --shots 1,5 --queries 15 --episodes 600
  $ transferkit fewshot --base fashion-cnn --data builtin:mnist --shots 1 --methods prototypes,knn --seed 2 --json
  $ transferkit fewshot --base fashion-cnn --data builtin:mnist --shots 1 --normalise cl2n --base-data builtin:fashion-mnist
  $ transferkit fewshot --base runs/digits --data letters/ --layer dense1 --ways 10 --shots 5

Each episode draws N classes, then K support and Q query examples of each (disjoint). The
classifiers see only the support labels; accuracy is measured on the queries. Rows are
mean accuracy over the episodes ± 1.96·sd/√episodes. The data is embedded once; a class
with fewer than K + Q examples, or fewer classes than N, is an error before any work.
To keep a prototype classifier as a model: transferkit fit --strategy prototypes.`,
    )
    .action((flags: FewshotFlags) =>
      runCommand(flags, async () => {
        await startEngine(flags.backend);
        const progress = createProgress();
        let res: FewShotEvalResult;
        try {
          res = await evaluateFewShot({
            base: flags.base,
            data: flags.data,
            layer: layerFlag(flags.layer),
            ways: flags.ways,
            shots: flags.shots,
            queries: flags.queries,
            episodes: flags.episodes,
            methods: flags.methods,
            baseline: flags.baseline,
            seed: flags.seed,
            options: { metric: flags.metric, neighbours: flags.neighbours, C: flags.c },
            normalise: flags.normalise,
            baseData: flags.baseData,
            onProgress: (task, done, total) => progress.update(task, done, total),
          });
        } finally {
          progress.stop();
        }
        return { json: res, text: describeFewShot(res) };
      }),
    );
}

/**
 * The text tables of a few-shot evaluation: one per shots, accuracy ± 95% interval in percent.
 *
 * @example
 * ```ts
 * console.log(describeFewShot(await evaluateFewShot({ base: 'fashion-cnn', data: 'builtin:mnist' })));
 * ```
 */
export function describeFewShot(res: FewShotEvalResult): string {
  const lines = [
    `${res.base} → ${res.data}: ${res.ways}-way, ${res.queries} queries per class, ${res.episodes} episodes (seed ${res.seed})`,
    `embeddings: ${res.space}${res.normalise === 'cl2n' && res.baseData ? `, centred by the mean of ${res.baseData.rows} ${res.baseData.name} images (CL2N)` : ''}`,
  ];
  for (const t of res.tables) {
    const baseline = t.rows.find((r) => r.name === RAW_BASELINE);
    lines.push('', `${res.ways}-way ${t.shots}-shot:`);
    lines.push(
      table(
        ['method', 'accuracy %', '± 95%', 'vs raw pixels'],
        t.rows.map((r) => [
          r.name,
          (100 * r.mean).toFixed(2),
          (100 * r.interval).toFixed(2),
          baseline && r !== baseline ? `${r.mean >= baseline.mean ? '+' : ''}${(100 * (r.mean - baseline.mean)).toFixed(2)}` : '',
        ]),
      ),
    );
  }
  lines.push('', `embedding ${res.seconds.embed.toFixed(1)} s, total ${res.seconds.total.toFixed(1)} s`);
  return lines.join('\n');
}
