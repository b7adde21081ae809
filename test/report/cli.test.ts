import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateModelCard } from '../../src/report/card/schema.ts';
import { cli, oneJson } from '../cli/helpers.ts';
import { copyIrisRun, IRIS_RUN, tempRoot } from './helpers.ts';
import { shiftedCsv } from '../adapt/helpers.ts';

const root = await tempRoot('tk-card-cli-');

const csv = (name: string, n: number, seed: number, target: boolean) => shiftedCsv(root, name, n, seed, target);

test('card of a fit run: writes MODEL_CARD.md and model_card.json into the run; --json prints the card', async () => {
  const run = join(root, 'fit');
  const f = await cli('fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--epochs', '3', '--seed', '1', '--out', run, '--card', '--json');
  assert.equal(f.code, 0, f.stderr);
  // fit --card wrote the card already (no intended use given: it says so)
  assert.equal(oneJson(f.stdout).card.markdown, join(run, 'MODEL_CARD.md'));
  assert.match(await readFile(join(run, 'MODEL_CARD.md'), 'utf8'), /not stated by the author/);
  const r = await cli('card', run, '--intended-use', 'teaching transfer learning', '--contact', 'me@example.org', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = oneJson(r.stdout);
  assert.deepEqual(validateModelCard(out.card), []);
  assert.equal(out.card.intendedUse.primaryUses, 'teaching transfer learning');
  assert.equal(out.card.modelDetails.contact, 'me@example.org');
  assert.equal(out.files.markdown, join(run, 'MODEL_CARD.md'));
  const saved = JSON.parse(await readFile(join(run, 'model_card.json'), 'utf8'));
  assert.deepEqual(validateModelCard(saved), []);
  assert.deepEqual(saved.modelDetails, out.card.modelDetails); // --json rounds numbers to 6 digits; the file keeps them whole
  assert.match(await readFile(join(run, 'MODEL_CARD.md'), 'utf8'), /^# Model card: fit\n/);

  const text = await cli('card', run, '--out', join(root, 'cards'));
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /model card of fit run .*: 3-class tabular classifier/);
  assert.match(text.stdout, /accuracy 0\.\d{3} \(95% interval 0\.\d{3}–\d\.\d{3}\) on the training data/);
  assert.ok(existsSync(join(root, 'cards', 'MODEL_CARD.md')) && existsSync(join(root, 'cards', 'model_card.json')));
});

test('card of an adapt run: shift before/after and whether adapting helped', async () => {
  const source = await csv('source.csv', 160, 1, false);
  const target = await csv('target.csv', 160, 2, true);
  const run = join(root, 'adapt');
  const a = await cli('adapt', '--source', source, '--target', target, '--label', 'label', '--method', 'coral', '--out', run, '--json');
  assert.equal(a.code, 0, a.stderr);
  const r = await cli('card', run, '--json');
  assert.equal(r.code, 0, r.stderr);
  const { card } = oneJson(r.stdout);
  assert.deepEqual(validateModelCard(card), []);
  assert.equal(card.run.kind, 'adapt');
  assert.match(card.modelDetails.strategy, /^domain adaptation: coral/);
  assert.equal(card.evaluationData.role, 'labelled target data');
  assert.equal(card.evaluationData.size, 160);
  assert.deepEqual(card.quantitativeAnalyses.shift.measures.map((m: { name: string }) => m.name), ['proxy A-distance', 'MMD²', 'CORAL distance']);
  assert.equal(card.quantitativeAnalyses.verdict.kind, 'improved');
  assert.match(card.quantitativeAnalyses.verdict.text, /adaptation \(coral\) raised target accuracy/);
  assert.match(card.caveatsAndRecommendations.caveats.join('\n'), /transductive/);
  assert.match(await readFile(join(run, 'MODEL_CARD.md'), 'utf8'), /### Domain shift\n\nFrom metrics\.json \(adapt\)\./);
});

test('errors: not a run folder names what is missing; a damaged metrics.json is named; --help shows examples', async () => {
  const empty = join(root, 'not-a-run');
  await mkdir(empty);
  const r = await cli('card', empty, '--json');
  assert.equal(r.code, 3);
  const e = oneJson(r.stdout).error;
  assert.equal(e.code, 'NOT_A_RUN');
  assert.match(e.message, /config\.json and metrics\.json are missing/);
  assert.ok(e.hint);

  const damaged = await copyIrisRun(join(root, 'damaged'));
  await writeFile(join(damaged, 'metrics.json'), '{"train": {"accuracy": 0.9');
  const d = await cli('card', damaged);
  assert.equal(d.code, 3);
  assert.match(d.stderr, /error: The run file .*metrics\.json is damaged/);
  assert.match(d.stderr, /where: .*metrics\.json/);
  assert.ok(!existsSync(join(damaged, 'MODEL_CARD.md')), 'nothing written on error');

  const missing = await cli('card', join(root, 'nowhere'), '--json');
  assert.equal(missing.code, 3);
  assert.equal(oneJson(missing.stdout).error.code, 'RUN_NOT_FOUND');

  const help = await cli('card', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:\n\s+\$ transferkit card runs\/iris/);
  assert.match(help.stdout, /--intended-use <text>/);
  assert.ok(existsSync(IRIS_RUN));
});
