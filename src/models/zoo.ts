/**
 * The built-in model zoo: pretrained models shipped in the repository under `models/<name>/`,
 * each a model folder (see `io.ts`) plus a `MODEL_CARD.md` whose first `# ` heading is its title.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TransferkitError } from '../errors.ts';
import { weightGroupBytes } from './io.ts';
import { WORD_VECTOR_SOURCES } from './text/word-vectors.ts';

/** One entry of {@link listZooModels}. */
export interface ZooModel {
  /** Folder name, e.g. `fashion-cnn`; what `resolveModelRef` accepts. */
  name: string;
  /** The MODEL_CARD.md title (falls back to the metadata's name/description). */
  description: string;
  /** Input shape per example, e.g. `[28, 28, 1]`; `[]` when unknown. */
  inputShape: (number | null)[];
  classes: string[];
  /** Test accuracy recorded in transferkit.json, when there is one. */
  accuracy?: number;
  /** Absolute path of the model folder. */
  path: string;
  /** True when model.json and all its weight files are present with the right sizes. */
  available: boolean;
  /** Why the model is not available. */
  problem?: string;
}

/**
 * The zoo folder: `models/` at the package root.
 *
 * @example
 * ```ts
 * console.log(zooRoot()); // /…/transferkit/models
 * ```
 */
export function zooRoot(): string {
  return fileURLToPath(new URL('../../models/', import.meta.url));
}

/**
 * Lists the built-in models. An empty or missing `models/` folder gives `[]`.
 * Folders whose name starts with `.` (e.g. half-finished saves) are skipped.
 *
 * @param root the zoo folder; defaults to {@link zooRoot}.
 * @example
 * ```ts
 * for (const m of listZooModels()) console.log(`${m.name}  ${m.description}  input ${JSON.stringify(m.inputShape)}`);
 * ```
 */
export function listZooModels(root: string = zooRoot()): ZooModel[] {
  let names: string[];
  try {
    names = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
  return names.map((name) => describe(name, join(root, name)));
}

/**
 * Turns a model reference into the path of something to load — the one resolver behind every
 * command and function that takes a model:
 * - a zoo name such as `'fashion-cnn'` → its model folder;
 * - a run folder written by `fit` or `adapt` (it holds `config.json` and `model/`) → its `model/`;
 * - a model folder, a `model.json` path or an `.onnx` file → that path, made absolute.
 *
 * A bare name that is both a zoo model and a local folder means the zoo model; write `./name`
 * for the local folder.
 *
 * @param root the zoo folder; defaults to {@link zooRoot}.
 * @throws TransferkitError `UNSUPPORTED_MODEL` for word vectors (`glove-100d`, a `.tkwv` file: a
 *   base for `fit` only); `UNKNOWN_MODEL` for a bare name that is neither a zoo model nor an
 *   existing path; `MODEL_NOT_FOUND` for a path that does not exist.
 * @example
 * ```ts
 * resolveModelRef('fashion-cnn'); // '/…/transferkit/models/fashion-cnn'
 * resolveModelRef('runs/mnist');  // '/…/runs/mnist/model'
 * ```
 */
export function resolveModelRef(ref: string, root: string = zooRoot()): string {
  if ((WORD_VECTOR_SOURCES[ref] !== undefined && !isDir(join(root, ref))) || ref.toLowerCase().endsWith('.tkwv')) {
    throw new TransferkitError('UNSUPPORTED_MODEL', `"${ref}" is word vectors, not a model: word vectors are a base for \`fit\` only (it builds a text model on them)`, {
      where: ref,
      hint: `Train a text model on them first (\`transferkit fit --base ${ref} --train texts.jsonl --out runs/texts\`), then pass runs/texts here.`,
    });
  }
  const looksLikePath = looksLikeModelPath(ref);
  if (!looksLikePath && ref.length > 0 && isDir(join(root, ref))) return resolve(root, ref);
  if (ref.length > 0 && existsSync(ref)) return isRunFolder(ref) ? resolve(ref, 'model') : resolve(ref);
  const zoo = safeNames(root);
  const available = zoo.length > 0 ? `Built-in models: ${zoo.join(', ')}.` : 'The built-in zoo is empty.';
  if (looksLikePath) {
    throw new TransferkitError('MODEL_NOT_FOUND', `No model at "${ref}": the path does not exist.`, {
      where: resolve(ref),
      hint: `Pass a run folder, a model folder or its model.json, or an .onnx file. ${available}`,
    });
  }
  throw new TransferkitError('UNKNOWN_MODEL', `"${ref}" is not a built-in model and not an existing path.`, {
    where: ref,
    hint: `${available} A run folder, a model folder, a model.json or an .onnx file also works.`,
  });
}

/**
 * A model reference as it reads from any current directory: a path (a run folder, a model
 * folder, a model.json, an .onnx file) made absolute; a name (a built-in model, word vectors),
 * told from a path as {@link resolveModelRef} does, kept as it is.
 *
 * @example
 * ```ts
 * absoluteModelRef('fashion-cnn'); // 'fashion-cnn'
 * absoluteModelRef('runs/mnist');  // '/home/me/project/runs/mnist'
 * ```
 */
export function absoluteModelRef(ref: string, root: string = zooRoot()): string {
  if (ref.length === 0 || isAbsolute(ref)) return ref;
  if (looksLikeModelPath(ref)) return resolve(ref);
  const isName = isDir(join(root, ref)) || WORD_VECTOR_SOURCES[ref] !== undefined || !existsSync(ref);
  return isName ? ref : resolve(ref);
}

/** Whether a model reference has the form of a path (rather than a built-in model's name). */
function looksLikeModelPath(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || ref.startsWith('.') || /\.(json|onnx)$/i.test(ref) || isAbsolute(ref);
}

/** A run folder: what `fit` and `adapt` write, with the trained model in `model/`. */
function isRunFolder(path: string): boolean {
  return isDir(path) && existsSync(join(path, 'config.json')) && existsSync(join(path, 'model', 'model.json'));
}

// ---- helpers ---------------------------------------------------------------

function safeNames(root: string): string[] {
  try {
    return listZooModels(root).map((m) => m.name);
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readJsonOrNull(path: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function describe(name: string, dir: string): ZooModel {
  const meta = readJsonOrNull(join(dir, 'transferkit.json')) ?? {};
  const modelJson = readJsonOrNull(join(dir, 'model.json'));
  const title = cardTitle(join(dir, 'MODEL_CARD.md'));
  const metaInput = meta.inputShape;
  const inputShape = Array.isArray(metaInput) ? (metaInput as (number | null)[]) : topologyInputShape(modelJson?.modelTopology);
  const metrics = meta.metrics as Record<string, unknown> | undefined;
  const acc = typeof meta.accuracy === 'number' ? meta.accuracy : typeof metrics?.accuracy === 'number' ? metrics.accuracy : undefined;
  const problem = availabilityProblem(dir, modelJson);
  const entry: ZooModel = {
    name,
    description: title ?? (typeof meta.description === 'string' ? meta.description : typeof meta.name === 'string' ? meta.name : name),
    inputShape,
    classes: Array.isArray(meta.classes) ? meta.classes.filter((c): c is string => typeof c === 'string') : [],
    path: dir,
    available: problem === undefined,
  };
  if (acc !== undefined) entry.accuracy = acc;
  if (problem !== undefined) entry.problem = problem;
  return entry;
}

function cardTitle(path: string): string | undefined {
  try {
    const line = readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .find((l) => /^#\s+\S/.test(l));
    return line?.replace(/^#\s+/, '').trim();
  } catch {
    return undefined;
  }
}

/** Finds the first InputLayer's batch shape in a tfjs/Keras topology and drops the batch dimension. */
function topologyInputShape(topology: unknown): (number | null)[] {
  const t = topology as Record<string, any> | undefined;
  const config = (t?.model_config ?? t)?.config;
  const layers: any[] = Array.isArray(config?.layers) ? config.layers : [];
  for (const l of layers) {
    const shape = l?.config?.batch_input_shape ?? l?.config?.batchInputShape ?? l?.config?.batch_shape;
    if (Array.isArray(shape)) return shape.slice(1);
  }
  return [];
}

function availabilityProblem(dir: string, modelJson: Record<string, unknown> | null): string | undefined {
  if (!modelJson) return existsSync(join(dir, 'model.json')) ? 'model.json is not valid JSON' : 'model.json is missing';
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest)) return 'model.json has no weightsManifest';
  for (const group of manifest as { paths?: unknown; weights?: unknown }[]) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) return 'model.json has a malformed weightsManifest';
    let actual = 0;
    for (const p of group.paths as string[]) {
      try {
        actual += statSync(join(dir, p)).size;
      } catch {
        return `weight file ${p} is missing`;
      }
    }
    const expected = weightGroupBytes(group.weights);
    if (expected !== null && expected !== actual) return `weight files hold ${actual} bytes, expected ${expected} (a Git LFS pointer or an interrupted download?)`;
  }
  return undefined;
}
