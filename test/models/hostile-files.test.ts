/**
 * Hostile model folders are refused before they cost anything: weight shards that are links to
 * devices or to files outside the folder, named pipes, sizes that disagree with the manifest, and
 * a model.json whose layer graph names a layer that does not exist (TF.js' loader would loop).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildMlp } from '../../src/models/architectures.ts';
import { loadModel, saveModel } from '../../src/models/io.ts';
import { TransferkitError } from '../../src/errors.ts';
import { refusedFast } from '../data/helpers.ts';

let root: string;
before(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'tk-hostile-model-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const meta = { classes: ['a', 'b', 'c'], features: { kind: 'tabular', columns: ['w', 'x', 'y', 'z'] } };

async function savedMlp(name: string): Promise<string> {
  const dir = join(root, name);
  const model = buildMlp(4, 3, { seed: 0 });
  await saveModel(model, dir, meta);
  model.dispose();
  return dir;
}


const canMkfifo = (() => {
  if (process.platform === 'win32') return false;
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return existsSync('/usr/bin/mkfifo') || existsSync('/bin/mkfifo');
  }
})();
const hasDevZero = process.platform !== 'win32' && existsSync('/dev/zero');

async function setPaths(dir: string, paths: string[]): Promise<void> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = paths;
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
}

describe('weight shards are confined and sized before reading', () => {
  test('weights.bin linked to /dev/zero → UNSAFE_PATH, at once', { skip: hasDevZero ? false : 'no /dev/zero here', timeout: 20_000 }, async () => {
    const dir = await savedMlp('devzero');
    await unlink(join(dir, 'weights.bin'));
    await symlink('/dev/zero', join(dir, 'weights.bin'));
    const err = await refusedFast(() => loadModel(dir), 'UNSAFE_PATH', /weights\.bin/);
    assert.match(err.message, /outside the model's folder|not a regular file/);
  });

  test('a /dev/zero link inside the folder (through a linked sub-folder) is still not a regular file', { skip: hasDevZero ? false : 'no /dev/zero here', timeout: 20_000 }, async () => {
    const dir = await savedMlp('devzero-inside');
    await unlink(join(dir, 'weights.bin'));
    await symlink('/dev', join(dir, 'dev'));
    await setPaths(dir, ['dev/zero']);
    await refusedFast(() => loadModel(dir), 'UNSAFE_PATH', /dev\/zero/);
  });

  test('a named pipe as weights.bin → UNSAFE_PATH, no hang', { skip: canMkfifo ? false : 'mkfifo is not available', timeout: 20_000 }, async () => {
    const dir = await savedMlp('fifo');
    await unlink(join(dir, 'weights.bin'));
    execFileSync('mkfifo', [join(dir, 'weights.bin')]);
    const err = await refusedFast(() => loadModel(dir), 'UNSAFE_PATH', /named pipe/);
    assert.ok(err.where!.endsWith('weights.bin'));
  });

  test('a named pipe as transferkit.json → UNSAFE_PATH, no hang', { skip: canMkfifo ? false : 'mkfifo is not available', timeout: 20_000 }, async () => {
    const dir = await savedMlp('fifo-meta');
    await unlink(join(dir, 'transferkit.json'));
    execFileSync('mkfifo', [join(dir, 'transferkit.json')]);
    await refusedFast(() => loadModel(dir), 'UNSAFE_PATH', /transferkit\.json/);
  });

  test('links, absolute paths and ../ out of the folder → UNSAFE_PATH naming the file', { timeout: 20_000 }, async () => {
    const outside = join(root, 'secret.bin');
    const dir = await savedMlp('escape');
    const bytes = await readFile(join(dir, 'weights.bin'));
    await writeFile(outside, bytes); // even with exactly the right size
    await unlink(join(dir, 'weights.bin'));
    await symlink(outside, join(dir, 'weights.bin'));
    const linked = await refusedFast(() => loadModel(dir), 'UNSAFE_PATH', /weights\.bin.*link to .*secret\.bin.*outside the model's folder/);
    assert.ok(linked.where!.endsWith('weights.bin'));

    await setPaths(dir, [outside]);
    await refusedFast(() => loadModel(dir), 'UNSAFE_PATH', /absolute path/);
    await setPaths(dir, ['../secret.bin']);
    await refusedFast(() => loadModel(dir), 'UNSAFE_PATH', /\.\.\/secret\.bin.*outside the model's folder/);
    await setPaths(dir, ['sub/../../secret.bin']);
    await refusedFast(() => loadModel(dir), 'UNSAFE_PATH', /outside the model's folder/);
    await setPaths(dir, ['weights.bin\u0000.png']);
    await refusedFast(() => loadModel(dir), 'UNSAFE_PATH', /NUL character/);
  });

  test('a link inside the folder to a file inside it still loads', async () => {
    const dir = await savedMlp('inner-link');
    const bytes = await readFile(join(dir, 'weights.bin'));
    await writeFile(join(dir, 'real.bin'), bytes);
    await unlink(join(dir, 'weights.bin'));
    await symlink('real.bin', join(dir, 'weights.bin'));
    const { model } = await loadModel(dir);
    assert.equal(model.outputs[0].shape[1], 3);
    model.dispose();
  });

  test('a huge regular file is refused by its size, without reading it', { timeout: 20_000 }, async () => {
    const dir = await savedMlp('huge');
    const fh = await import('node:fs/promises').then((m) => m.open(join(dir, 'weights.bin'), 'r+'));
    await fh.truncate(8 * 2 ** 30); // a sparse 8 GiB file
    await fh.close();
    const rss = process.memoryUsage().rss;
    const err = await refusedFast(() => loadModel(dir), 'CORRUPT_WEIGHTS', /should hold \d+ bytes but holds 8589934592.*too long/);
    assert.ok(err.where!.endsWith('weights.bin'));
    assert.ok(process.memoryUsage().rss - rss < 512 * 2 ** 20, 'nothing big was read');
  });
});

describe('the layer graph in model.json is checked before TF.js builds it', () => {
  async function editTopology(dir: string, edit: (text: string) => string): Promise<void> {
    const text = await readFile(join(dir, 'model.json'), 'utf8');
    const edited = edit(text);
    assert.notEqual(edited, text, 'the edit changed model.json');
    await writeFile(join(dir, 'model.json'), edited);
  }

  async function layerNames(dir: string): Promise<string[]> {
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    return json.modelTopology.config.layers.map((l: { name?: string; config: { name: string } }) => l.name ?? l.config.name);
  }

  test('an inbound node naming a missing layer → CORRUPT_MODEL naming it, no hang', { timeout: 20_000 }, async () => {
    const dir = await savedMlp('renamed');
    const names = await layerNames(dir);
    const target = names[1];
    // rename one reference (in inbound_nodes), not the layer itself
    await editTopology(dir, (t) => {
      const json = JSON.parse(t);
      const layer = json.modelTopology.config.layers[2];
      layer.inbound_nodes = JSON.parse(JSON.stringify(layer.inbound_nodes).replace(`"${target}"`, '"dropoutX"'));
      return JSON.stringify(json);
    });
    const err = await refusedFast(() => loadModel(dir), 'CORRUPT_MODEL', /"dropoutX"/);
    assert.ok(err.where!.endsWith('model.json'));
  });

  test('a malformed inbound node and a layer dtype that is not a data type → CORRUPT_MODEL, no hang (found by the fuzzer)', { timeout: 20_000 }, async () => {
    const dir = await savedMlp('malformed');
    const original = await readFile(join(dir, 'model.json'), 'utf8');
    for (const [edit, message] of [
      [(l: { inbound_nodes: unknown[][] }) => (l.inbound_nodes[0][0] = 0), /Node 0 of layer .* is not a list of \[layer name/],
      [(l: { inbound_nodes: unknown[][] }) => (l.inbound_nodes[0][0] = [l.inbound_nodes[0][0], l.inbound_nodes[0][0]]), /is not a list of \[layer name/],
      [(l: { inbound_nodes: unknown[][] }) => (l.inbound_nodes[0] = []), /is not a list of \[layer name/],
      [(l: { inbound_nodes: unknown[][][] }) => (l.inbound_nodes[0][0][1] = 2 ** 32 + 3), /refers to node 4294967299 of layer/],
      // a layer left with no inbound node at all, which the next layer still uses (TF.js waited forever)
      [(l: { inbound_nodes: unknown[] }) => (l.inbound_nodes = []), /refers to node 0 of layer .*, which has 0 nodes/],
      [(l: { inbound_nodes: unknown[] }) => l.inbound_nodes.splice(0, 1), /refers to node 0 of layer .*, which has 0 nodes/],
    ] as const) {
      const json = JSON.parse(original);
      edit(json.modelTopology.config.layers[1]);
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      await refusedFast(() => loadModel(dir), 'CORRUPT_MODEL', message);
    }
    const json = JSON.parse(original);
    json.modelTopology.config.layers[0].config.dtype = { cur: 'float32' };
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await refusedFast(() => loadModel(dir), 'CORRUPT_MODEL', /dtype \{"cur":"float32"\}, which is not a data type/);
  });

  test('a layer without its name and a weight path too long for the file system → clear errors (found by the fuzzer)', { timeout: 20_000 }, async () => {
    const dir = await savedMlp('unnamed');
    const original = await readFile(join(dir, 'model.json'), 'utf8');
    const json = JSON.parse(original);
    delete json.modelTopology.config.layers[1].name;
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await refusedFast(() => loadModel(dir), 'CORRUPT_MODEL', /Layer 1 .* has no name/);
    const long = JSON.parse(original);
    long.weightsManifest[0].paths = ['x'.repeat(5000)];
    await writeFile(join(dir, 'model.json'), JSON.stringify(long));
    await refusedFast(() => loadModel(dir), 'UNSAFE_PATH', /cannot be opened \(ENAMETOOLONG\)/);
  });

  test('output_layers naming a missing layer, a node index that does not exist, and a cycle → CORRUPT_MODEL', { timeout: 20_000 }, async () => {
    const dir = await savedMlp('graph-bad');
    const original = await readFile(join(dir, 'model.json'), 'utf8');
    const names = await layerNames(dir);
    const last = names[names.length - 1];

    const json = JSON.parse(original);
    json.modelTopology.config.output_layers = [['nowhere', 0, 0]];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await refusedFast(() => loadModel(dir), 'CORRUPT_MODEL', /output_layers.*"nowhere"/);

    const json2 = JSON.parse(original);
    const l2 = json2.modelTopology.config.layers[2];
    l2.inbound_nodes = JSON.parse(JSON.stringify(l2.inbound_nodes).replace(new RegExp(`"${names[1]}",0`), `"${names[1]}",7`));
    await writeFile(join(dir, 'model.json'), JSON.stringify(json2));
    await refusedFast(() => loadModel(dir), 'CORRUPT_MODEL', /node 7 of layer/);

    const json3 = JSON.parse(original);
    const l1 = json3.modelTopology.config.layers[1];
    l1.inbound_nodes = JSON.parse(JSON.stringify(l1.inbound_nodes).replace(`"${names[0]}"`, `"${last}"`));
    await writeFile(join(dir, 'model.json'), JSON.stringify(json3));
    await refusedFast(() => loadModel(dir), 'CORRUPT_MODEL', /cycle/);

    await writeFile(join(dir, 'model.json'), original);
    const { model } = await loadModel(dir);
    model.dispose();
  });
});

test('every built-in model folder passes the checks and loads', async () => {
  const { readdir } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const modelsDir = fileURLToPath(new URL('../../models/', import.meta.url));
  const names = existsSync(modelsDir) ? await readdir(modelsDir) : [];
  for (const name of names) {
    if (!existsSync(join(modelsDir, name, 'model.json'))) continue;
    const { model } = await loadModel(join(modelsDir, name));
    assert.ok(model.layers.length > 0, name);
    model.dispose();
  }
});
