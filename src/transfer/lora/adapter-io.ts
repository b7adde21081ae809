/**
 * Saving and loading LoRA adapters on their own, without the base model:
 *
 * ```text
 * adapter/
 *   adapter.json   rank, alpha, adapted layers and shapes, base fingerprint, weight layout, metadata
 *   adapter.bin    A and B of every adapted layer (+ layers saved in full, e.g. a new head), float32
 * ```
 *
 * An adapter records the fingerprint of the base it was trained on; loading it onto another
 * base fails with `ADAPTER_MISMATCH`.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import { replaceHead } from '../../models/surgery.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomic.ts';
import { applyLora, listAdapters, loraFingerprint, loraLayers, modelFingerprint, setActiveAdapter } from './apply.ts';
import { isLoraLayer, type AdapterSpec } from './layers.ts';

/** The `format` tag of `adapter.json`. */
export const ADAPTER_FORMAT = 'transferkit-lora-adapter@1';

const JSON_NAME = 'adapter.json';
const BIN_NAME = 'adapter.bin';

/** A new head to rebuild when an adapter is attached to its bare base (see {@link attachAdapter}). */
export interface AdapterHead {
  /** Number of classes of the new softmax head. */
  numClasses: number;
  /** Base layer the head was put on (default: the input of the old head). */
  cutAt?: string | number;
}

/** Contents of `adapter.json`. */
export interface AdapterFile {
  format: typeof ADAPTER_FORMAT;
  name: string;
  rank: number;
  alpha: number;
  /** Fingerprint of the pretrained base (see `modelFingerprint`). */
  fingerprint: string;
  /** Adapted layers with the shapes of A and B. */
  layers: Array<{ layer: string; kind: string; a: number[]; b: number[] }>;
  /** Layers stored in full (e.g. the new head), by weight name. */
  full: Array<{ layer: string; weights: string[] }>;
  /** Byte layout of `adapter.bin`. */
  weights: Array<{ name: string; shape: number[]; offset: number }>;
  bytes: number;
  /** How to rebuild the new head on the bare base, when there is one. */
  head?: AdapterHead;
  /** Free-form metadata (e.g. class names, the base's zoo name). */
  meta?: Record<string, unknown>;
  createdAt: string;
}

/** Options of {@link saveAdapter}. */
export interface SaveAdapterOptions {
  /** Adapter to save (default: the active one). */
  name?: string;
  /** Layers to store in full beside the adapter (default: every trainable layer without adapters, e.g. the new head). */
  full?: string[];
  head?: AdapterHead;
  meta?: Record<string, unknown>;
}

/**
 * Writes one adapter (and the layers trained in full beside it) to a folder: a few hundred
 * kilobytes instead of the whole model.
 *
 * @throws TransferkitError `NOT_A_LORA_MODEL`, `UNKNOWN_ADAPTER`, `ADAPTER_MERGED` (unmerge first: a merged adapter's A·B is also inside the kernel).
 * @example
 * ```ts
 * await saveAdapter(model, 'runs/mnist/adapter', { meta: { classes } });
 * ```
 */
export async function saveAdapter(model: tf.LayersModel, dir: string, opts: SaveAdapterOptions = {}): Promise<AdapterFile> {
  const info = listAdapters(model);
  const layers = loraLayers(model);
  if (layers.length === 0) throw new TransferkitError('NOT_A_LORA_MODEL', `Model "${model.name}" has no LoRA layers`, { hint: 'Put adapters on it with applyLora() first.' });
  const name = opts.name ?? info.active;
  const spec = info.adapters.find((a) => a.name === name);
  if (!name || !spec) throw new TransferkitError('UNKNOWN_ADAPTER', `The model has no adapter named "${name}"`, { hint: `Adapters: ${info.adapters.map((a) => a.name).join(', ') || 'none'}.` });
  if (info.merged === name) throw new TransferkitError('ADAPTER_MERGED', `Adapter "${name}" is merged into the base weights`, { hint: 'Call unmergeAdapter() before saving it.' });

  const tensors: Array<{ name: string; tensor: tf.Tensor }> = [];
  const entries: AdapterFile['layers'] = [];
  for (const layer of layers) {
    const w = layer.adapterWeights(name);
    if (!w) continue;
    entries.push({ layer: layer.name, kind: layer.getClassName(), a: w.a.shape as number[], b: w.b.shape as number[] });
    tensors.push({ name: `${layer.name}/lora_A`, tensor: w.a.read() }, { name: `${layer.name}/lora_B`, tensor: w.b.read() });
  }
  const fullNames = opts.full ?? model.layers.filter((l) => !isLoraLayer(l) && l.trainable && l.weights.length > 0).map((l) => l.name);
  const full: AdapterFile['full'] = [];
  for (const layerName of fullNames) {
    const layer = model.getLayer(layerName);
    const ws = [...layer.weights].sort((a, b) => a.id - b.id);
    full.push({ layer: layerName, weights: ws.map((w) => w.originalName) });
    for (const w of ws) tensors.push({ name: w.originalName, tensor: w.read() });
  }
  let offset = 0;
  const layout: AdapterFile['weights'] = [];
  const chunks: Float32Array[] = [];
  for (const { name: n, tensor } of tensors) {
    const values = tensor.dataSync() as Float32Array;
    layout.push({ name: n, shape: tensor.shape, offset });
    chunks.push(values);
    offset += values.byteLength;
  }
  const bin = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    bin.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), at);
    at += c.byteLength;
  }
  const file: AdapterFile = {
    format: ADAPTER_FORMAT,
    name,
    rank: spec.rank,
    alpha: spec.alpha,
    fingerprint: loraFingerprint(model) ?? '',
    layers: entries,
    full,
    weights: layout,
    bytes: offset,
    head: opts.head,
    meta: opts.meta,
    createdAt: new Date().toISOString(),
  };
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, BIN_NAME), bin);
  await writeJsonAtomic(join(dir, JSON_NAME), file);
  return file;
}

/**
 * Reads an adapter folder (checking its layout and size) without applying it.
 *
 * @throws TransferkitError `ADAPTER_NOT_FOUND`, `CORRUPT_ADAPTER`.
 * @example
 * ```ts
 * const { file } = await readAdapter('runs/mnist/adapter');
 * console.log(file.rank, file.layers.map((l) => l.layer));
 * ```
 */
export async function readAdapter(dir: string): Promise<{ file: AdapterFile; values: Map<string, tf.Tensor> }> {
  const jsonPath = join(dir, JSON_NAME);
  if (!(await stat(jsonPath).then((s) => s.isFile(), () => false))) {
    throw new TransferkitError('ADAPTER_NOT_FOUND', `No adapter in "${dir}" (adapter.json is missing)`, { where: dir, hint: 'Pass the adapter folder written by saveAdapter() or by fit with `strategy: "lora"` (<run>/adapter).' });
  }
  let file: AdapterFile;
  try {
    file = JSON.parse(await readFile(jsonPath, 'utf8')) as AdapterFile;
  } catch (err) {
    throw new TransferkitError('CORRUPT_ADAPTER', `adapter.json is not valid JSON: ${(err as Error).message}`, { where: jsonPath, hint: 'Save the adapter again.', cause: err });
  }
  if (file?.format !== ADAPTER_FORMAT || !Array.isArray(file.layers) || !Array.isArray(file.weights)) {
    throw new TransferkitError('CORRUPT_ADAPTER', `adapter.json has format ${JSON.stringify(file?.format)}; this version reads "${ADAPTER_FORMAT}"`, { where: jsonPath, hint: 'Save the adapter again with this transferkit.' });
  }
  const binPath = join(dir, BIN_NAME);
  const bin = await readFile(binPath).catch(() => {
    throw new TransferkitError('CORRUPT_ADAPTER', 'adapter.bin is missing', { where: binPath, hint: 'Copy adapter.bin next to adapter.json.' });
  });
  if (bin.byteLength !== file.bytes) {
    throw new TransferkitError('CORRUPT_ADAPTER', `adapter.bin should hold ${file.bytes} bytes but holds ${bin.byteLength}`, { where: binPath, hint: 'The file was cut short or belongs to another adapter; save it again.' });
  }
  const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const values = new Map<string, tf.Tensor>();
  for (const w of file.weights) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    values.set(w.name, tf.tensor(floats.subarray(w.offset / 4, w.offset / 4 + size), w.shape));
  }
  return { file, values };
}

/**
 * Loads an adapter into a LoRA model made from the same base (same fingerprint), adding it
 * under its name (or `opts.name`) when the layers do not have it yet, and makes it active.
 * Layers saved in full with the adapter (e.g. the head) are written too. Returns the adapter's name.
 *
 * @throws TransferkitError `ADAPTER_MISMATCH` (another base, or layers/shapes that differ), `NOT_A_LORA_MODEL`, `ADAPTER_NOT_FOUND`, `CORRUPT_ADAPTER`.
 * @example
 * ```ts
 * await loadAdapter(model, 'adapters/task-b');
 * setActiveAdapter(model, 'task-b');
 * ```
 */
export async function loadAdapter(model: tf.LayersModel, dir: string, opts: { name?: string } = {}): Promise<string> {
  const { file, values } = await readAdapter(dir);
  try {
    const fp = loraFingerprint(model);
    if (fp === undefined) {
      throw new TransferkitError('NOT_A_LORA_MODEL', `Model "${model.name}" has no LoRA layers to load the adapter into`, { hint: 'Use attachAdapter(base, dir) to put an adapter on a bare base model.' });
    }
    checkFingerprint(file, fp, dir);
    const name = opts.name ?? file.name;
    const spec: AdapterSpec = { name, rank: file.rank, alpha: file.alpha };
    const lora = new Map(loraLayers(model).map((l) => [l.name, l]));
    for (const entry of file.layers) {
      const layer = lora.get(entry.layer);
      if (!layer) throw mismatch(`the adapter has weights for layer "${entry.layer}", which is not a LoRA layer of this model`, dir);
      if (!layer.adapterWeights(name)) layer.addAdapter(spec);
      const w = layer.adapterWeights(name)!;
      writeChecked(w.a, values.get(`${entry.layer}/lora_A`), `${entry.layer} A`, dir);
      writeChecked(w.b, values.get(`${entry.layer}/lora_B`), `${entry.layer} B`, dir);
    }
    for (const entry of file.full) {
      const layer = model.layers.find((l) => l.name === entry.layer);
      if (!layer) throw mismatch(`the adapter stores layer "${entry.layer}" in full, but the model has no such layer`, dir);
      const ws = [...layer.weights].sort((a, b) => a.id - b.id);
      entry.weights.forEach((wn, i) => writeChecked(ws[i], values.get(wn), wn, dir));
    }
    setActiveAdapter(model, name);
    return name;
  } finally {
    for (const t of values.values()) t.dispose();
  }
}

/**
 * Puts a saved adapter on the bare pretrained base it was trained on: rebuilds the new head
 * recorded with it (if any), wraps the adapted layers and loads the weights. The base is checked
 * against the adapter's fingerprint first.
 *
 * @throws TransferkitError `ADAPTER_MISMATCH` for an adapter made for another base.
 * @example
 * ```ts
 * const { model: base } = await loadModel(resolveModelRef('fashion-cnn'));
 * const { model, file } = await attachAdapter(base, 'runs/mnist/adapter');
 * ```
 */
export async function attachAdapter(base: tf.LayersModel, dir: string): Promise<{ model: tf.LayersModel; file: AdapterFile }> {
  const { file, values } = await readAdapter(dir);
  for (const t of values.values()) t.dispose();
  const fingerprint = modelFingerprint(base);
  checkFingerprint(file, fingerprint, dir);
  const withHead = file.head ? replaceHead(base, file.head.numClasses, { cutAt: file.head.cutAt }) : base;
  const model = applyLora(withHead, { rank: file.rank, alpha: file.alpha, name: file.name, layers: file.layers.map((l) => l.layer), fingerprint, train: file.full.map((f) => f.layer) });
  await loadAdapter(model, dir);
  return { model, file };
}

function checkFingerprint(file: AdapterFile, fingerprint: string, dir: string): void {
  if (file.fingerprint !== fingerprint) {
    throw new TransferkitError(
      'ADAPTER_MISMATCH',
      `The adapter "${file.name}" was made for another base model (base fingerprint ${file.fingerprint || 'none'}, this model's ${fingerprint})`,
      { where: dir, hint: `Load it onto the base it was trained on${typeof file.meta?.base === 'string' ? ` (${file.meta.base})` : ''}; an adapter only makes sense on the exact weights it was trained with.` },
    );
  }
}

function writeChecked(target: tf.LayerVariable, value: tf.Tensor | undefined, what: string, dir: string): void {
  if (!value) throw mismatch(`adapter.bin has no values for ${what}`, dir);
  const want = target.shape.join('×');
  const got = value.shape.join('×');
  if (want !== got) throw mismatch(`${what} has shape ${got} in the adapter but ${want} in the model`, dir);
  target.write(value);
}

function mismatch(why: string, dir: string): TransferkitError {
  return new TransferkitError('ADAPTER_MISMATCH', `The adapter does not fit this model: ${why}`, { where: dir, hint: 'Load the adapter onto the model (base, head and LoRA layers) it was trained with.' });
}
