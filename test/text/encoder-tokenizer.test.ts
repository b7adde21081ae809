import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { TransferkitError } from '../../src/errors.ts';
import { encodeBatch, encodeText, loadTokenizer, parseTokenizer } from '../../src/models/text/tokenizer/tokenizer.ts';
import { normalizeBert, preTokenizeBert } from '../../src/models/text/tokenizer/bert-normalizer.ts';

const PATH = 'test/fixtures/tiny-bert/tokenizer.json';
const json = () => JSON.parse(readFileSync(PATH, 'utf8'));

test('WordPiece tokenisations match hand-checked ones, with offsets into the original text', async () => {
  const tok = await loadTokenizer(PATH);
  // checked by hand against the fixture vocabulary (greedy longest match; a word with an unknown piece is [UNK])
  const cases: Array<[string, string[], string[]]> = [
    ['Unaffable!', ['[CLS]', 'un', '##aff', '##able', '!', '[SEP]'], ['Un', 'aff', 'able', '!']],
    ["Héllo, WORLD's best films", ['[CLS]', 'hello', ',', 'world', "'", 's', 'best', 'film', '##s', '[SEP]'], ['Héllo', ',', 'WORLD', "'", 's', 'best', 'film', 's']],
    ['  loved\tit\n', ['[CLS]', 'loved', 'it', '[SEP]'], ['loved', 'it']],
    ['playing played', ['[CLS]', 'play', '##ing', 'play', '##ed', '[SEP]'], ['play', 'ing', 'play', 'ed']],
    ['日本 test\u0000x\u200b', ['[CLS]', '[UNK]', '[UNK]', 't', '##e', '##s', '##t', '##x', '[SEP]'], ['日', '本', 't', 'e', 's', 't', 'x']],
    ['ÉTÉ', ['[CLS]', 'e', '##t', '##e', '[SEP]'], ['É', 'T', 'É']],
    ['', ['[CLS]', '[SEP]'], []],
  ];
  for (const [text, tokens, words] of cases) {
    const e = encodeText(tok, text);
    assert.deepEqual(e.tokens, tokens, text);
    assert.deepEqual(e.ids, tokens.map((t) => tok.vocab.get(t)));
    assert.deepEqual(e.offsets.slice(1, -1).map(([s, end]) => text.slice(s, end)), words, text);
    assert.deepEqual(e.offsets[0], [0, 0]);
  }
});

test('a word longer than max_input_chars_per_word, or with a piece outside the vocabulary, is one [UNK]', () => {
  const j = json();
  j.model.max_input_chars_per_word = 5;
  const tok = parseTokenizer(j, 'inline');
  assert.deepEqual(encodeText(tok, 'goodgood good').tokens, ['[CLS]', '[UNK]', 'good', '[SEP]']);
  delete j.model.vocab['##q'];
  assert.deepEqual(encodeText(parseTokenizer(j, 'inline'), 'aq').tokens, ['[CLS]', '[UNK]', '[SEP]']);
});

test('truncation keeps [CLS] and [SEP] within maxLength; padding, mask and token types', async () => {
  const tok = await loadTokenizer(PATH);
  const e = encodeText(tok, 'good bad fine poor nice', 4);
  assert.deepEqual(e.tokens, ['[CLS]', 'good', 'bad', '[SEP]']);
  assert.equal(e.truncated, true);
  const b = encodeBatch(tok, ['good film', 'bad'], 16);
  assert.equal(b.seqLen, 4);
  const cls = tok.clsId, sep = tok.sepId, pad = tok.padId;
  assert.deepEqual(Array.from(b.inputIds, Number), [cls, tok.vocab.get('good'), tok.vocab.get('film'), sep, cls, tok.vocab.get('bad'), sep, pad]);
  assert.deepEqual(Array.from(b.attentionMask, Number), [1, 1, 1, 1, 1, 1, 1, 0]);
  assert.deepEqual(Array.from(b.tokenTypeIds, Number), [0, 0, 0, 0, 0, 0, 0, 0]);
});

test('the normalizer follows BertNormalizer: clean text, accents follow lowercase when strip_accents is null', () => {
  const all = { cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true };
  const n = normalizeBert('Ça\tVA', all);
  assert.equal(n.text, 'ca va');
  assert.deepEqual(Array.from(n.start), [0, 1, 2, 3, 4]);
  const cased = parseTokenizer({ ...json(), normalizer: { type: 'BertNormalizer', lowercase: false, strip_accents: null } }, 'inline');
  assert.deepEqual(cased.normalizer, { cleanText: true, handleChineseChars: true, stripAccents: false, lowercase: false });
  assert.equal(normalizeBert('中a', all).text, ' 中 a');
  // clean text as Hugging Face: "other" characters go (vertical tab, private use, BOM), separators become spaces
  assert.equal(normalizeBert('a\u000bb\ue000c\ufeffd\u2028e\u3000f', all).text, 'abcd e f');
  assert.deepEqual(preTokenizeBert('a,b  c').map((w) => w.word), ['a', ',', 'b', 'c']);
});

test('BertProcessing is read like TemplateProcessing', () => {
  const tok = parseTokenizer({ ...json(), post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] } }, 'inline');
  assert.deepEqual(encodeText(tok, 'good').tokens, ['[CLS]', 'good', '[SEP]']);
});

test('other tokenizers are refused with UNKNOWN_TOKENIZER naming the field, the value and what is supported', () => {
  const refuse = (patch: Record<string, unknown>, field: string, value: string) => {
    const j = { ...json(), ...patch };
    assert.throws(
      () => parseTokenizer(j, 'tok.json'),
      (err: unknown) => err instanceof TransferkitError && err.code === 'UNKNOWN_TOKENIZER' && err.message.includes(field) && err.message.includes(`"${value}"`) && /reads/.test(err.message),
    );
  };
  refuse({ model: { type: 'BPE', vocab: {}, merges: [] } }, 'model', 'BPE');
  refuse({ model: { type: 'Unigram', vocab: [] } }, 'model', 'Unigram');
  refuse({ normalizer: { type: 'NFKC' } }, 'normalizer', 'NFKC');
  refuse({ pre_tokenizer: { type: 'ByteLevel' } }, 'pre_tokenizer', 'ByteLevel');
  refuse({ post_processor: { type: 'RobertaProcessing' } }, 'post_processor', 'RobertaProcessing');
  assert.throws(() => parseTokenizer({ model: { type: 'WordPiece' } }, 'tok.json'), { code: 'BAD_TOKENIZER' });
  assert.throws(() => parseTokenizer({ ...json(), post_processor: { type: 'BertProcessing', sep: ['</s>', 2], cls: ['<s>', 0] } }, 'tok.json'), /not in model.vocab/);
});
