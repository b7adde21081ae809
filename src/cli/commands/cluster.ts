import { InvalidArgumentError, type Command } from 'commander';
import { clusterData, type SpaceClustering } from '../../unsupervised/cluster.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { fmt, runCommand, table } from '../output.ts';
import { layerFlag, positiveInt, wholeNumber } from '../parsers.ts';
import { createProgress } from '../progress.ts';

interface ClusterFlags {
  data: string;
  base?: string;
  layer?: string;
  k?: number;
  kRange?: [number, number];
  raw?: boolean;
  restarts?: number;
  maxRows?: number;
  seed?: number;
  out?: string;
  backend?: string;
  json?: boolean;
}

/** Parses `FROM..TO` (e.g. `2..15`). */
function kRange(v: string): [number, number] {
  const m = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(v);
  if (!m || Number(m[1]) < 2 || Number(m[2]) < Number(m[1])) throw new InvalidArgumentError(`expected FROM..TO with 2 ≤ FROM ≤ TO, e.g. 2..15, got "${v}"`);
  return [Number(m[1]), Number(m[2])];
}

/** `transferkit cluster`: k-means of a dataset on a base model's features, against raw inputs. */
export function registerCluster(program: Command): void {
  withCommonOptions(program.command('cluster'))
    .description('cluster data on transferred features (k-means++, seeded restarts) and on raw inputs; NMI/ARI against labels when present, silhouette always')
    .requiredOption('--data <data>', 'data to cluster: builtin:NAME, idx file or image folder; labels, if any, are used only to score')
    .option('--base <model>', `pretrained model whose features to cluster on (${MODEL_REF_FORMS}); without it, raw inputs only`)
    .option('--layer <name|index>', 'layer of the base whose output is the feature (default: the top of its convolutional part, where `fit` puts a new head, e.g. flatten; else the input of its head)')
    .option('--k <n>', 'number of clusters (default: chosen by the silhouette over --k-range)', positiveInt)
    .option('--k-range <from..to>', 'range k is chosen from by the silhouette (default 2..15)', kRange)
    .option('--no-raw', 'skip the raw-input baseline')
    .option('--restarts <n>', 'k-means++ restarts; the lowest inertia wins (default 5)', positiveInt)
    .option('--max-rows <n>', 'cluster at most this many examples (a seeded random sample)', positiveInt)
    .option('--seed <n>', 'seed of the k-means++ draws and samples (default 0)', wholeNumber)
    .option('--out <file>', 'also write each example\'s cluster as CSV (index, label, cluster[, raw_cluster])')
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit cluster --base fashion-cnn --data builtin:mnist --k 10
  $ transferkit cluster --base fashion-cnn --data builtin:mnist --k-range 2..15 --max-rows 3000 --json
  $ transferkit cluster --base models/scan-encoder --data scans/ --out clusters.csv

NMI (normalised mutual information) and ARI (adjusted Rand index) compare the clusters with the
data's labels: 1 is a perfect match up to renaming, about 0 is chance. The silhouette (−1 … 1,
higher is better separated) needs no labels and is computed on a sample of 2,000 examples.`,
    )
    .action((flags: ClusterFlags) =>
      runCommand(flags, async () => {
        await startEngine(flags.backend);
        const progress = createProgress();
        let res;
        try {
          res = await clusterData({
            data: flags.data,
            base: flags.base,
            layer: layerFlag(flags.layer),
            k: flags.k,
            kRange: flags.kRange,
            compareRaw: flags.raw !== false,
            restarts: flags.restarts,
            maxRows: flags.maxRows,
            seed: flags.seed,
            onStep: (task, done, total) => progress.update(task, done, total),
          });
        } finally {
          progress.stop();
        }
        if (flags.out) {
          const main = res.transferred ?? res.raw!;
          const lines = ['index,cluster' + (res.transferred && res.raw ? ',raw_cluster' : '')];
          for (let i = 0; i < main.labels.length; i++) lines.push(`${i},${main.labels[i]}${res.transferred && res.raw ? `,${res.raw.labels[i]}` : ''}`);
          await writeFileAtomic(flags.out, lines.join('\n') + '\n');
        }
        const spaces = [res.transferred, res.raw].filter((c): c is SpaceClustering => c !== undefined);
        const { labels: _drop1, ...transferred } = res.transferred ?? ({ labels: undefined } as Partial<SpaceClustering>);
        const { labels: _drop2, ...raw } = res.raw ?? ({ labels: undefined } as Partial<SpaceClustering>);
        const json = { data: res.data, size: res.size, labelled: res.labelled, kChosenBy: res.kChosenBy, transferred: res.transferred ? transferred : undefined, raw: res.raw ? raw : undefined, out: flags.out, seconds: res.seconds };
        const text = [
          `${res.data}: ${res.size} examples, k ${res.kChosenBy === 'given' ? 'given' : 'chosen by the silhouette'}`,
          '',
          table(['features', 'k', 'NMI', 'ARI', 'silhouette'], spaces.map((c) => [c.space, String(c.k), fmt(c.nmi), fmt(c.ari), fmt(c.silhouette)])),
          res.labelled ? '' : '\nthe data has no labels (or not for every example): NMI and ARI need them',
          flags.out ? `clusters written to ${flags.out}` : '',
        ].join('\n');
        return { json, text };
      }),
    );
}
