import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { subset, type Dataset } from '../../data/dataset.ts';
import { TransferkitError } from '../../errors.ts';
import { IN_MEMORY, type FittedModel } from '../../models/model-handle.ts';
import { loadDataFor, type TrainedModel } from '../../models/trained-model.ts';
import { createRng } from '../../util/random.ts';

/**
 * The background (reference) data of an explanation: the given data, or by default a sample of
 * the data the model was trained on: for a model `fit` returned in memory, the training data it
 * was given; else as recorded in its run's `config.json`.
 *
 * @example
 * ```ts
 * const bg = await backgroundData(trained, undefined, { size: 100, seed: 0 });
 * ```
 */
export async function backgroundData(
  trained: TrainedModel,
  given: string | Dataset | undefined,
  opts: { size: number; seed: number; label?: string },
): Promise<{ data: Dataset; source: string }> {
  let source: string;
  let data: Dataset;
  if (given !== undefined) {
    data = await loadDataFor(trained, given, { label: opts.label, labelled: false });
    source = typeof given === 'string' ? given : given.name;
  } else if ((trained as Partial<FittedModel>).training) {
    const training = (trained as FittedModel).training!;
    data = await loadDataFor(trained, training.data, { label: opts.label ?? training.label, impute: training.impute, labelled: false });
    source = `${typeof training.data === 'string' ? training.data : training.data.name} (the training data given to fit)`;
  } else {
    const config = join(dirname(trained.dir), 'config.json');
    const train = trained.dir !== IN_MEMORY && existsSync(config) ? (JSON.parse(await readFile(config, 'utf8')) as { train?: unknown; label?: string }) : undefined;
    if (typeof train?.train !== 'string') {
      const inMemory = typeof train?.train === 'object' && train.train !== null;
      throw new TransferkitError('NO_BACKGROUND', inMemory
        ? 'This model was trained on a dataset in memory, which its run folder does not hold, so there is no training data to use as the explanation background'
        : 'This model has no recorded training data to use as the explanation background', {
        where: trained.dir,
        hint: inMemory
          ? 'Pass background: <dataset or spec> with typical examples (100 rows is plenty), e.g. the training dataset.'
          : 'Pass `background`: data with typical examples (100 rows is plenty).',
      });
    }
    data = await loadDataFor(trained, train.train, { label: opts.label ?? train.label, labelled: false });
    source = `${train.train} (the training data recorded in the run)`;
  }
  if (data.size > opts.size) {
    const idx = createRng(`background:${opts.seed}`).shuffle(Array.from({ length: data.size }, (_, i) => i)).slice(0, opts.size).sort((a, b) => a - b);
    data = subset(data, idx);
    source += `, a seeded sample of ${opts.size} rows`;
  }
  return { data, source };
}
