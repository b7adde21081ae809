import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, oneJson } from '../cli/helpers.ts';

test('CLI cluster: --json on transferred features and raw pixels, clusters written with --out', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-cluster-'));
  try {
    const out = join(dir, 'clusters.csv');
    const r = await cli('cluster', '--base', 'fashion-cnn', '--data', 'builtin:mnist', '--k', '10', '--max-rows', '300', '--restarts', '2', '--seed', '1', '--out', out, '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = oneJson(r.stdout);
    assert.equal(j.size, 300);
    assert.equal(j.transferred.k, 10);
    assert.ok(j.transferred.nmi > 0.3 && j.raw.nmi > 0.3);
    assert.equal(j.transferred.labels, undefined, 'per-example clusters go to --out, not stdout');
    const csv = (await readFile(out, 'utf8')).trim().split('\n');
    assert.equal(csv[0], 'index,cluster,raw_cluster');
    assert.equal(csv.length, 301);
    const text = await cli('cluster', '--data', 'builtin:mnist', '--k-range', '2..3', '--max-rows', '100', '--restarts', '1');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /chosen by the silhouette/);
    assert.match(text.stdout, /NMI/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('CLI cluster: help with examples and clear errors', async () => {
  assert.match((await cli('cluster', '--help')).stdout, /Examples:/);
  const range = await cli('cluster', '--data', 'builtin:mnist', '--k-range', '5..2');
  assert.notEqual(range.code, 0);
  assert.match(range.stderr, /FROM\.\.TO/);
  const missing = await cli('cluster', '--data', 'no-such-data.csv', '--json');
  assert.notEqual(missing.code, 0);
  assert.ok(oneJson(missing.stdout).error.code);
});

test('CLI novelty: AUROC for clothing vs digits with --json, scores written with --out', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-novelty-'));
  try {
    const out = join(dir, 'scores.csv');
    const r = await cli('novelty', '--base', 'fashion-cnn', '--normal', 'builtin:mnist', '--novel', 'builtin:fashion-mnist-test', '--method', 'mahalanobis', '--max-normal', '300', '--max-test', '150', '--out', out, '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = oneJson(r.stdout);
    assert.equal(j.method, 'mahalanobis');
    assert.ok(j.auroc >= 0.9, `AUROC ${j.auroc}`);
    assert.equal(j.scores, undefined);
    const csv = (await readFile(out, 'utf8')).trim().split('\n');
    assert.equal(csv[0], 'set,index,score,novel');
    assert.equal(csv.length, 301);
    assert.ok(csv.some((l) => l.startsWith('novel,')) && csv.some((l) => l.startsWith('test,')));
    const text = await cli('novelty', '--normal', 'builtin:mnist', '--novel-classes', '1', '--max-normal', '200', '--max-test', '100');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /knn .* on raw inputs|AUROC/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('CLI novelty: help with examples and clear errors', async () => {
  assert.match((await cli('novelty', '--help')).stdout, /Examples:/);
  const ae = await cli('novelty', '--normal', 'builtin:mnist', '--method', 'autoencoder', '--json');
  assert.notEqual(ae.code, 0);
  assert.equal(oneJson(ae.stdout).error.code, 'MISSING_BASE');
  const cls = await cli('novelty', '--normal', 'builtin:mnist', '--novel-classes', 'cat', '--max-normal', '50');
  assert.notEqual(cls.code, 0);
  assert.match(cls.stderr, /cat/);
  const method = await cli('novelty', '--normal', 'builtin:mnist', '--method', 'svm');
  assert.notEqual(method.code, 0);
  assert.match(method.stderr, /svm|choices/);
});
