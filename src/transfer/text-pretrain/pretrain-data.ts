/**
 * Self-supervised text pretraining end to end: load one or more text datasets (their labels,
 * if any, are ignored), learn word vectors from all their texts by PPMI + SVD, and save them
 * in the word-vector cache format (`saveWordVectors`), usable as `--class-names` / word
 * vectors anywhere a `.tkwv` path is.
 *
 * @module
 */
import type { Dataset } from '../../data/dataset.ts';
import { loadDataset } from '../../data/load.ts';
import { TransferkitError } from '../../errors.ts';
import { saveWordVectors } from '../../models/text/word-vectors.ts';
import { pretrainWordVectors, type TextPretrainOptions, type TextPretrainResult } from './pretrain-text.ts';

/**
 * Options of {@link pretrainText}.
 *
 * @example
 * ```ts
 * const o: PretrainTextOptions = { data: ['builtin:austen', 'builtin:spam-2003'], out: 'austen-spam.tkwv', dims: 100 };
 * ```
 */
export interface PretrainTextOptions extends TextPretrainOptions {
  /** Unlabelled text: dataset references (`builtin:austen`, a CSV/JSONL path, …) or loaded datasets. */
  data: ReadonlyArray<string | Dataset>;
  /** Where to write the vectors (`.tkwv`); omitted: not written. */
  out?: string;
}

/**
 * What {@link pretrainText} did.
 *
 * @example
 * ```ts
 * const run: PretrainTextRun = await pretrainText({ data: ['builtin:austen'], out: 'austen.tkwv' });
 * run.stats.vocabulary; // words with a vector
 * ```
 */
export interface PretrainTextRun extends TextPretrainResult {
  data: string[];
  out?: string;
}

/**
 * Loads the texts, learns word vectors and (with `out`) saves them.
 *
 * @throws TransferkitError `KIND_MISMATCH` for data that is not text, `BAD_INPUT` without data,
 *   and the errors of loading, {@link pretrainWordVectors} and saving.
 * @example
 * ```ts
 * await pretrainText({ data: ['builtin:austen'], out: 'austen.tkwv', onStep: console.log });
 * // then: transferkit zeroshot --test builtin:wordnet-topics --class-names austen.tkwv
 * ```
 */
export async function pretrainText(opts: PretrainTextOptions): Promise<PretrainTextRun> {
  if (!opts.data.length) throw new TransferkitError('BAD_INPUT', 'No text data to pretrain on', { where: '--data', hint: 'Give --data builtin:austen (and more --data for other text).' });
  const texts: string[] = [];
  const names: string[] = [];
  for (const ref of opts.data) {
    const ds = typeof ref === 'string' ? await loadDataset(ref) : ref;
    if (ds.features.kind !== 'text') {
      throw new TransferkitError('KIND_MISMATCH', `Text pretraining reads texts; ${ds.name} holds ${ds.features.kind} data`, { where: ds.name, hint: 'Pass text data, e.g. --data builtin:austen; for images use `transferkit pretrain`.' });
    }
    texts.push(...ds.features.texts);
    names.push(ds.name);
  }
  const name = opts.name ?? `ppmi-svd-${opts.dims ?? 100}d:${names.join('+')}`;
  const res = pretrainWordVectors(texts, { ...opts, name });
  if (opts.out) {
    opts.onStep?.(`writing ${res.vectors.words.length} vectors to ${opts.out}`);
    await saveWordVectors(res.vectors, opts.out);
  }
  return { ...res, data: names, out: opts.out };
}
