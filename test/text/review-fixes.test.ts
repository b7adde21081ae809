import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fitTextVectorizer, transformText } from '../../src/data/text-features.ts';
import { transformTokenIds } from '../../src/data/token-features.ts';
import { textMasker } from '../../src/explain/model/model-view.ts';
import { documentVectors } from '../../src/models/text/document-vectors.ts';
import { cosineScores, fitDevise } from '../../src/transfer/zero-shot/devise.ts';
import { proto } from '../../src/models/onnx/proto.ts';
import { defaultTokenizerPath, embedTexts, loadTextEncoder } from '../../src/models/text/onnx-encoder.ts';

const DIR = 'test/fixtures/tiny-bert';
const ONNX = join(DIR, 'encoder.onnx');
let tmp = '';

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tk-review-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('textMasker: every word kept gives the original text exactly; a dropped word is cut out of it', () => {
  const text = 'the service was very nice. they hate it!';
  const { tokens, textFor } = textMasker(text);
  assert.deepEqual(tokens, ['the', 'service', 'was', 'very', 'nice', 'they', 'hate', 'it', '!']);
  assert.equal(textFor(new Float64Array(tokens.length).fill(1)), text);
  assert.equal(textFor(Float64Array.of(1, 1, 1, 0, 1, 1, 1, 1, 1)), 'the service was nice. they hate it!');
  assert.equal(textFor(Float64Array.of(1, 1, 1, 1, 0, 1, 1, 1, 0)), 'the service was very . they hate it');
  assert.equal(textFor(new Float64Array(tokens.length)).trim(), '.');
});

/** The tiny encoder with its inputs' dims fixed (edited in memory, written to a temp file). */
async function fixedVariant(name: string, dims: { batch?: number; sequence?: number }): Promise<string> {
  const model = proto.ModelProto.decode(await readFile(ONNX));
  for (const input of model.graph!.input!) {
    const dim = input.type!.tensorType!.shape!.dim!;
    if (dims.batch !== undefined) dim[0] = proto.TensorShapeProto.Dimension.create({ dimValue: dims.batch });
    if (dims.sequence !== undefined) dim[1] = proto.TensorShapeProto.Dimension.create({ dimValue: dims.sequence });
  }
  const dir = join(tmp, name);
  await rm(dir, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(dir));
  await writeFile(join(dir, 'encoder.onnx'), proto.ModelProto.encode(model).finish());
  return join(dir, 'encoder.onnx');
}

test('an encoder exported with a fixed sequence length (64), or a fixed batch too, embeds as the dynamic graph does', async () => {
  const texts = (await readFile(join(DIR, 'reviews.jsonl'), 'utf8')).split('\n').filter(Boolean).slice(0, 7).map((l) => JSON.parse(l).text as string);
  const dynamic = await loadTextEncoder(ONNX, { batchSize: 3 });
  const want = await embedTexts(dynamic, texts);
  await dynamic.dispose();
  for (const [name, dims] of [['seq64', { sequence: 64 }], ['seq64-batch4', { batch: 4, sequence: 64 }]] as const) {
    const enc = await loadTextEncoder(await fixedVariant(name, dims), { tokenizer: defaultTokenizerPath(ONNX), batchSize: 3 });
    try {
      assert.equal(enc.fixed.sequence, 64);
      assert.equal(enc.maxLength <= 64, true);
      if ('batch' in dims) assert.equal(enc.batchSize, 4, 'a fixed batch dim sets the batch size');
      const got = await embedTexts(enc, texts);
      assert.equal(got.length, want.length);
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-4, `${name}: value ${i} ${v} vs ${want[i]}`));
    } finally {
      await enc.dispose();
    }
  }
});

test('one BAD_TEXT check: every reader of texts names the example and gives the same hint', async () => {
  const bad = ['fine', null as unknown as string];
  const wv = { name: 'w', words: ['fine'], dims: 1, vectors: Float32Array.of(1), index: new Map([['fine', 0]]) };
  const spec = fitTextVectorizer(['fine text']);
  const enc = await loadTextEncoder(ONNX);
  const errors: Array<{ code?: string; message: string; hint?: string }> = [];
  const grab = async (f: () => unknown) => {
    try {
      await f();
    } catch (e) {
      errors.push(e as { code?: string; message: string; hint?: string });
    }
  };
  try {
    await grab(() => fitTextVectorizer(bad));
    await grab(() => transformText(spec, bad));
    await grab(() => transformTokenIds({ tokenizer: 'words@1', vocabulary: ['fine'], maxLength: 4, vectors: 'w' }, bad));
    await grab(() => documentVectors(wv, bad));
    await grab(() => embedTexts(enc, bad));
  } finally {
    await enc.dispose();
  }
  assert.equal(errors.length, 5);
  for (const e of errors) {
    assert.equal(e.code, 'BAD_TEXT');
    assert.equal(e.message, 'Text 1 is null, not a string');
    assert.equal(e.hint, 'Every example of a text dataset must be a string.');
  }
});

test('DeViSE scores by cosine with unit rows (the few-shot row normaliser): zero rows score 0', () => {
  assert.deepEqual(Array.from(cosineScores(Float64Array.of(3, 4, 0, 0), 2, Float64Array.of(6, 8, 0, 2), 2, 2), (v) => Math.round(v * 1e12) / 1e12), [1, 0.8, 0, 0]);
  const m = fitDevise({ rows: 2, cols: 1, data: Float64Array.of(1, -1) }, [0, 1], Float64Array.of(2, 0, 0, 5), 2, { ridge: 1 });
  assert.equal(m.a, 2);
});
