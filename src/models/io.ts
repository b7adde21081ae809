/**
 * Saving and loading models as folders:
 *
 * ```text
 * my-model/
 *   model.json        tfjs layers format (modelTopology + weightsManifest)
 *   weights.bin       the weights (loading also accepts several shards, as TF.js/Keras converters write)
 *   transferkit.json  metadata: classes, feature spec, provenance
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { constants as fsConstants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { TransferkitError } from '../errors.ts';
import { syncDir, writeError } from '../util/atomic.ts';
// registers the pooling layer of word-vector text models, so saved ones load
import './text/pooling-layer.ts';

/** The `format` tag of `transferkit.json`. */
export const MODEL_META_FORMAT = 'transferkit-model@1';

/** Contents of `transferkit.json`. */
export interface ModelMeta {
  format: typeof MODEL_META_FORMAT;
  /** Class names, in the order of the model's outputs. */
  classes: string[];
  /** A FeatureSpec (see `src/data/features.ts`); opaque JSON here. */
  features: unknown;
  name?: string;
  /** ISO timestamp. */
  createdAt: string;
  source?: { base?: string; strategy?: string };
  [k: string]: unknown;
}

/** What {@link saveModel} needs: the metadata without `format`, `createdAt` optional (defaults to now). */
export interface ModelMetaInput {
  classes: string[];
  features: unknown;
  name?: string;
  createdAt?: string;
  source?: { base?: string; strategy?: string };
  [k: string]: unknown;
}

/** The result of {@link loadModel}. */
export interface LoadedModel {
  model: tf.LayersModel;
  /** Absent when the folder has no `transferkit.json` (e.g. a plain TF.js export). */
  meta?: ModelMeta;
  /** The absolute model folder. */
  dir: string;
}

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const META_JSON = 'transferkit.json';

/** Bytes per stored value, by dtype (as in tfjs-core's DTYPE_VALUE_SIZE_MAP). */
const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, uint16: 2, uint8: 1, bool: 1, complex64: 8, float16: 2 };

/** The most bytes read for a weight group whose size the manifest cannot tell (string weights): 1 GiB. */
const MAX_UNSIZED_WEIGHT_BYTES = 2 ** 30;

/** The largest model.json / transferkit.json read: 256 MiB (real ones are kilobytes to a few megabytes). */
const MAX_JSON_BYTES = 256 * 2 ** 20;

let counter = 0;

/**
 * Saves `model` with its metadata as a folder. The three files are written into a temporary
 * sibling folder that is then renamed into place; an existing model folder at `dir` is replaced
 * as a whole (renamed away, new one renamed in, old one deleted), so readers never see a
 * half-written model. `extra` files (e.g. a checkpoint's optimiser state) go into the same
 * folder in the same swap. Returns the metadata written.
 *
 * @throws TransferkitError `NOT_A_MODEL_FOLDER` when `dir` exists but is a file or a non-empty folder
 *   without `model.json`/`transferkit.json` (transferkit will not delete unrelated files);
 *   `SHAPE_MISMATCH` when `meta.classes` does not match the model's number of outputs.
 * @example
 * ```ts
 * await saveModel(model, 'out/iris-mlp', { classes: ['setosa', 'versicolor', 'virginica'], features: spec, source: { base: 'fashion-cnn', strategy: 'fine-tune' } });
 * ```
 */
export async function saveModel(model: tf.LayersModel, dir: string, meta: ModelMetaInput, extra: Record<string, string | Uint8Array> = {}): Promise<ModelMeta> {
  const target = resolve(dir);
  const units = outputUnits(model);
  if (meta.classes.length > 0 && units !== null && units !== meta.classes.length) {
    throw new TransferkitError('SHAPE_MISMATCH', `The metadata lists ${meta.classes.length} classes but the model has ${units} outputs.`, {
      where: target,
      hint: 'Pass one class name per model output, in output order.',
    });
  }
  await assertReplaceable(target);

  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  if (!artifacts || artifacts.modelTopology === undefined) throw new TransferkitError('SAVE_FAILED', 'TensorFlow.js returned no model topology.', { where: target });
  const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);

  const modelJson: Record<string, unknown> = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;

  const { createdAt, ...rest } = meta;
  const fullMeta: ModelMeta = { ...rest, format: MODEL_META_FORMAT, classes: meta.classes, features: meta.features, createdAt: createdAt ?? new Date().toISOString() };

  const parent = dirname(target);
  const tag = `${process.pid}-${Date.now()}-${counter++}`;
  const tmp = join(parent, `.${basename(target)}.tmp-${tag}`);
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(tmp);
    await writeDurable(join(tmp, WEIGHTS_BIN), new Uint8Array(weightData));
    await writeDurable(join(tmp, MODEL_JSON), JSON.stringify(modelJson));
    await writeDurable(join(tmp, META_JSON), JSON.stringify(fullMeta, null, 2) + '\n');
    for (const [name, data] of Object.entries(extra)) {
      if (name !== basename(name) || [MODEL_JSON, WEIGHTS_BIN, META_JSON].includes(name)) throw new TransferkitError('BAD_OPTION', `Cannot save an extra file named "${name}" with a model`, { where: target, hint: 'Extra files are plain names other than model.json, weights.bin and transferkit.json.' });
      await writeDurable(join(tmp, name), data);
    }
    await syncDir(tmp);
    await swapInto(tmp, target, join(parent, `.${basename(target)}.old-${tag}`));
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    // a full disk, a read-only folder or denied permission is a clear error naming the path
    throw writeError(err, target);
  }
  return fullMeta;
}

/**
 * Loads a model folder (or a path to its `model.json`). Reads `model.json` and every weight
 * shard its manifest lists, checks that the shard sizes add up to what the manifest describes
 * *before* building anything, then builds the model. Training config stored in `model.json`
 * is ignored: compile the model yourself.
 *
 * @throws TransferkitError `MODEL_NOT_FOUND` (no such folder / no model.json), `CORRUPT_MODEL`
 *   (unreadable JSON or topology), `UNSUPPORTED_MODEL` (graph models, newer metadata format,
 *   layers tfjs cannot build), `MISSING_WEIGHTS` (a shard file is missing), `CORRUPT_WEIGHTS`
 *   (shard bytes differ from the manifest; says expected vs actual).
 * @example
 * ```ts
 * const { model, meta } = await loadModel('out/iris-mlp');
 * console.log(meta?.classes);
 * ```
 */
export async function loadModel(pathOrDir: string): Promise<LoadedModel> {
  const { dir, modelJsonPath } = await locateModel(pathOrDir);
  const json = await readJson(modelJsonPath, 'model.json');
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new TransferkitError('CORRUPT_MODEL', 'model.json does not hold a JSON object.', { where: modelJsonPath, hint: 'Re-export or re-save the model.' });
  }
  const mj = json as Record<string, unknown>;
  const topology = mj.modelTopology as Record<string, unknown> | undefined;
  if (mj.format === 'graph-model' || (topology && typeof topology === 'object' && Array.isArray(topology.node))) {
    throw new TransferkitError('UNSUPPORTED_MODEL', 'This is a TensorFlow.js *graph model* (a frozen graph); transferkit can only fine-tune layers models so far.', {
      where: modelJsonPath,
      hint: 'Convert the original Keras model with `tensorflowjs_converter --output_format tfjs_layers_model`, or use a model from the built-in zoo.',
    });
  }
  if (!topology || typeof topology !== 'object') {
    throw new TransferkitError('CORRUPT_MODEL', 'model.json has no "modelTopology".', { where: modelJsonPath, hint: 'This is not a TensorFlow.js layers model; re-export it with tfjs `model.save()` or the tensorflowjs converter.' });
  }
  checkLayerGraph(topology, modelJsonPath);
  const meta = await readMeta(dir);
  const { weightSpecs, weightData } = await readWeights(dir, modelJsonPath, mj.weightsManifest);

  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs, weightData }));
  } catch (err) {
    throw new TransferkitError('UNSUPPORTED_MODEL', `TensorFlow.js could not build the model: ${(err as Error).message}`, {
      where: modelJsonPath,
      hint: 'The model may use a layer type tfjs-layers does not support, or its weights do not match its topology.',
      cause: err,
    });
  }
  const units = outputUnits(model);
  if (meta && meta.classes.length > 0 && units !== null && units !== meta.classes.length) {
    model.dispose();
    throw new TransferkitError('CORRUPT_MODEL', `transferkit.json lists ${meta.classes.length} classes but the model has ${units} outputs.`, {
      where: join(dir, META_JSON),
      hint: 'The metadata belongs to another model; re-save the model with the right classes.',
    });
  }
  return { model, meta, dir };
}

/**
 * Checks that examples of shape `perExampleShape` (no batch dimension) fit the model's first input.
 * `null` dimensions in the model accept any size.
 *
 * @throws TransferkitError `SHAPE_MISMATCH`, e.g. "The model expects inputs of shape [28,28,1] but the data gives [32,32,3]".
 * @example
 * ```ts
 * checkInputShape(model, [32, 32, 3], 'data/cifar-sample');
 * ```
 */
export function checkInputShape(model: tf.LayersModel, perExampleShape: number[], where: string): void {
  const expected = model.inputs[0].shape.slice(1);
  const fits = expected.length === perExampleShape.length && expected.every((d, i) => d === null || d === -1 || d === perExampleShape[i]);
  if (fits) return;
  const fmt = (s: (number | null)[]) => `[${s.map((d) => (d === null || d === -1 ? '?' : d)).join(',')}]`;
  const want = expected.reduce<number>((p, d) => p * (d ?? 1), 1);
  const have = perExampleShape.reduce((p, d) => p * d, 1);
  let hint: string;
  if (expected.length === 3 && perExampleShape.length === 3) {
    hint = `Resize the images to ${expected[0]}×${expected[1]} with ${expected[2]} channel${expected[2] === 1 ? '' : 's'}, or pick a model whose input matches the data.`;
  } else if (expected.length === 1 && perExampleShape.length === 1) {
    hint = `The model takes ${expected[0]} features per example and the data has ${perExampleShape[0]}: use the same feature columns/encoding the model was trained with, or pick a model that matches.`;
  } else if (!expected.includes(null) && want === have) {
    hint = `Both hold ${have} values per example: reshape the data to ${fmt(expected)}.`;
  } else {
    hint = `Prepare the data as ${fmt(expected)} per example, or pick a model whose input matches ${fmt(perExampleShape)}.`;
  }
  throw new TransferkitError('SHAPE_MISMATCH', `The model expects inputs of shape ${fmt(expected)} but the data gives ${fmt(perExampleShape)}.`, { where, hint });
}

/**
 * How many bytes the weights of one manifest group take on disk (all its shards together),
 * or `null` when that depends on the data (string weights).
 *
 * @example
 * ```ts
 * weightGroupBytes([{ name: 'dense/kernel', shape: [4, 3], dtype: 'float32' }]); // 48
 * ```
 */
export function weightGroupBytes(weights: tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const spec of weights) {
    const per = BYTES_PER_VALUE[spec.quantization?.dtype ?? spec.dtype];
    if (per === undefined) return null;
    total += per * spec.shape.reduce((p, d) => p * d, 1);
  }
  return total;
}

// ---- helpers ---------------------------------------------------------------

function outputUnits(model: tf.LayersModel): number | null {
  const shape = model.outputs[0]?.shape;
  const last = shape?.[shape.length - 1];
  return typeof last === 'number' && shape.length === 2 ? last : null;
}

async function assertReplaceable(target: string): Promise<void> {
  const st = await lstat(target).catch(() => null);
  if (!st) return;
  if (!st.isDirectory()) {
    throw new TransferkitError('NOT_A_MODEL_FOLDER', 'Cannot save the model there: the path exists and is not a folder.', { where: target, hint: 'Choose another output path, or remove that file.' });
  }
  const entries = await readdir(target);
  if (entries.length > 0 && !entries.includes(MODEL_JSON) && !entries.includes(META_JSON)) {
    throw new TransferkitError('NOT_A_MODEL_FOLDER', 'Cannot save the model there: the folder holds other files and no model; transferkit will not replace it.', {
      where: target,
      hint: 'Choose an empty or new folder, e.g. a sub-folder of it.',
    });
  }
}

async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Renames `tmp` to `target`; an existing `target` is moved to `old` first and deleted after. */
async function swapInto(tmp: string, target: string, old: string): Promise<void> {
  const exists = await lstat(target).then(() => true, () => false);
  if (!exists) {
    await rename(tmp, target);
    return;
  }
  await rename(target, old);
  try {
    await rename(tmp, target);
  } catch (err) {
    await rename(old, target).catch(() => undefined);
    throw err;
  }
  // the new folder is in place on disk before the previous one goes (RunFolder.open recovers `old` otherwise)
  await syncDir(dirname(target));
  await rm(old, { recursive: true, force: true });
}

async function locateModel(pathOrDir: string): Promise<{ dir: string; modelJsonPath: string }> {
  const p = resolve(pathOrDir);
  const st = await stat(p).catch(() => null);
  if (!st) {
    throw new TransferkitError('MODEL_NOT_FOUND', `No model at "${pathOrDir}": the path does not exist.`, {
      where: p,
      hint: 'Pass a model folder (holding model.json), a path to a model.json, or the name of a built-in model (`listZooModels()`).',
    });
  }
  const dir = st.isDirectory() ? p : dirname(p);
  const modelJsonPath = st.isDirectory() ? join(p, MODEL_JSON) : p;
  const ok = await stat(modelJsonPath).then((s) => s.isFile(), () => false);
  if (!ok) {
    throw new TransferkitError('MODEL_NOT_FOUND', `The folder "${pathOrDir}" has no model.json.`, {
      where: modelJsonPath,
      hint: 'A model folder holds model.json, its weight files and transferkit.json; save one with saveModel() or `transferkit fit`.',
    });
  }
  return { dir, modelJsonPath };
}

async function readJson(path: string, what: string): Promise<unknown> {
  const st = await stat(path);
  if (!st.isFile()) {
    throw new TransferkitError('UNSAFE_PATH', `${what} is ${kindOf(st)}, not a regular file.`, { where: path, hint: `Replace ${what} with the real file from the model.` });
  }
  if (st.size > MAX_JSON_BYTES) {
    throw new TransferkitError('CORRUPT_MODEL', `${what} is ${st.size} bytes, more than the ${MAX_JSON_BYTES} bytes a model's JSON file can reasonably take.`, {
      where: path,
      hint: `This is not the ${what} of a model; re-save or re-download the model.`,
    });
  }
  const text = new TextDecoder().decode(await readModelFile({ name: what, real: path, size: st.size, stats: st }, 0, st.size));
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TransferkitError('CORRUPT_MODEL', `${what} is not valid JSON: ${(err as Error).message}`, { where: path, hint: 'The file is damaged or was cut short; re-save or re-download the model.', cause: err });
  }
}

async function readMeta(dir: string): Promise<ModelMeta | undefined> {
  const path = join(dir, META_JSON);
  const exists = await stat(path).then(() => true, () => false);
  if (!exists) return undefined;
  const file = await resolveModelFile(dir, META_JSON, META_JSON, 'Save the model again.');
  const raw = await readJson(file.real, META_JSON);
  const m = raw as Partial<ModelMeta> | null;
  if (!m || typeof m !== 'object' || Array.isArray(m)) {
    throw new TransferkitError('CORRUPT_MODEL', `${META_JSON} does not hold a JSON object.`, { where: path, hint: 'Re-save the model with transferkit.' });
  }
  const format: unknown = m.format;
  if (format !== MODEL_META_FORMAT) {
    const newer = typeof format === 'string' && format.startsWith('transferkit-model@');
    throw new TransferkitError(newer ? 'UNSUPPORTED_MODEL' : 'CORRUPT_MODEL', `${META_JSON} has format ${JSON.stringify(format)}; this version reads "${MODEL_META_FORMAT}".`, {
      where: path,
      hint: newer ? 'The model was saved by a newer transferkit: upgrade transferkit.' : 'Re-save the model with transferkit.',
    });
  }
  if (!Array.isArray(m.classes) || !m.classes.every((c) => typeof c === 'string')) {
    throw new TransferkitError('CORRUPT_MODEL', `${META_JSON} has no "classes" list of strings.`, { where: path, hint: 'Re-save the model with transferkit.' });
  }
  return m as ModelMeta;
}

interface ManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** Reads every shard, checking existence and byte counts against the manifest before anything is built. */
async function readWeights(dir: string, modelJsonPath: string, manifest: unknown): Promise<{ weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer }> {
  if (manifest === undefined) {
    throw new TransferkitError('MISSING_WEIGHTS', 'model.json lists no weight files (it has no "weightsManifest").', {
      where: modelJsonPath,
      hint: 'Save the model with its weights (saveModel() or tfjs `model.save()`), not just its topology.',
    });
  }
  const bad = (why: string) =>
    new TransferkitError('CORRUPT_MODEL', `model.json has a malformed "weightsManifest": ${why}.`, { where: modelJsonPath, hint: 'Re-export or re-save the model.' });
  if (!Array.isArray(manifest)) throw bad('it is not a list');
  const groups: ManifestGroup[] = manifest.map((g, i) => {
    const group = g as Partial<ManifestGroup> | null;
    if (!group || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string') || !Array.isArray(group.weights)) throw bad(`group ${i} needs "paths" and "weights" lists`);
    return group as ManifestGroup;
  });

  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const [gi, group] of groups.entries()) {
    for (const spec of group.weights) {
      if (!spec || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw bad(`a weight in group ${gi} has no name or no shape of whole numbers ≥ 0`);
      }
    }
    const expected = weightGroupBytes(group.weights);
    // Check every shard (inside the folder, a regular file, sizes adding up) before reading any.
    const files: ModelFile[] = [];
    for (const rel of group.paths) {
      files.push(
        await resolveModelFile(dir, rel, `The weight file "${rel}" listed in model.json`, `Copy all weight files (${group.paths.join(', ')}) next to model.json; they are part of the model.`),
      );
    }
    const actual = files.reduce((s, f) => s + f.size, 0);
    if (expected !== null && actual !== expected) {
      const detail = files.length > 1 ? ` (shards: ${files.map((f) => `${basename(f.name)}=${f.size}`).join(', ')})` : '';
      throw new TransferkitError(
        'CORRUPT_WEIGHTS',
        `The weight file${files.length > 1 ? 's' : ''} ${group.paths.map((p) => `"${p}"`).join(', ')} should hold ${expected} bytes but ${files.length > 1 ? 'hold' : 'holds'} ${actual}${detail}: ${actual < expected ? 'truncated' : 'too long'}.`,
        { where: files.length === 1 ? resolve(dir, files[0].name) : dir, hint: 'The download or copy was cut short or mixed with another model; re-save or re-download the model.' },
      );
    }
    if (expected === null && actual > MAX_UNSIZED_WEIGHT_BYTES) {
      throw new TransferkitError('CORRUPT_WEIGHTS', `The weight files ${group.paths.map((p) => `"${p}"`).join(', ')} hold ${actual} bytes, more than ${MAX_UNSIZED_WEIGHT_BYTES} for weights whose size the manifest cannot tell (string weights).`, {
        where: dir,
        hint: 'The weight files do not belong to this model.json; re-save or re-download the model.',
      });
    }
    const shards: Uint8Array[] = [];
    for (const f of files) shards.push(await readModelFile(f, 0, f.size));
    weightSpecs.push(...group.weights);
    parts.push(...shards);
  }
  // One contiguous buffer: tfjs' CompositeArrayBuffer mis-addresses shards when a later shard is
  // larger than the first (it assumes TF.js' equal-size shards), so don't hand it the shards.
  const weightData = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.byteLength;
  }
  return { weightSpecs, weightData: weightData.buffer };
}

// ---- files a model refers to -------------------------------------------------

/** A file named inside a model, checked by {@link resolveModelFile}. */
export interface ModelFile {
  /** The path as the model names it. */
  name: string;
  /** The path with symbolic links resolved (inside the model's real folder). */
  real: string;
  /** Its size in bytes when checked. */
  size: number;
  stats: Stats;
}

/** What a path is, in words, for errors about files that are not regular files. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function inside(dir: string, path: string): boolean {
  const r = relative(dir, path);
  return r !== '' && !isAbsolute(r) && r !== '..' && !r.startsWith(`..${sep}`);
}

/**
 * Resolves a file that a model names (a weight shard, ONNX external data) and checks it before
 * anything is read: a relative path, inside the model's folder also once symbolic links are
 * resolved, and a regular file (not a folder, device or named pipe).
 *
 * @throws TransferkitError `UNSAFE_PATH` (absolute, `..` escaping the folder, a link pointing out
 *   of it, not a regular file), `MISSING_WEIGHTS` (no such file). Messages start with `what`.
 * @example
 * ```ts
 * const f = await resolveModelFile('models/mlp', 'weights.bin', 'The weight file "weights.bin" listed in model.json', 'Copy it next to model.json.');
 * ```
 */
export async function resolveModelFile(dir: string, name: string, what: string, missingHint: string): Promise<ModelFile> {
  const unsafe = (why: string, where: string) =>
    new TransferkitError('UNSAFE_PATH', `${what} ${why}; files a model refers to must be regular files inside its folder.`, {
      where,
      hint: "Keep the model's files in its folder (or sub-folders) and name them by relative paths; a model that names other files was made by mistake or to read files it should not, so re-export or re-download it.",
    });
  if (name.includes('\0')) throw unsafe('has a NUL character in its path', dir);
  if (name === '' || isAbsolute(name) || /^[A-Za-z]:[\\/]/.test(name) || name.startsWith('\\')) throw unsafe(`is ${name === '' ? 'an empty path' : 'an absolute path'}`, name || dir);
  const path = resolve(dir, name);
  if (!inside(dir, path)) throw unsafe(`points outside the model's folder "${dir}"`, path);
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new TransferkitError('MISSING_WEIGHTS', `${what} is missing.`, { where: path, hint: missingHint, cause: err });
    // a name too long for the file system, a link loop (ELOOP), a denied folder: no file transferkit may read
    throw unsafe(`cannot be opened (${code ?? (err as Error).message})`, path);
  }
  const realDir = await realpath(dir);
  if (!inside(realDir, real)) throw unsafe(`is a link to "${real}", outside the model's folder "${realDir}"`, path);
  const stats = await stat(real);
  if (!stats.isFile()) throw unsafe(`is ${kindOf(stats)}${real !== path ? ` ("${real}")` : ''}, not a regular file`, path);
  return { name, real, size: stats.size, stats };
}

/**
 * Reads `length` bytes at `offset` of a file checked by {@link resolveModelFile}; never blocks on
 * a pipe, and refuses a file that was swapped or shrank since it was checked.
 *
 * @example
 * ```ts
 * const bytes = await readModelFile(f, 0, f.size);
 * ```
 */
export async function readModelFile(file: ModelFile, offset: number, length: number): Promise<Uint8Array> {
  const fh = await open(file.real, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.ino !== file.stats.ino || st.dev !== file.stats.dev || st.size < offset + length) {
      throw new TransferkitError('UNSAFE_PATH', `"${file.name}" changed while it was being read (it is now ${st.isFile() ? `${st.size} bytes` : kindOf(st)}).`, {
        where: file.real,
        hint: 'Do not modify the model while it loads; load it again.',
      });
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(out, done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done < length) {
      throw new TransferkitError('CORRUPT_WEIGHTS', `"${file.name}" ended after ${offset + done} bytes while ${offset + length} were expected.`, { where: file.real, hint: 'The file is truncated; copy it again.' });
    }
    return out;
  } finally {
    await fh.close();
  }
}

// ---- the layer graph in model.json ---------------------------------------------

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The `[layerName, nodeIndex]` pairs a serialised inbound node refers to (Keras 2 lists and Keras 3 `keras_history`). */
function inboundRefs(node: unknown): [string, number][] {
  const out: [string, number][] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 64) return;
    if (Array.isArray(v)) {
      if (v.length >= 2 && typeof v[0] === 'string' && typeof v[1] === 'number') {
        out.push([v[0], v[1]]);
        return;
      }
      for (const x of v) walk(x, depth + 1);
    } else if (isObj(v)) {
      const cfg = v.config;
      if (isObj(cfg) && Array.isArray(cfg.keras_history)) walk(cfg.keras_history, depth + 1);
      else for (const x of Object.values(v)) walk(x, depth + 1);
    }
  };
  walk(node, 0);
  return out;
}

/** A layer's dtype: absent, a data type name, or a Keras 3 dtype policy object naming one. */
function validDtype(dtype: unknown): boolean {
  if (dtype === undefined || dtype === null) return true;
  if (typeof dtype === 'string') return ['float32', 'int32', 'bool', 'complex64', 'string', 'float16', 'float64', 'int64', 'uint8'].includes(dtype);
  return isObj(dtype) && isObj(dtype.config) && typeof dtype.config.name === 'string' && validDtype(dtype.config.name);
}

/**
 * Checks the layer graph of a functional model in model.json before TensorFlow.js builds it (its
 * loader waits forever for a layer that never comes): every layer that `inbound_nodes`,
 * `input_layers` and `output_layers` name exists and has that node, nodes have the shape TF.js
 * reads, layer dtypes are data types, and no node depends on itself. Nested functional models are checked too; Sequential models have no graph to check.
 */
function checkLayerGraph(topology: Json, where: string): void {
  const corrupt = (message: string) =>
    new TransferkitError('CORRUPT_MODEL', message, { where, hint: 'model.json was edited or damaged: its layer graph does not hold together. Re-save or re-export the model.' });
  const root = isObj(topology.model_config) ? topology.model_config : topology;
  const visit = (model: Json, path: string, depth: number): void => {
    if (depth > 32) throw corrupt(`model.json nests models more than 32 deep (at ${path}).`);
    const config = model.config;
    const sequential = model.class_name === 'Sequential';
    const layers = Array.isArray(config) ? config : isObj(config) && Array.isArray(config.layers) ? config.layers : null;
    if (!layers) return;
    const byName = new Map<string, Json>();
    for (const [i, l] of layers.entries()) {
      if (!isObj(l)) throw corrupt(`Layer ${i} of ${path} in model.json is not an object.`);
      const name = typeof l.name === 'string' ? l.name : isObj(l.config) && typeof l.config.name === 'string' ? l.config.name : undefined;
      // TF.js connects a functional model's layers by their top-level name
      if (!sequential && typeof l.name !== 'string') throw corrupt(`Layer ${i} of ${path} in model.json has no name, so no other layer can connect to it.`);
      if (name !== undefined) {
        if (!sequential && byName.has(name)) throw corrupt(`Two layers of ${path} in model.json are named "${name}".`);
        byName.set(name, l);
      }
      if (isObj(l.config) && !validDtype(l.config.dtype)) throw corrupt(`Layer "${name ?? i}" of ${path} in model.json has the dtype ${JSON.stringify(l.config.dtype)}, which is not a data type.`);
      if (isObj(l.config) && (Array.isArray(l.config.layers) || l.class_name === 'Sequential')) visit(l, `${path} › ${name ?? i}`, depth + 1);
    }
    if (sequential) return;
    const nested = (l: Json) => isObj(l.config) && Array.isArray(l.config.layers);
    const nodeCount = (l: Json) => (Array.isArray(l.inbound_nodes) ? l.inbound_nodes.length : 0);
    const exists = ([name, index]: [string, number], by: string) => {
      const l = byName.get(name);
      if (!l) throw corrupt(`${by} refers to layer "${name}", which ${path} in model.json does not have.`);
      if (!Number.isInteger(index) || index < 0) throw corrupt(`${by} refers to node ${index} of layer "${name}", which is not a node number.`);
      // an InputLayer has node 0 without inbound nodes; any other layer only has the nodes it lists
      if (!nested(l) && index >= (l.class_name === 'InputLayer' ? Math.max(1, nodeCount(l)) : nodeCount(l))) {
        throw corrupt(`${by} refers to node ${index} of layer "${name}", which has ${nodeCount(l)} node${nodeCount(l) === 1 ? '' : 's'}.`);
      }
    };
    for (const key of ['input_layers', 'output_layers'] as const) {
      const list = isObj(config) ? config[key] : undefined;
      if (list === undefined) continue;
      if (!Array.isArray(list)) throw corrupt(`"${key}" of ${path} in model.json is not a list.`);
      for (const ref of inboundRefs(list)) exists(ref, `"${key}" of ${path}`);
    }
    // Nodes are (layer, index); each depends on the nodes its inbound refs name. Look for cycles.
    const deps = new Map<string, string[]>();
    for (const [name, l] of byName) {
      const nodes = Array.isArray(l.inbound_nodes) ? l.inbound_nodes : [];
      nodes.forEach((node, i) => {
        // Keras 2 form (what TF.js writes): a node is a list of [layer, node index, tensor index, kwargs?]
        if (Array.isArray(node) && (node.length === 0 || !node.every((e) => Array.isArray(e) && typeof e[0] === 'string' && Number.isInteger(e[1]) && Number.isInteger(e[2] ?? 0)))) {
          throw corrupt(`Node ${i} of layer "${name}" in model.json is not a list of [layer name, node index, tensor index] entries.`);
        }
        const refs = inboundRefs(node);
        for (const ref of refs) exists(ref, `Layer "${name}"`);
        deps.set(`${name}\u0000${i}`, refs.map(([n, k]) => `${n}\u0000${k}`));
      });
    }
    const state = new Map<string, 1 | 2>();
    for (const start of deps.keys()) {
      if (state.has(start)) continue;
      const stack: [string, number][] = [[start, 0]];
      state.set(start, 1);
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        const next = (deps.get(top[0]) ?? [])[top[1]++];
        if (next === undefined) {
          state.set(top[0], 2);
          stack.pop();
        } else if (state.get(next) === 1) {
          throw corrupt(`The layers of ${path} in model.json form a cycle: layer "${next.split('\u0000')[0]}" depends on its own output.`);
        } else if (!state.has(next)) {
          state.set(next, 1);
          stack.push([next, 0]);
        }
      }
    }
  };
  if (isObj(root)) visit(root, isObj(root.config) && typeof root.config.name === 'string' ? `model "${root.config.name}"` : 'the model', 0);
}
