/**
 * Where a run's knowledge and data came from, in words for its card: the base model (a zoo
 * model with its own card, another run, a model folder, an ONNX file) and the datasets
 * (`builtin:NAME` with its description, a file, a dataset that was in memory).
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { listBuiltinDatasets } from '../../data/builtins.ts';
import { zooRoot } from '../../models/zoo.ts';
import type { SourceDescription } from './types.ts';

/**
 * The words a card uses for a fact the run does not record.
 *
 * @example
 * ```ts
 * unknown('the run does not record it'); // 'unknown (the run does not record it)'
 * ```
 */
export function unknown(why: string): string {
  return `unknown (${why})`;
}

/**
 * Describes a base model reference as a card's source: what it is, what it was trained on,
 * and where its own card is. Reads only metadata files; never loads weights.
 *
 * @example
 * ```ts
 * describeBase('fashion-cnn').data; // 'Fashion-MNIST … (builtin:fashion-mnist)'
 * describeBase(undefined).model;    // 'none (trained from scratch)'
 * ```
 */
export function describeBase(ref: string | undefined, root: string = zooRoot()): SourceDescription {
  if (ref === undefined || ref === '') {
    return { model: 'none (trained from scratch)', description: 'no pretrained model: every weight was learned from the training data', data: 'none', card: null, notes: [] };
  }
  const looksLikePath = ref.includes('/') || ref.includes('\\') || ref.startsWith('.') || /\.(json|onnx)$/i.test(ref) || isAbsolute(ref);
  const zooDir = join(root, ref);
  if (!looksLikePath && existsSync(join(zooDir, 'model.json'))) {
    const meta = readJson(join(zooDir, 'transferkit.json'));
    const cardPath = join(zooDir, 'MODEL_CARD.md');
    const title = existsSync(cardPath) ? /^# (.+)$/m.exec(readFileSync(cardPath, 'utf8'))?.[1] : undefined;
    return {
      model: `${ref} (built-in zoo model)`,
      description: str(meta?.description) ?? title ?? unknown('the zoo model records no description'),
      data: trainedOn(meta) ?? unknown('the zoo model does not record its training data'),
      card: existsSync(cardPath) ? `models/${ref}/MODEL_CARD.md` : null,
      notes: [
        ...(existsSync(cardPath) ? ['its card ships in the transferkit package (models/ at the package root)'] : []),
        ...(typeof meta?.accuracy === 'number' ? [`its own test accuracy: ${(100 * meta.accuracy).toFixed(2)}% (from its transferkit.json)`] : []),
      ],
    };
  }
  const path = resolve(ref);
  if (!existsSync(path)) {
    return { model: ref, description: unknown(`the base is no longer at ${ref}`), data: unknown('the base cannot be read'), card: null, notes: [] };
  }
  if (/\.onnx$/i.test(path)) {
    return { model: `${ref} (ONNX model, used as a frozen feature extractor)`, description: 'an ONNX model', data: unknown('an ONNX file does not record its training data'), card: null, notes: [] };
  }
  const runConfig = readJson(join(path, 'config.json'));
  if (runConfig) {
    const meta = readJson(join(path, 'model', 'transferkit.json'));
    const cardPath = join(path, 'MODEL_CARD.md');
    const strategy = str(runConfig.strategy) ?? (str(runConfig.method) ? `adapt:${String(runConfig.method)}` : undefined);
    return {
      model: `${ref} (a transferkit run)`,
      description: `a transferkit ${strategy ? `${strategy} ` : ''}run${str(runConfig.base) ? ` on ${String(runConfig.base)}` : ''}${str(meta?.description) ? `: ${String(meta!.description)}` : ''}`,
      data: datasetName(runConfig.train ?? runConfig.source),
      card: existsSync(cardPath) ? cardPath : null,
      notes: str(runConfig.base) ? [`that run was itself transferred from ${String(runConfig.base)}: what it learned is inherited too`] : [],
    };
  }
  const folder = /\.json$/i.test(path) ? resolve(path, '..') : path;
  const meta = readJson(join(folder, 'transferkit.json'));
  const cardPath = join(folder, 'MODEL_CARD.md');
  return {
    model: `${ref} (model folder)`,
    description: str(meta?.description) ?? (meta ? 'a TF.js layers model saved by transferkit' : 'a TF.js layers model'),
    data: trainedOn(meta) ?? unknown('the model folder does not record its training data'),
    card: existsSync(cardPath) ? cardPath : null,
    notes: [],
  };
}

/**
 * A dataset reference of a run's `config.json` in words: `builtin:NAME` with its description,
 * a file path, or a dataset that was in memory (its recorded name and size).
 *
 * @example
 * ```ts
 * datasetName('builtin:iris'); // 'builtin:iris'
 * datasetName({ inMemory: true, name: 'rows', size: 40 }); // 'rows (in memory, 40 examples)'
 * ```
 */
export function datasetName(ref: unknown): string {
  if (typeof ref === 'string' && ref !== '') return ref;
  if (Array.isArray(ref)) return ref.map(datasetName).join(' + ');
  if (typeof ref === 'object' && ref !== null && typeof (ref as { name?: unknown }).name === 'string') {
    const r = ref as { name: string; size?: unknown };
    return `${r.name} (in memory${typeof r.size === 'number' ? `, ${r.size} examples` : ''})`;
  }
  return unknown('the run does not record it');
}

/**
 * What a dataset is: the built-in description for `builtin:NAME`, else what the reference says.
 *
 * @example
 * ```ts
 * datasetDescription('builtin:iris'); // "Fisher's iris flowers: 150 rows, …"
 * ```
 */
export function datasetDescription(ref: unknown): string {
  if (typeof ref === 'string' && ref.startsWith('builtin:')) {
    const info = listBuiltinDatasets().find((d) => d.name === ref.slice('builtin:'.length));
    if (info) return info.description;
  }
  if (typeof ref === 'string' && ref !== '') return `the file or folder ${ref}`;
  if (typeof ref === 'object' && ref !== null && !Array.isArray(ref)) return 'a dataset given in memory (the run records its name and size only)';
  if (Array.isArray(ref)) return ref.map(datasetDescription).join('; ');
  return unknown('the run does not record it');
}

function trainedOn(meta: Record<string, unknown> | undefined): string | undefined {
  const on = str(meta?.trainedOn);
  const data = str(meta?.sourceData);
  if (on && data) return `${on} (${data})`;
  return on ?? data;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
