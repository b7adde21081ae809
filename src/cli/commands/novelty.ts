import { Option, type Command } from 'commander';
import { detectNovelty, NOVELTY_METHODS, type NoveltyResult } from '../../unsupervised/novelty.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { fmt, runCommand } from '../output.ts';
import { commaList, layerFlag, positiveInt, probability, wholeNumber } from '../parsers.ts';

interface NoveltyFlags {
  normal: string;
  test?: string;
  novel?: string;
  novelClasses?: string[];
  base?: string;
  layer?: string;
  method: 'knn' | 'mahalanobis' | 'autoencoder';
  k?: number;
  shrinkage?: number;
  holdout?: number;
  maxNormal?: number;
  maxTest?: number;
  seed?: number;
  out?: string;
  backend?: string;
  json?: boolean;
}

/** The scores as CSV: set, index, score, novel (1/0, empty when unknown). */
function scoresCsv(res: NoveltyResult): string {
  const lines = ['set,index,score,novel'];
  for (const s of res.scores) lines.push(`${s.set},${s.index},${s.score},${s.novel === undefined ? '' : s.novel ? 1 : 0}`);
  return lines.join('\n') + '\n';
}

/** `transferkit novelty`: fit a novelty detector on normal data and score new data. */
export function registerNovelty(program: Command): void {
  withCommonOptions(program.command('novelty'))
    .description('anomaly / novelty detection on transferred features: k-NN distance, Mahalanobis distance (shrinkage covariance) or a self-taught autoencoder\'s reconstruction error; AUROC when the novel examples are known')
    .requiredOption('--normal <data>', 'normal data the detector is fitted on: builtin:NAME, idx file or image folder')
    .option('--test <data>', 'data to score (default: a held-out --holdout share of --normal); counts as normal with --novel, as novel by class with --novel-classes, as unknown otherwise')
    .option('--novel <data>', 'known-novel data, scored too: the positives of the AUROC')
    .option('--novel-classes <names>', 'comma-separated classes of the normal/test data that count as novel (removed from the fitting data)', commaList)
    .option('--base <model>', `pretrained model whose features to use (${MODEL_REF_FORMS}; raw inputs without it); for --method autoencoder, a folder written by \`transferkit pretrain\``)
    .option('--layer <name|index>', 'layer of the base whose output is the feature (default: the input of its head)')
    .addOption(new Option('--method <name>', 'detector').choices([...NOVELTY_METHODS]).default('knn'))
    .option('--k <n>', 'k-NN: neighbours averaged (default 5)', positiveInt)
    .option('--shrinkage <delta>', 'Mahalanobis: covariance shrinkage in (0, 1) (default: Ledoit–Wolf)', probability)
    .option('--holdout <share>', 'share of --normal held out as normal test data when --test is not given (default 0.2)', probability)
    .option('--max-normal <n>', 'fit on at most this many normal examples (a seeded sample; default 2000)', positiveInt)
    .option('--max-test <n>', 'score at most this many examples per set (a seeded sample)', positiveInt)
    .option('--seed <n>', 'seed of the split and samples (default 0)', wholeNumber)
    .option('--out <file>', 'write every score as CSV: set, index, score, novel')
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit novelty --base fashion-cnn --normal builtin:mnist --novel builtin:fashion-mnist-test --method mahalanobis
  $ transferkit novelty --base fashion-cnn --normal builtin:mnist --novel-classes 7 --method knn --json
  $ transferkit pretrain --data builtin:mnist --out models/mnist-ae --noise 0.25
  $ transferkit novelty --base models/mnist-ae --normal builtin:mnist --novel builtin:fashion-mnist-test --method autoencoder
  $ transferkit novelty --base fashion-cnn --normal good-parts/ --test new-parts/ --out scores.csv

Higher scores are more novel. AUROC is the chance that a random novel example outscores a
random normal one (0.5 = chance, 1 = perfect ranking).`,
    )
    .action((flags: NoveltyFlags) =>
      runCommand(flags, async () => {
        await startEngine(flags.backend);
        const res = await detectNovelty({
          normal: flags.normal,
          test: flags.test,
          novel: flags.novel,
          novelClasses: flags.novelClasses,
          base: flags.base,
          layer: layerFlag(flags.layer),
          method: flags.method,
          k: flags.k,
          shrinkage: flags.shrinkage,
          holdout: flags.holdout,
          maxNormal: flags.maxNormal,
          maxTest: flags.maxTest,
          seed: flags.seed,
        });
        if (flags.out) await writeFileAtomic(flags.out, scoresCsv(res));
        const { scores, ...summary } = res;
        const json = { ...summary, out: flags.out, ...(flags.out ? {} : { scores }) };
        const params = Object.entries(res.params).map(([k, v]) => `${k} ${fmt(v, 4)}`).join(', ');
        const text = [
          `${res.method}${params ? ` (${params})` : ''} on ${res.space}`,
          `fitted on ${res.normalFitted} normal examples; scored ${res.scored.test} test${res.scored.novel ? ` + ${res.scored.novel} novel` : ''} examples`,
          res.auroc === undefined ? 'AUROC: n/a (which scored examples are novel is unknown: pass --novel or --novel-classes)' : `AUROC: ${fmt(res.auroc)}`,
          res.meanScore.normal !== undefined ? `mean score: normal ${fmt(res.meanScore.normal)}, novel ${fmt(res.meanScore.novel)}` : '',
          flags.out ? `scores written to ${flags.out}` : '(use --out for every score)',
        ]
          .filter(Boolean)
          .join('\n');
        return { json, text };
      }),
    );
}
