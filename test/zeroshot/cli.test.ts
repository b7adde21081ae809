import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, oneJson } from '../cli/helpers.ts';

const TABLE = new URL('../../datasets/fashion-attributes/attributes.csv', import.meta.url).pathname;
const root = await mkdtemp(join(tmpdir(), 'tk-zeroshot-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

const common = ['--base', 'fashion-cnn', '--train', 'builtin:fashion-mnist', '--test', 'builtin:fashion-mnist-test', '--per-class', '40', '--test-per-class', '40'];
// the error cases load the smaller test set as training data too (faster; the errors do not depend on it)
const quick = ['--base', 'fashion-cnn', '--train', 'builtin:fashion-mnist-test', '--test', 'builtin:fashion-mnist-test', '--per-class', '20', '--test-per-class', '20'];

test('zeroshot --json prints one JSON object with the zero-shot and generalised accuracies', async () => {
  const r = await cli('zeroshot', ...common, '--attributes', TABLE, '--unseen', 'Pullover,Sandal,Bag', '--method', 'dap', '--generalised', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = oneJson(r.stdout);
  assert.deepEqual(j.unseen, ['Pullover', 'Sandal', 'Bag']);
  assert.equal(j.seen.length, 7);
  assert.equal(j.method, 'dap');
  assert.equal(j.zsl.images, 120);
  assert.ok(j.zsl.accuracy > 1 / 3, `above chance: ${j.zsl.accuracy}`);
  for (const k of ['seen', 'unseen', 'harmonic', 'gamma', 'ausuc']) assert.equal(typeof j.gzsl[k], 'number');
  assert.match(j.gzsl.calibration, /class-wise hold-out/);
  assert.ok(j.gzsl.harmonic > j.gzsl.uncalibrated.harmonic, `calibrated ${j.gzsl.harmonic} vs plain ${j.gzsl.uncalibrated.harmonic}`);
});

test('zeroshot --calibration: none keeps the plain argmax and the text says so; a bad value is refused', async () => {
  const [plain, bad, notGeneralised] = await Promise.all([
    cli('zeroshot', ...common, '--attributes', TABLE, '--unseen', 'Pullover,Sandal,Bag', '--generalised', '--calibration', 'none'),
    cli('zeroshot', ...common, '--attributes', TABLE, '--unseen', 'Pullover,Sandal,Bag', '--generalised', '--calibration', 'lots'),
    cli('zeroshot', ...common, '--attributes', TABLE, '--unseen', 'Pullover,Sandal,Bag', '--calibration', '1'),
  ]);
  assert.equal(notGeneralised.code, 3);
  assert.match(notGeneralised.stderr, /--calibration applies to the generalised setting/);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /calibration: none \(uncalibrated argmax\)/);
  assert.match(plain.stdout, /AUSUC, every γ\): 0\.\d+/);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--calibration.*expected auto, none or a number/);
});

test('zeroshot --help has examples; errors name the class, the table or the option', async () => {
  const text = await readFile(TABLE, 'utf8');
  const noBag = join(root, 'no-bag.csv');
  await writeFile(noBag, text.split('\n').filter((l) => !l.startsWith('Bag,')).join('\n'));
  // Pullover made identical to Coat
  const same = join(root, 'same.csv');
  const lines = text.split('\n');
  const coat = lines.find((l) => l.startsWith('Coat,'))!;
  await writeFile(same, lines.map((l) => (l.startsWith('Pullover,') ? coat.replace('Coat,', 'Pullover,') : l)).join('\n'));

  const [help, a, b, c, d, e] = await Promise.all([
    cli('zeroshot', '--help'),
    cli('zeroshot', ...quick, '--attributes', noBag, '--unseen', 'Pullover,Sandal', '--json'),
    cli('zeroshot', ...quick, '--attributes', TABLE, '--unseen', 'Pullover,Hat'),
    cli('zeroshot', ...quick, '--attributes', same, '--unseen', 'Pullover,Coat,Bag'),
    cli('zeroshot', ...quick, '--attributes', TABLE, '--unseen', 'T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag'),
    cli('zeroshot', ...quick, '--attributes', join(root, 'missing.csv'), '--unseen', 'Bag'),
  ]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:\n\s+\$ transferkit zeroshot/);

  assert.equal(a.code, 3);
  assert.equal(oneJson(a.stdout).error.code, 'UNKNOWN_CLASS');
  assert.match(oneJson(a.stdout).error.message, /no row for class "Bag"/);

  assert.equal(b.code, 3);
  assert.match(b.stderr, /Unseen class "Hat" is not in the attribute table/);

  assert.equal(c.code, 3);
  assert.match(c.stderr, /"Pullover" and "Coat" have identical attribute signatures/);

  assert.equal(d.code, 3);
  assert.match(d.stderr, /Only 1 seen class \(Ankle boot\)/);

  assert.equal(e.code, 3);
  assert.match(e.stderr, /Cannot read the attribute table/);
});
