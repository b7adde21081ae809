import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, oneJson } from '../cli/helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-resume-crash-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test('fit --resume after a kill between the two renames of a checkpoint swap: recovers last, cleans the temporaries, finishes', async () => {
  const out = join(root, 'run');
  const fit = await cli('fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--epochs', '3', '--out', out, '--json');
  assert.equal(fit.code, 0, fit.stderr + fit.stdout);
  // make it the run as it stood when killed while saving the epoch-3 checkpoint
  const ck = join(out, 'checkpoints');
  const state = JSON.parse(await readFile(join(ck, 'state.json'), 'utf8'));
  await writeFile(join(ck, 'state.json'), JSON.stringify({ ...state, epoch: 2, donePhases: [], finished: false, best: { ...state.best, epoch: 2 } }));
  await rm(join(out, 'model'), { recursive: true });
  await rm(join(out, 'metrics.json'));
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  const t = Date.now();
  await rename(join(ck, 'last'), join(ck, `.last.old-${dead}-${t}-7`));
  await mkdir(join(ck, `.last.tmp-${dead}-${t}-7`));
  await writeFile(join(ck, `.last.tmp-${dead}-${t}-7`, 'weights.bin'), new Uint8Array(5)); // half written
  await writeFile(join(out, `history.jsonl.${dead}.9.tmp`), '{"pha');

  const resumed = await cli('fit', '--resume', out, '--json');
  assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
  assert.equal(oneJson(resumed.stdout).out, out);
  assert.deepEqual((await readdir(ck)).sort(), ['best', 'last', 'state.json']);
  assert.deepEqual((await readdir(out)).sort(), ['checkpoints', 'config.json', 'history.jsonl', 'metrics.json', 'model']);
  const history = (await readFile(join(out, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { epoch: number });
  assert.deepEqual(history.map((r) => r.epoch), [1, 2, 3]);
});

test('fit --resume on a run with a damaged state.json is a CORRUPT_RUN error with exit 3', async () => {
  const out = join(root, 'damaged');
  const fit = await cli('fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--epochs', '1', '--out', out, '--json');
  assert.equal(fit.code, 0, fit.stderr);
  await writeFile(join(out, 'checkpoints', 'state.json'), '{"phase": "tr');
  const r = await cli('fit', '--resume', out, '--json');
  assert.equal(r.code, 3, r.stderr);
  const e = oneJson(r.stdout).error;
  assert.equal(e.code, 'CORRUPT_RUN');
  assert.match(e.where, /checkpoints[/\\]state\.json$/);
});
