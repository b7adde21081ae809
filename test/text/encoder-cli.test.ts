import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, cliWithInput, oneJson } from '../cli/helpers.ts';

const DIR = 'test/fixtures/tiny-bert';

test('CLI: fit --base encoder.onnx --tokenizer … --pooling cls, then predict raw texts from stdin and explain over words', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'tk-enccli-'));
  try {
    const out = join(tmp, 'run');
    const fit = await cli('fit', '--base', join(DIR, 'encoder.onnx'), '--tokenizer', join(DIR, 'tokenizer.json'), '--pooling', 'cls', '--strategy', 'extract', '--train', join(DIR, 'reviews.jsonl'), '--epochs', '2', '--out', out, '--json');
    assert.equal(fit.code, 0, fit.stderr);
    assert.equal(oneJson(fit.stdout).trainSize, 48);
    const meta = JSON.parse(await readFile(join(out, 'model', 'transferkit.json'), 'utf8'));
    assert.equal(meta.encoder.pooling, 'cls');
    const pred = await cliWithInput('{"text": "a great film"}\n{"text": ""}\n', 'predict', '--model', out, '--data', '-', '--json');
    assert.equal(pred.code, 0, pred.stderr);
    const preds = oneJson(pred.stdout).predictions;
    assert.equal(preds.length, 2);
    for (const p of preds) assert.ok(['neg', 'pos'].includes(p.label) && Math.abs(p.probabilities[0] + p.probabilities[1] - 1) < 1e-5);
    const ex = await cli('explain', '--model', out, '--data', join(DIR, 'reviews.jsonl'), '--method', 'lime', '--nsamples', '100', '--json');
    assert.equal(ex.code, 0, ex.stderr);
    assert.ok(oneJson(ex.stdout).rows[0].features.includes('service'));
    const frozen = await cli('fit', '--base', join(DIR, 'encoder.onnx'), '--train', join(DIR, 'reviews.jsonl'), '--out', join(tmp, 'ft'));
    assert.notEqual(frozen.code, 0);
    assert.match(frozen.stderr, /ONNX text encoder, which transferkit runs frozen/);
    assert.match(frozen.stderr, /--strategy extract/);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
