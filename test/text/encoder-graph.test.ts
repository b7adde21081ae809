import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TransferkitError } from '../../src/errors.ts';
import { OnnxGraphBuilder } from '../../src/models/onnx/builder.ts';
import { readOnnx } from '../../src/models/onnx/read.ts';
import { embedTexts, loadTextEncoder, poolTokens } from '../../src/models/text/onnx-encoder.ts';
import { encodeBatch } from '../../src/models/text/tokenizer/tokenizer.ts';

const DIR = 'test/fixtures/tiny-bert';
const ONNX = join(DIR, 'encoder.onnx');
/** scripts/tiny-bert.ts: 2 heads, LayerNorm epsilon 1e-5. */
const HEADS = 2;
const EPS = 1e-5;

type W = Map<string, Float32Array>;

async function weights(): Promise<W> {
  const m = await readOnnx(ONNX);
  const w: W = new Map();
  for (const [name, t] of m.initializers) if (t.dataType === 1 && t.rawData) w.set(name, new Float32Array(Uint8Array.from(t.rawData).buffer));
  return w;
}

/** Plain-JS BERT forward of one text (ids, mask of 1s for its tokens, seq padded): token vectors [seq, hidden]. */
function reference(w: W, ids: number[], mask: number[]): number[][] {
  const H = w.get('embeddings.norm.gamma')!.length;
  const row = (name: string, i: number) => Array.from(w.get(name)!.subarray(i * H, (i + 1) * H));
  const ln = (v: number[], name: string) => {
    const mean = v.reduce((a, b) => a + b, 0) / H;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / H;
    const g = w.get(`${name}.gamma`)!, b = w.get(`${name}.beta`)!;
    return v.map((x, i) => ((x - mean) / Math.sqrt(variance + EPS)) * g[i] + b[i]);
  };
  const dense = (v: number[], name: string) => {
    const W = w.get(`${name}.weight`)!, b = w.get(`${name}.bias`)!;
    const out = b.length;
    return Array.from({ length: out }, (_, o) => v.reduce((a, x, i) => a + x * W[i * out + o], b[o]));
  };
  let x = ids.map((id, p) => ln(row('embeddings.word', id).map((v, i) => v + row('embeddings.position', p)[i] + row('embeddings.token_type', 0)[i]), 'embeddings.norm'));
  const dh = H / HEADS;
  for (let l = 0; w.has(`layer${l}.query.weight`); l++) {
    const q = x.map((v) => dense(v, `layer${l}.query`)), k = x.map((v) => dense(v, `layer${l}.key`)), val = x.map((v) => dense(v, `layer${l}.value`));
    const ctx = x.map(() => new Array(H).fill(0));
    for (let h = 0; h < HEADS; h++) {
      for (let i = 0; i < x.length; i++) {
        const s = x.map((_, j) => {
          let d = 0;
          for (let c = h * dh; c < (h + 1) * dh; c++) d += q[i][c] * k[j][c];
          return d / Math.sqrt(dh) + (1 - mask[j]) * -10000;
        });
        const mx = Math.max(...s);
        const e = s.map((v) => Math.exp(v - mx));
        const z = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j < x.length; j++) for (let c = h * dh; c < (h + 1) * dh; c++) ctx[i][c] += (e[j] / z) * val[j][c];
      }
    }
    x = x.map((v, i) => ln(dense(ctx[i], `layer${l}.attention_out`).map((a, c) => a + v[c]), `layer${l}.attention_norm`));
    x = x.map((v) => {
      const hdn = dense(v, `layer${l}.intermediate`).map((a) => 0.5 * a * (1 + erf(a / Math.SQRT2)));
      return ln(dense(hdn, `layer${l}.output`).map((a, c) => a + v[c]), `layer${l}.output_norm`);
    });
  }
  return x;
}

/** erf to ~1e-7 (Abramowitz–Stegun 7.1.26 is too coarse; this series + continued fraction is enough here). */
function erf(x: number): number {
  const t = Math.abs(x);
  if (t < 2.5) {
    let sum = t, term = t;
    for (let n = 1; n < 60; n++) {
      term *= (-t * t) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz)
  let f = t, c = t, d = 0;
  for (let n = 1; n < 60; n++) {
    const a = n / 2;
    d = 1 / (t + a * d);
    c = t + a / c;
    f *= c * d;
  }
  return Math.sign(x) * (1 - Math.exp(-t * t) / Math.sqrt(Math.PI) / f);
}

test('the tiny BERT graph computes the network it claims: onnxruntime matches a plain-JS forward pass', async () => {
  const enc = await loadTextEncoder(ONNX, { pooling: 'cls' });
  const w = await weights();
  const texts = ['a good film, loved it!', 'awful', ''];
  const b = encodeBatch(enc.tokenizer, texts, enc.maxLength);
  const feeds = { input_ids: b.inputIds, attention_mask: b.attentionMask, token_type_ids: b.tokenTypeIds };
  const ort = await import('onnxruntime-node');
  const out = await enc.session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('int64', v, [b.n, b.seqLen])])));
  const got = out.last_hidden_state.data as Float32Array;
  const H = enc.hidden;
  assert.equal(H, 16);
  let worst = 0;
  for (let r = 0; r < b.n; r++) {
    const ids = Array.from(b.inputIds.subarray(r * b.seqLen, (r + 1) * b.seqLen), Number);
    const mask = Array.from(b.attentionMask.subarray(r * b.seqLen, (r + 1) * b.seqLen), Number);
    const ref = reference(w, ids, mask);
    // padded positions are not compared: only the kept tokens matter
    for (let j = 0; j < b.seqLen; j++) if (mask[j]) for (let h = 0; h < H; h++) worst = Math.max(worst, Math.abs(ref[j][h] - got[(r * b.seqLen + j) * H + h]));
  }
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
  // padding does not change a text's vectors (the mask works): alone vs in a padded batch
  const alone = await embedTexts(enc, ['awful']);
  const batched = await embedTexts(enc, ['awful', 'a good film, loved it!']);
  for (let h = 0; h < H; h++) assert.ok(Math.abs(alone[h] - batched[h]) < 1e-5);
  await enc.dispose();
});

test('pooling closed forms: mean over the mask, CLS = token 0', () => {
  // 2 texts × 3 tokens × 2 dims
  const tokens = Float32Array.from([1, 2, 3, 4, 100, 100, /**/ 5, 6, 7, 8, 9, 10]);
  const mask = [1, 1, 0, 1, 1, 1];
  assert.deepEqual(Array.from(poolTokens(tokens, mask, 2, 3, 2, 'mean')), [2, 3, 7, 8]);
  assert.deepEqual(Array.from(poolTokens(tokens, mask, 2, 3, 2, 'cls')), [1, 2, 5, 6]);
  assert.deepEqual(Array.from(poolTokens(tokens, [0, 0, 0, 1, 0, 0], 2, 3, 2, 'mean')), [0, 0, 5, 6]);
});

test('embedTexts: [n, hidden] in input order whatever the batching; an empty text is [CLS] [SEP] and finite', async () => {
  const enc = await loadTextEncoder(ONNX, { batchSize: 2 });
  assert.equal(enc.pooling, 'mean');
  const texts = ['the plot was so boring and the acting poor', '', 'great', 'fine music'];
  let calls = 0;
  const x = await embedTexts(enc, texts, { onProgress: (done, total) => (calls++, assert.equal(total, 4), assert.ok(done <= total)) });
  assert.equal(x.length, 4 * 16);
  assert.equal(calls, 2);
  assert.ok(x.every(Number.isFinite));
  for (let i = 0; i < texts.length; i++) {
    const one = await embedTexts(enc, [texts[i]]);
    for (let h = 0; h < 16; h++) assert.ok(Math.abs(one[h] - x[i * 16 + h]) < 1e-5, `text ${i}`);
  }
  await assert.rejects(embedTexts(enc, [3 as unknown as string]), { code: 'BAD_TEXT' });
  await enc.dispose();
  await assert.rejects(embedTexts(enc, ['fine']), { code: 'DISPOSED' });
});

test('an encoder with other input names is refused with ENCODER_INPUTS naming expected and found names', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-enc-'));
  try {
    const b = new OnnxGraphBuilder({ opset: 17 });
    const ids = b.input('ids', ['N', 'S'], 'int64');
    b.input('mask', ['N', 'S'], 'int64');
    const [y] = b.node('Cast', [ids], { to: 1 });
    b.output(y, ['N', 'S']);
    await writeFile(join(dir, 'bad.onnx'), b.toBytes());
    await copyFile(join(DIR, 'tokenizer.json'), join(dir, 'tokenizer.json'));
    await assert.rejects(loadTextEncoder(join(dir, 'bad.onnx')), (err: unknown) => {
      assert.ok(err instanceof TransferkitError && err.code === 'ENCODER_INPUTS');
      assert.match(err.message, /no input input_ids or attention_mask/);
      assert.match(err.message, /found inputs ids \(int64 \[\?, \?\]\), mask/);
      return true;
    });
    // no tokenizer.json beside it and none named: the file is named
    await assert.rejects(loadTextEncoder(ONNX, { tokenizer: join(dir, 'missing.json') }), { code: 'FILE_NOT_FOUND' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
