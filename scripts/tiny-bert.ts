/**
 * Writes the tiny BERT-shaped text encoder used by the tests (test/fixtures/tiny-bert/):
 * `encoder.onnx` (opset 17) and its `tokenizer.json` (WordPiece, BertNormalizer,
 * BertPreTokenizer, TemplateProcessing [CLS] $A [SEP]).
 *
 * The network: token + position + token-type embeddings, LayerNorm, then 2 layers of 2-head
 * self-attention (attention mask as an additive -10000 on padded keys), residual + LayerNorm,
 * a GELU (erf) feed-forward block, residual + LayerNorm. Hidden size 16, feed-forward 32, at most
 * 64 positions. Weights are seeded random numbers (seed 7): the encoder means nothing, it only
 * has BERT's shape, inputs (input_ids, attention_mask, token_type_ids) and output
 * (last_hidden_state [batch, seq, 16]). test/text/encoder-graph.test.ts checks its forward pass
 * against a plain-JS computation of the same network.
 *
 *   node --import tsx scripts/tiny-bert.ts            # writes test/fixtures/tiny-bert/
 *   node --import tsx scripts/tiny-bert.ts --out DIR
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Graph } from '../src/models/onnx-train/graph.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';
import { createRng } from '../src/util/random.ts';

const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'test/fixtures/tiny-bert' } } });

const HIDDEN = 16;
const HEADS = 2;
const LAYERS = 2;
const FFN = 32;
const MAX_POS = 64;
const TYPES = 2;
const EPS = 1e-5;

const WORDS = [
  'the', 'a', 'an', 'and', 'or', 'is', 'was', 'it', 'this', 'that', 'i', 'you', 'we', 'they', 'not', 'very', 'so', 'too',
  'good', 'great', 'fine', 'nice', 'love', 'loved', 'like', 'best', 'fun', 'happy', 'bad', 'awful', 'poor', 'hate', 'boring', 'sad', 'worst',
  'film', 'movie', 'book', 'story', 'plot', 'acting', 'music', 'food', 'service', 'day', 'time', 'world', 'hello', 'play',
  'un', '##aff', '##able', '##s', '##ing', '##ed', '##ly', '##er',
];
const PUNCT = ['!', '"', "'", ',', '.', '?', '-', ':', ';', '(', ')'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...PUNCT, ...WORDS, ...LETTERS, ...LETTERS.map((c) => `##${c}`)];

const rng = createRng(7);
const randn = (n: number, scale: number, shift = 0) => Float32Array.from({ length: n }, () => shift + scale * rng.normal());

const g = new Graph('tiny-bert');
const b = g.builder;
const ids = b.input('input_ids', ['batch', 'sequence'], 'int64');
const mask = b.input('attention_mask', ['batch', 'sequence'], 'int64');
const types = b.input('token_type_ids', ['batch', 'sequence'], 'int64');
const w = (name: string, dims: number[], scale: number, shift = 0) => b.initializer(name, dims, randn(dims.reduce((p, d) => p * d, 1), scale, shift));

const layerNorm = (x: string, name: string) => g.op('LayerNormalization', [x, w(`${name}.gamma`, [HIDDEN], 0.1, 1), w(`${name}.beta`, [HIDDEN], 0.1)], { axis: -1, epsilon: EPS });
const dense = (x: string, name: string, inDim: number, outDim: number) => g.op('Add', [g.op('MatMul', [x, w(`${name}.weight`, [inDim, outDim], 1 / Math.sqrt(inDim))]), w(`${name}.bias`, [outDim], 0.05)]);

// embeddings
const word = g.op('Gather', [w('embeddings.word', [VOCAB.length, HIDDEN], 0.5), ids], { axis: 0 });
const seq = g.op('Gather', [g.op('Shape', [ids]), g.i64([1], [])], { axis: 0 });
const positions = g.op('Range', [g.i64([0], []), seq, g.i64([1], [])]);
const pos = g.op('Gather', [w('embeddings.position', [MAX_POS, HIDDEN], 0.5), positions], { axis: 0 });
const type = g.op('Gather', [w('embeddings.token_type', [TYPES, HIDDEN], 0.5), types], { axis: 0 });
let x = layerNorm(g.op('Add', [g.op('Add', [word, pos]), type]), 'embeddings.norm');

// additive attention mask [batch, 1, 1, seq]: 0 on tokens, -10000 on padding
const maskF = g.op('Cast', [mask], { to: 1 });
const extended = g.op('Unsqueeze', [g.op('Mul', [g.op('Sub', [g.f32([1], []), maskF]), g.f32([-10000], [])]), g.i64([1, 2])]);

const headDim = HIDDEN / HEADS;
const split = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, g.i64([0, 0, HEADS, headDim])])], { perm });
for (let l = 0; l < LAYERS; l++) {
  const p = `layer${l}`;
  const q = split(dense(x, `${p}.query`, HIDDEN, HIDDEN), [0, 2, 1, 3]);
  const k = split(dense(x, `${p}.key`, HIDDEN, HIDDEN), [0, 2, 3, 1]);
  const v = split(dense(x, `${p}.value`, HIDDEN, HIDDEN), [0, 2, 1, 3]);
  const scores = g.op('Add', [g.op('Div', [g.op('MatMul', [q, k]), g.f32([Math.sqrt(headDim)], [])]), extended]);
  const probs = g.op('Softmax', [scores], { axis: -1 });
  const context = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), g.i64([0, 0, HIDDEN])]);
  x = layerNorm(g.op('Add', [x, dense(context, `${p}.attention_out`, HIDDEN, HIDDEN)]), `${p}.attention_norm`);
  const h = dense(x, `${p}.intermediate`, HIDDEN, FFN);
  const gelu = g.op('Mul', [g.op('Mul', [h, g.f32([0.5], [])]), g.op('Add', [g.f32([1], []), g.op('Erf', [g.op('Div', [h, g.f32([Math.SQRT2], [])])])])]);
  x = layerNorm(g.op('Add', [x, dense(gelu, `${p}.output`, FFN, HIDDEN)]), `${p}.output_norm`);
}
g.op('Identity', [x], {}, 'last_hidden_state');
b.output('last_hidden_state', ['batch', 'sequence', HIDDEN]);

const special = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
const tokenizer = {
  version: '1.0',
  truncation: { direction: 'Right', max_length: MAX_POS, strategy: 'LongestFirst', stride: 0 },
  padding: null,
  added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: {
    type: 'TemplateProcessing',
    single: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]')],
    pair: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]'), { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
    special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
  },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
};

await mkdir(args.out, { recursive: true });
const bytes = b.toBytes();
await writeFileAtomic(join(args.out, 'encoder.onnx'), bytes);
await writeJsonAtomic(join(args.out, 'tokenizer.json'), tokenizer);
console.log(`wrote ${join(args.out, 'encoder.onnx')} (${bytes.length} bytes, vocabulary ${VOCAB.length}, hidden ${HIDDEN}, ${LAYERS} layers of ${HEADS} heads) and tokenizer.json`);
