/**
 * Reads a Hugging Face `tokenizer.json` of the BERT family (WordPiece model, `BertNormalizer`,
 * `BertPreTokenizer`, `TemplateProcessing` or `BertProcessing`) and turns texts into model
 * inputs: token ids, attention mask, token type ids, and each token's character range in the
 * original text. Anything else (BPE, Unigram, other normalizers) is refused by name.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TransferkitError } from '../../../errors.ts';
import { normalizeBert, preTokenizeBert, type BertNormalizerOptions } from './bert-normalizer.ts';

/**
 * A WordPiece tokenizer read from `tokenizer.json`.
 *
 * @example
 * ```ts
 * const tok: WordPieceTokenizer = await loadTokenizer('models/minilm/tokenizer.json');
 * tok.vocab.get('[CLS]'); // 101
 * ```
 */
export interface WordPieceTokenizer {
  /** Where it was read from (absolute path, or the `where` given to {@link parseTokenizer}). */
  path: string;
  vocab: Map<string, number>;
  /** Token of each id (for display). */
  tokens: string[];
  unkId: number;
  clsId: number;
  sepId: number;
  padId: number;
  continuingPrefix: string;
  maxInputCharsPerWord: number;
  /** The normalizer's settings; undefined when the file has none. */
  normalizer?: BertNormalizerOptions;
  /** `truncation.max_length` of the file, when it sets one. */
  maxLength?: number;
}

/**
 * One text as tokens: ids with `[CLS]` first and `[SEP]` last, and for each token its
 * `[start, end)` in the original text (`[0, 0]` for the special tokens).
 *
 * @example
 * ```ts
 * const e: Encoding = encodeText(tok, 'Hello world');
 * e.tokens; // ['[CLS]', 'hello', 'world', '[SEP]']
 * ```
 */
export interface Encoding {
  ids: number[];
  tokens: string[];
  offsets: Array<[number, number]>;
  /** True when the text had more tokens than fit and was cut. */
  truncated: boolean;
}

/**
 * A batch ready for an encoder: `[n, seqLen]` int64 ids, mask and token types, row-major,
 * padded to the longest text of the batch.
 *
 * @example
 * ```ts
 * const b: EncodedBatch = encodeBatch(tok, ['a b', 'c'], 128); // b.seqLen 4
 * ```
 */
export interface EncodedBatch {
  n: number;
  seqLen: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  encodings: Encoding[];
}

const SUPPORTED = {
  model: 'WordPiece',
  normalizer: 'BertNormalizer (or none)',
  pre_tokenizer: 'BertPreTokenizer (or none)',
  post_processor: 'TemplateProcessing or BertProcessing with [CLS] … [SEP]',
};

function unknown(where: string, field: keyof typeof SUPPORTED, value: unknown): TransferkitError {
  return new TransferkitError('UNKNOWN_TOKENIZER', `${where} has ${field}.type "${String(value)}", which transferkit does not read; it reads ${field} ${SUPPORTED[field]}`, {
    where: `${where}, field ${field}`,
    hint: 'Use the tokenizer.json of a BERT-family encoder (BERT, MiniLM, e5, bge: WordPiece with BertNormalizer); BPE (GPT-2, RoBERTa) and Unigram (T5, XLM-R) tokenizers are not supported.',
  });
}

function bad(where: string, what: string): TransferkitError {
  return new TransferkitError('BAD_TOKENIZER', `${where} ${what}`, { where, hint: 'Pass the tokenizer.json saved with the encoder (Hugging Face `tokenizer.save("tokenizer.json")`).' });
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses the JSON of a `tokenizer.json` (already `JSON.parse`d). `where` names it in errors.
 *
 * @throws TransferkitError `UNKNOWN_TOKENIZER` naming the field and value for anything but the
 *   BERT family; `BAD_TOKENIZER` for a missing vocabulary or special token.
 * @example
 * ```ts
 * const tok = parseTokenizer(JSON.parse(text), 'tokenizer.json');
 * ```
 */
export function parseTokenizer(json: unknown, where: string): WordPieceTokenizer {
  if (!isObj(json)) throw bad(where, 'is not a JSON object');
  const model = json.model;
  if (!isObj(model)) throw bad(where, 'has no "model" object');
  if (model.type !== 'WordPiece') throw unknown(where, 'model', model.type);
  if (!isObj(model.vocab)) throw bad(where, 'has no model.vocab object');
  const vocab = new Map<string, number>();
  const tokens: string[] = [];
  for (const [token, id] of Object.entries(model.vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw bad(where, `has a vocabulary id ${JSON.stringify(id)} for "${token}" that is not a whole number ≥ 0`);
    vocab.set(token, id);
    tokens[id] = token;
  }
  const normalizer = parseNormalizer(json.normalizer, where);
  const pre = json.pre_tokenizer;
  if (pre !== null && pre !== undefined && !(isObj(pre) && pre.type === 'BertPreTokenizer')) throw unknown(where, 'pre_tokenizer', isObj(pre) ? pre.type : pre);
  const { cls, sep } = parsePostProcessor(json.post_processor, where);
  const id = (token: string, field: string) => {
    const v = vocab.get(token);
    if (v === undefined) throw bad(where, `names ${field} "${token}", which is not in model.vocab`);
    return v;
  };
  const unk = typeof model.unk_token === 'string' ? model.unk_token : '[UNK]';
  const padding = isObj(json.padding) ? json.padding : undefined;
  const trunc = isObj(json.truncation) ? json.truncation : undefined;
  return {
    path: where,
    vocab,
    tokens,
    unkId: id(unk, 'model.unk_token'),
    clsId: id(cls, 'the [CLS] token of post_processor'),
    sepId: id(sep, 'the [SEP] token of post_processor'),
    padId: typeof padding?.pad_id === 'number' ? padding.pad_id : (vocab.get('[PAD]') ?? 0),
    continuingPrefix: typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##',
    maxInputCharsPerWord: typeof model.max_input_chars_per_word === 'number' ? model.max_input_chars_per_word : 100,
    normalizer,
    maxLength: typeof trunc?.max_length === 'number' ? trunc.max_length : undefined,
  };
}

function parseNormalizer(n: unknown, where: string): BertNormalizerOptions | undefined {
  if (n === null || n === undefined) return undefined;
  if (!isObj(n) || n.type !== 'BertNormalizer') throw unknown(where, 'normalizer', isObj(n) ? n.type : n);
  const lowercase = n.lowercase !== false;
  return {
    cleanText: n.clean_text !== false,
    handleChineseChars: n.handle_chinese_chars !== false,
    // null (the default) follows lowercase, as in Hugging Face tokenizers
    stripAccents: n.strip_accents === null || n.strip_accents === undefined ? lowercase : n.strip_accents === true,
    lowercase,
  };
}

/** The [CLS] and [SEP] tokens of a single-sequence template `[CLS] $A [SEP]`. */
function parsePostProcessor(p: unknown, where: string): { cls: string; sep: string } {
  if (p === null || p === undefined) return { cls: '[CLS]', sep: '[SEP]' };
  if (!isObj(p)) throw unknown(where, 'post_processor', p);
  if (p.type === 'BertProcessing') {
    const cls = Array.isArray(p.cls) ? p.cls[0] : undefined;
    const sep = Array.isArray(p.sep) ? p.sep[0] : undefined;
    if (typeof cls !== 'string' || typeof sep !== 'string') throw bad(where, 'has a BertProcessing post_processor without cls and sep');
    return { cls, sep };
  }
  if (p.type === 'TemplateProcessing' && Array.isArray(p.single)) {
    const parts = p.single.map((s: unknown) => (isObj(s) && isObj(s.SpecialToken) ? `special:${String(s.SpecialToken.id)}` : isObj(s) && isObj(s.Sequence) ? 'seq' : '?'));
    if (parts.length === 3 && parts[0].startsWith('special:') && parts[1] === 'seq' && parts[2].startsWith('special:')) {
      return { cls: parts[0].slice(8), sep: parts[2].slice(8) };
    }
    throw new TransferkitError('UNKNOWN_TOKENIZER', `${where} has a post_processor.single template [${parts.join(', ')}]; transferkit reads ${SUPPORTED.post_processor}`, {
      where: `${where}, field post_processor`,
      hint: 'Use the tokenizer.json of a BERT-family encoder, whose template is [CLS] $A [SEP].',
    });
  }
  throw unknown(where, 'post_processor', p.type);
}

/**
 * Reads and parses a `tokenizer.json` file.
 *
 * @throws TransferkitError `FILE_NOT_FOUND`, `BAD_TOKENIZER` (not JSON), and those of {@link parseTokenizer}.
 * @example
 * ```ts
 * const tok = await loadTokenizer('test/fixtures/tiny-bert/tokenizer.json');
 * ```
 */
export async function loadTokenizer(path: string): Promise<WordPieceTokenizer> {
  const abs = resolve(path);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    throw new TransferkitError('FILE_NOT_FOUND', `Cannot read the tokenizer ${path}: ${(err as Error).message}`, { where: path, hint: 'Pass --tokenizer with the tokenizer.json saved with the encoder.', cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw bad(abs, `is not valid JSON (${(err as Error).message})`);
  }
  return parseTokenizer(json, abs);
}

/** WordPiece of one word: greedy longest match first; a word with a piece not in the vocabulary is `[UNK]` as a whole. */
function wordPiece(tok: WordPieceTokenizer, word: string): Array<{ id: number; start: number; end: number }> {
  const chars = Array.from(word);
  if (chars.length > tok.maxInputCharsPerWord) return [{ id: tok.unkId, start: 0, end: word.length }];
  const pieces: Array<{ id: number; start: number; end: number }> = [];
  // UTF-16 offset of each code point
  const at = [0];
  for (const c of chars) at.push(at[at.length - 1] + c.length);
  let s = 0;
  while (s < chars.length) {
    let e = chars.length;
    let found: number | undefined;
    while (e > s) {
      const piece = (s > 0 ? tok.continuingPrefix : '') + chars.slice(s, e).join('');
      found = tok.vocab.get(piece);
      if (found !== undefined) break;
      e--;
    }
    if (found === undefined) return [{ id: tok.unkId, start: 0, end: word.length }];
    pieces.push({ id: found, start: at[s], end: at[e] });
    s = e;
  }
  return pieces;
}

/**
 * Tokenises one text: normalise, split into words, WordPiece, cut to `maxLength` tokens (the
 * two special tokens included), then `[CLS] … [SEP]`. An empty or blank text becomes
 * `[CLS] [SEP]`, as Hugging Face tokenizers do.
 *
 * @example
 * ```ts
 * encodeText(tok, 'Unaffable!', 16).tokens; // ['[CLS]', 'un', '##aff', '##able', '!', '[SEP]']
 * ```
 */
export function encodeText(tok: WordPieceTokenizer, text: string, maxLength = tok.maxLength ?? 512): Encoding {
  const norm = tok.normalizer ? normalizeBert(text, tok.normalizer) : { text, start: Int32Array.from(text, (_, i) => i), end: Int32Array.from(text, (_, i) => i + 1) };
  const ids: number[] = [tok.clsId];
  const offsets: Array<[number, number]> = [[0, 0]];
  const room = Math.max(0, maxLength - 2);
  let truncated = false;
  for (const w of preTokenizeBert(norm.text)) {
    for (const p of wordPiece(tok, w.word)) {
      if (ids.length - 1 >= room) {
        truncated = true;
        break;
      }
      ids.push(p.id);
      offsets.push([norm.start[w.start + p.start], norm.end[w.start + p.end - 1]]);
    }
    if (truncated) break;
  }
  ids.push(tok.sepId);
  offsets.push([0, 0]);
  return { ids, tokens: ids.map((i) => tok.tokens[i] ?? `[${i}]`), offsets, truncated };
}

/**
 * Tokenises texts into one padded batch (pad id from the file, else `[PAD]`, else 0; mask 0 on
 * padding; token types all 0), padded to the longest text, or to `padTo` tokens when given (an
 * encoder exported with a fixed sequence length; `maxLength` must then be ≤ `padTo`).
 *
 * @example
 * ```ts
 * const b = encodeBatch(tok, ['good film', 'bad'], 128);
 * b.attentionMask; // 1 1 1 1 / 1 1 1 0
 * encodeBatch(tok, ['bad'], 64, 64).seqLen; // 64
 * ```
 */
export function encodeBatch(tok: WordPieceTokenizer, texts: readonly string[], maxLength = tok.maxLength ?? 512, padTo?: number): EncodedBatch {
  const encodings = texts.map((t) => encodeText(tok, t, padTo === undefined ? maxLength : Math.min(maxLength, padTo)));
  const seqLen = padTo ?? Math.max(2, ...encodings.map((e) => e.ids.length));
  const n = texts.length;
  const inputIds = new BigInt64Array(n * seqLen).fill(BigInt(tok.padId));
  const attentionMask = new BigInt64Array(n * seqLen);
  encodings.forEach((e, r) => {
    e.ids.forEach((id, j) => {
      inputIds[r * seqLen + j] = BigInt(id);
      attentionMask[r * seqLen + j] = 1n;
    });
  });
  return { n, seqLen, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(n * seqLen), encodings };
}
