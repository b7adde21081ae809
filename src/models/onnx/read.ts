/**
 * Reading and checking `.onnx` files: decode the protobuf, check that the graph is complete
 * (every value a node reads is produced somewhere, every initializer holds as many values as its
 * dims say), sort the nodes, and list them with their output shapes.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import { readModelFile, resolveModelFile } from '../io.ts';
import { DATA_TYPE_NAMES, elementBytes, proto, storedElements, tensorDims, tensorSize, toNumber, valueInfoDimNames, valueInfoShape, type Int64, type Onnx } from './proto.ts';
import type { OnnxModel, OnnxValueInfo, Shape } from './onnx-model.ts';
import { inferShapes } from './shapes.ts';

export type { OnnxModel, OnnxValueInfo } from './onnx-model.ts';

/** Protobuf messages (so .onnx files) are at most 2 GiB. */
const MAX_ONNX_BYTES = 2 ** 31;

/** One node, as {@link listNodes} reports it. */
export interface OnnxNodeInfo {
  index: number;
  /** The node name (ONNX allows empty names: then `<opType>_<index>`). */
  name: string;
  opType: string;
  /** Names of the values the node reads (weights included). */
  inputs: string[];
  /** Names of the values it produces: what `createOnnxExtractor({ taps })` accepts. */
  outputs: string[];
  /** Shape of each output in ONNX order (`null` dims are symbolic, e.g. the batch); undefined when unknown. */
  outputShapes: (Shape | undefined)[];
  /** Number of weight values among the node's inputs (initializers). */
  params: number;
}

/**
 * Reads and checks an `.onnx` file. Tensor data stored in external files (models over 2 GB) is
 * read from next to the model: only from regular files inside the model's folder (links resolved),
 * and only once their size fits the tensor's dims.
 *
 * @throws TransferkitError `MODEL_NOT_FOUND` (no such file), `CORRUPT_MODEL` (not ONNX, truncated,
 *   an incomplete graph, external data whose offset/length disagree with the tensor's size),
 *   `MISSING_WEIGHTS` (an external data file is missing or short), `UNSAFE_PATH` (the model or its
 *   external data is not a regular file, or external data lies outside the model's folder).
 * @example
 * ```ts
 * const m = await readOnnx('resnet18.onnx');
 * console.log(m.inputs[0].shape, m.nodes.length);
 * ```
 */
export async function readOnnx(path: string): Promise<OnnxModel> {
  const abs = resolve(path);
  const st = await stat(abs).catch(() => null);
  if (!st) {
    throw new TransferkitError('MODEL_NOT_FOUND', `No ONNX model at "${path}": the file does not exist.`, { where: abs, hint: 'Check the path; ONNX models are single .onnx files.' });
  }
  if (st.isDirectory()) {
    throw new TransferkitError('MODEL_NOT_FOUND', `"${path}" is a folder, not an .onnx file.`, { where: abs, hint: 'Pass the .onnx file itself.' });
  }
  if (!st.isFile()) {
    throw new TransferkitError('UNSAFE_PATH', `"${path}" is not a regular file (it is a ${st.isFIFO() ? 'named pipe' : st.isSocket() ? 'socket' : 'device'}), so it is not read as an ONNX model.`, {
      where: abs,
      hint: 'Pass the .onnx file itself.',
    });
  }
  if (st.size > MAX_ONNX_BYTES) {
    throw new TransferkitError('CORRUPT_MODEL', `"${path}" is ${st.size} bytes; an .onnx file holds at most 2 GiB (larger models keep their weights in external data files).`, {
      where: abs,
      hint: 'Pass the .onnx model file; export big models with external data.',
    });
  }
  const bytes = await readFile(abs);
  const model = parseOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), abs);
  await loadExternalData(model, dirname(abs));
  return model;
}

/**
 * Decodes and checks ONNX bytes (see {@link readOnnx}); `where` names the source in errors.
 * External tensor data is not read here.
 *
 * @example
 * ```ts
 * const m = parseOnnx(builder.toBytes(), 'in-memory');
 * ```
 */
export function parseOnnx(bytes: Uint8Array, where = 'model.onnx'): OnnxModel {
  const corrupt = (message: string, hint = 'The file is damaged or not an ONNX model: download or export it again.') => new TransferkitError('CORRUPT_MODEL', message, { where, hint });
  if (bytes.length === 0) throw corrupt('The ONNX file is empty.');
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 64));
  if (head.startsWith('version https://git-lfs')) {
    throw corrupt('The file is a Git LFS pointer, not the ONNX model itself.', 'Fetch the real file with `git lfs pull`, or download the model again.');
  }
  if (!MODEL_FIRST_TAGS.has(bytes[0])) {
    const text = /^[\x09\x0a\x0d\x20-\x7e]*$/.test(head);
    throw corrupt(`The file is not an ONNX model: ${text ? `it is text ("${head.slice(0, 24).replace(/\s+/g, ' ')}…")` : `its first byte (0x${bytes[0].toString(16).padStart(2, '0')}) starts no ONNX model field`}.`);
  }
  let m: Onnx.ModelProto;
  try {
    m = proto.ModelProto.decode(bytes);
  } catch (err) {
    const why = (err as Error).message;
    const truncated = /index out of range/.test(why);
    throw corrupt(
      truncated
        ? `The ONNX file ends early (${bytes.length} bytes, protobuf data runs past the end): it is truncated.`
        : `The file is not an ONNX model: it is not valid protobuf (${why}).`,
      truncated ? 'Download or export the model again; an interrupted copy or a Git LFS pointer file looks like this.' : undefined,
    );
  }
  const g = m.graph;
  if (!g) throw corrupt('The file decodes as protobuf but has no ONNX graph: it is not an ONNX model, or it is truncated.');
  const nodes = g.node ?? [];
  if (nodes.length === 0) throw corrupt('The ONNX graph has no nodes.');
  if ((g.output ?? []).length === 0) throw corrupt('The ONNX graph declares no outputs.');
  const irVersion = toNumber(m.irVersion as Int64);
  const opsets = m.opsetImport ?? [];
  const main = opsets.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (irVersion <= 0 || (irVersion >= 3 && !main)) {
    throw corrupt(`The ONNX model has ${irVersion <= 0 ? 'no IR version' : 'no opset import for the default domain'}: the file is truncated or not an ONNX model.`);
  }
  const opset = main ? toNumber(main.version as Int64) : 1;

  const initializers = new Map<string, Onnx.ITensorProto>();
  for (const t of g.initializer ?? []) {
    const name = t.name ?? '';
    const expected = tensorSize(t);
    const stored = storedElements(t);
    if (stored !== undefined && stored !== expected && !(stored === 0 && expected === 0)) {
      throw corrupt(
        `Initializer "${name}" (${DATA_TYPE_NAMES[t.dataType ?? 0] ?? t.dataType}, dims [${tensorDims(t).join(', ')}]) holds ${stored} values, expected ${expected}: the file is truncated or damaged.`,
      );
    }
    initializers.set(name, t);
  }
  const inputs: OnnxValueInfo[] = (g.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(describeValue);
  const outputs: OnnxValueInfo[] = (g.output ?? []).map(describeValue);

  const sorted = topoSort(nodes, new Set([...inputs.map((i) => i.name), ...initializers.keys()]), where);
  const produced = new Set([...inputs.map((i) => i.name), ...initializers.keys(), ...sorted.flatMap((n) => n.output ?? [])]);
  for (const o of outputs) {
    if (!produced.has(o.name)) throw corrupt(`The graph output "${o.name}" is produced by no node: the graph is incomplete.`);
  }
  m.graph!.node = sorted as Onnx.NodeProto[];
  return { path: where, proto: m, bytes: bytes.length, irVersion, opset, producer: [m.producerName, m.producerVersion].filter(Boolean).join(' '), inputs, outputs, initializers, nodes: sorted };
}

/**
 * Lists the nodes in topological order with their output shapes (from the file's `value_info`
 * where present, otherwise inferred for the common ops).
 *
 * @example
 * ```ts
 * for (const n of listNodes(await readOnnx('model.onnx'))) console.log(n.name, n.opType, n.outputShapes[0]);
 * ```
 */
export function listNodes(model: OnnxModel): OnnxNodeInfo[] {
  const shapes = inferShapes(model);
  return model.nodes.map((n, index) => {
    const inputs = (n.input ?? []).filter((s) => s !== '');
    return {
      index,
      name: nodeName(n, index),
      opType: n.opType ?? '',
      inputs,
      outputs: [...(n.output ?? [])].filter((s) => s !== ''),
      outputShapes: (n.output ?? []).filter((s) => s !== '').map((o) => shapes.get(o)),
      params: inputs.reduce((s, i) => s + (model.initializers.has(i) ? tensorSize(model.initializers.get(i)!) : 0), 0),
    };
  });
}

/**
 * A node's display name: its own name, or `<opType>_<index>` when the file leaves it empty.
 *
 * @example
 * ```ts
 * nodeName(node, 3); // 'conv1' or 'Conv_3'
 * ```
 */
export function nodeName(n: Onnx.INodeProto, index: number): string {
  return n.name && n.name.length > 0 ? n.name : `${n.opType ?? 'node'}_${index}`;
}

/** Total number of weight values (initializer elements) in the model. */
export function countOnnxParams(model: OnnxModel): number {
  let total = 0;
  for (const t of model.initializers.values()) total += tensorSize(t);
  return total;
}

// ---- helpers ---------------------------------------------------------------

/**
 * Protobuf tags a ModelProto can start with (field number << 3 | wire type): ir_version,
 * producer_name, producer_version, domain, model_version, doc_string, graph, opset_import,
 * metadata_props, and the first byte of training_info / functions.
 */
const MODEL_FIRST_TAGS = new Set([0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72, 0xa2, 0xca]);

function describeValue(v: Onnx.IValueInfoProto): OnnxValueInfo {
  const elem = v.type?.tensorType?.elemType ?? 0;
  return { name: v.name ?? '', shape: valueInfoShape(v), dimNames: valueInfoDimNames(v), dtype: DATA_TYPE_NAMES[elem] ?? String(elem) };
}

/** Kahn's algorithm, keeping the file's order among ready nodes. */
function topoSort(nodes: Onnx.INodeProto[], available: Set<string>, where: string): Onnx.INodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o !== '' && producer.set(o, i)));
  const pending = nodes.map((n) => new Set((n.input ?? []).filter((s) => s !== '' && !available.has(s))));
  for (let i = 0; i < nodes.length; i++) {
    for (const s of pending[i]) {
      if (!producer.has(s)) {
        throw new TransferkitError('CORRUPT_MODEL', `Node "${nodeName(nodes[i], i)}" (${nodes[i].opType}) reads "${s}", which no node, input or initializer produces: the graph is incomplete.`, {
          where,
          hint: 'The file is damaged or was cut; export the model again.',
        });
      }
    }
  }
  const consumers = new Map<string, number[]>();
  pending.forEach((set, i) => set.forEach((s) => consumers.set(s, [...(consumers.get(s) ?? []), i])));
  const done = new Array<boolean>(nodes.length).fill(false);
  const order: Onnx.INodeProto[] = [];
  const ready = nodes.map((_, i) => i).filter((i) => pending[i].size === 0);
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    if (done[i]) continue;
    done[i] = true;
    order.push(nodes[i]);
    for (const o of nodes[i].output ?? []) {
      for (const c of consumers.get(o) ?? []) {
        pending[c].delete(o);
        if (pending[c].size === 0 && !done[c]) ready.push(c);
      }
    }
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.findIndex((_, i) => !done[i]);
    throw new TransferkitError('CORRUPT_MODEL', `The ONNX graph has a cycle (node "${nodeName(nodes[stuck], stuck)}" depends on its own output).`, { where, hint: 'Export the model again.' });
  }
  return order;
}

/**
 * Reads tensor data stored outside the .onnx file (`data_location: EXTERNAL`). Like onnxruntime,
 * only files inside the model's folder are read; every file is checked (a regular file inside the
 * folder once links are resolved, its `offset`/`length` matching the tensor's dims × element size
 * and lying within the file) before a byte of it is read, and only that range is read.
 */
async function loadExternalData(model: OnnxModel, dir: string): Promise<void> {
  for (const t of model.initializers.values()) {
    if (t.dataLocation !== 1) continue;
    const name = t.name ?? '';
    const entries = Object.fromEntries((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = entries.location ?? '';
    const corrupt = (why: string, where: string = join(dir, location)) =>
      new TransferkitError('CORRUPT_MODEL', `The external data of initializer "${name}" ${why}.`, { where, hint: 'The file is damaged or was edited; export the model again.' });
    if (location === '') throw corrupt('names no file (its "location" is empty)', model.path);
    const per = elementBytes(t.dataType ?? 0);
    if (per === undefined) throw corrupt(`has data type ${DATA_TYPE_NAMES[t.dataType ?? 0] ?? t.dataType}, which transferkit cannot read from an external file`, model.path);
    const dims = tensorDims(t);
    if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw corrupt(`has dims [${dims.join(', ')}], which are not all whole numbers ≥ 0`, model.path);
    const needed = tensorSize(t) * per;
    if (!Number.isSafeInteger(needed)) throw corrupt(`would take ${needed} bytes (dims [${dims.join(', ')}]), more than a file can hold`, model.path);
    const num = (key: 'offset' | 'length'): number | undefined => {
      const v = entries[key];
      if (v === undefined) return undefined;
      if (!/^\d{1,16}$/.test(v.trim()) || !Number.isSafeInteger(Number(v))) throw corrupt(`has ${key} "${v}", which is not a whole number of bytes`, model.path);
      return Number(v);
    };
    const offset = num('offset') ?? 0;
    const length = num('length');
    if (length !== undefined && length !== needed) {
      throw corrupt(`declares ${length} bytes, but its dims [${dims.join(', ')}] of ${DATA_TYPE_NAMES[t.dataType ?? 0]} take ${needed}`, model.path);
    }
    const file = await resolveModelFile(dir, location, `The external data "${location}" of initializer "${name}"`, 'Keep the external data files next to the .onnx file, as the exporter wrote them.');
    const end = length === undefined ? file.size : offset + length;
    if (offset + needed > file.size) {
      throw new TransferkitError('MISSING_WEIGHTS', `"${location}" holds ${file.size} bytes, too few for "${name}" (needs ${offset + needed}: ${needed} bytes from offset ${offset}).`, {
        where: file.real,
        hint: 'The external data file is truncated; copy it again.',
      });
    }
    if (end - offset !== needed) {
      throw corrupt(`in "${location}" holds ${end - offset} bytes from offset ${offset} (no length given, so up to the end of the file), but its dims [${dims.join(', ')}] take ${needed}`, file.real);
    }
    t.rawData = await readModelFile(file, offset, needed);
    t.dataLocation = 0;
    t.externalData = [];
  }
}
