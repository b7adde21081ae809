import type { Command } from 'commander';
import { pretrainText } from '../../transfer/text-pretrain/index.ts';
import { fmt, runCommand } from '../output.ts';
import { positiveInt, positiveNumber, wholeNumber } from '../parsers.ts';
import { createProgress } from '../progress.ts';

interface PretrainTextFlags {
  data: string[];
  out: string;
  dims?: number;
  window?: number;
  minCount?: number;
  maxWords?: number;
  alpha?: number;
  seed?: number;
  json?: boolean;
}

/** `transferkit pretrain-text`: self-supervised word vectors (PPMI + SVD) from unlabelled text. */
export function registerPretrainText(program: Command): void {
  program
    .command('pretrain-text')
    .description('self-supervised pretraining on unlabelled text: learn word vectors from co-occurrence counts (PPMI + truncated SVD) and save them for --class-names and word-vector features')
    .requiredOption('--data <text>', 'unlabelled text: builtin:NAME or a text dataset file (labels, if any, are ignored); repeat for more', (v: string, prev: string[] = []) => [...prev, v])
    .requiredOption('--out <file.tkwv>', 'where to write the word vectors')
    .option('--dims <n>', 'vector width: singular vectors kept (default 100)', positiveInt)
    .option('--window <n>', 'context words on each side (default 5)', positiveInt)
    .option('--min-count <n>', 'leave out words seen fewer times (default 5)', positiveInt)
    .option('--max-words <n>', 'keep at most this many of the most frequent words (default 20000)', positiveInt)
    .option('--alpha <a>', 'context-distribution smoothing exponent in (0, 1] (default 0.75; 1: plain PPMI)', positiveNumber)
    .option('--seed <n>', 'seed of the randomized SVD (default 0)', wholeNumber)
    .option('--json', 'print exactly one JSON object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit pretrain-text --data builtin:austen --out austen.tkwv
  $ transferkit pretrain-text --data builtin:austen --data builtin:spam-2003 --out austen-spam.tkwv --dims 100 --json
  $ transferkit zeroshot --test builtin:wordnet-topics --class-names austen-spam.tkwv

Words are tokenised as for GloVe (lower-cased, contractions split). A million tokens take about
half a minute on one core; the vectors need no labels, so the unlabelled messages of a new
domain can be added to general text.`,
    )
    .action((flags: PretrainTextFlags) =>
      runCommand(flags, async () => {
        const progress = createProgress();
        let run;
        try {
          run = await pretrainText({
            data: flags.data,
            out: flags.out,
            dims: flags.dims,
            window: flags.window,
            minCount: flags.minCount,
            maxWords: flags.maxWords,
            alpha: flags.alpha,
            seed: flags.seed,
            onStep: (s) => progress.log(`  ${s}`),
            onProgress: (done, total) => progress.update('counting co-occurrences', done, total),
          });
        } finally {
          progress.stop();
        }
        const { vectors, ...rest } = run;
        const json = { ...rest, name: vectors.name, words: vectors.words.length, dims: vectors.dims };
        const text = [
          `${vectors.words.length} word vectors (${vectors.dims}-d) from ${run.stats.documents} documents, ${run.stats.tokens} tokens of ${run.data.join(', ')} in ${fmt(run.stats.seconds, 1)} s`,
          `PPMI matrix: ${run.stats.ppmiEntries} positive entries of ${run.stats.cooccurrences} co-occurring pairs; top singular values ${run.stats.singularValues.slice(0, 5).map((v) => fmt(v, 1)).join(', ')}`,
          `written to ${run.out}`,
          '',
          `next: transferkit zeroshot --test <text data> --class-names ${run.out}`,
        ].join('\n');
        return { json, text };
      }),
    );
}
