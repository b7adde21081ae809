import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransferkitError } from '../../src/errors.ts';
import { CHECKPOINT_STATE, readRunState, recoverRun, RUN_LOCK, runLockOwner, RunFolder } from '../../src/runs/run-folder.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-runfolder-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

/** The pid of a process that has exited (a killed fit, as far as its temporaries are concerned). */
const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
let n = 0;

/** A model folder as saveModel writes it: 3 float32 weights (12 bytes). `upTo` stops part way, like a kill. */
async function modelFolder(dir: string, tag: string, upTo: 'weights' | 'model' | 'all' = 'all'): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'weights.bin'), new Uint8Array(upTo === 'weights' ? 8 : 12));
  if (upTo === 'weights') return;
  await writeFile(join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [3], dtype: 'float32' }] }] }));
  if (upTo === 'model') return;
  await writeFile(join(dir, 'transferkit.json'), JSON.stringify({ tag }));
}

/** A run that checkpointed epoch 1, with `checkpoints/last`, `checkpoints/best` and state.json. */
async function runAtEpoch1(): Promise<string> {
  const dir = join(root, `run-${n++}`);
  const run = await RunFolder.create(dir, { strategy: 'scratch' });
  await run.appendHistory({ phase: 'train', epoch: 1, loss: 0.5 });
  await modelFolder(run.path('checkpoints', 'last'), 'epoch1');
  await modelFolder(run.path('checkpoints', 'best'), 'epoch1');
  await run.writeState({ phase: 'train', epoch: 1, donePhases: [], finished: false });
  await run.close();
  return dir;
}

const tagOf = async (dir: string) => (JSON.parse(await readFile(join(dir, 'transferkit.json'), 'utf8')) as { tag: string }).tag;

test('killed between the two renames of a checkpoint swap (only the aside copy left): open puts it back', async () => {
  const dir = await runAtEpoch1();
  const ck = join(dir, 'checkpoints');
  const t = Date.now();
  // saveModel for epoch 2: the complete new folder in .last.tmp-…, the old one renamed aside, then killed
  await modelFolder(join(ck, `.last.tmp-${deadPid}-${t}-4`), 'epoch2');
  await rm(join(ck, 'last'), { recursive: true });
  await modelFolder(join(ck, `.last.old-${deadPid}-${t}-4`), 'epoch1');
  const run = await RunFolder.open(dir);
  assert.equal(await tagOf(join(ck, 'last')), 'epoch1', 'the aside copy matches state.json (written after each checkpoint)');
  assert.deepEqual(await run.state(), { phase: 'train', epoch: 1, donePhases: [], finished: false });
  assert.deepEqual((await readdir(ck)).sort(), ['best', 'last', 'state.json'], 'the temporary of the dead process is gone');
});

test('only the aside copy present (no temp): recovered; the final model/ folder too', async () => {
  const dir = await runAtEpoch1();
  const ck = join(dir, 'checkpoints');
  await rm(join(ck, 'last'), { recursive: true });
  await modelFolder(join(ck, `.last.old-${deadPid}-${Date.now()}-0`), 'epoch1');
  await modelFolder(join(dir, `.model.old-${deadPid}-${Date.now()}-1`), 'final');
  const report = await recoverRun(dir);
  assert.equal(report.restored.length, 2);
  assert.equal(await tagOf(join(ck, 'last')), 'epoch1');
  assert.equal(await tagOf(join(dir, 'model')), 'final');
});

test('a complete temp and no aside copy (killed before the first swap): the temp becomes the checkpoint', async () => {
  const dir = await runAtEpoch1();
  const ck = join(dir, 'checkpoints');
  await rm(join(ck, 'best'), { recursive: true });
  await modelFolder(join(ck, `.best.tmp-${deadPid}-${Date.now()}-2`), 'new-best');
  await RunFolder.open(dir);
  assert.equal(await tagOf(join(ck, 'best')), 'new-best');
});

test('a half-written temp folder is deleted, never used as a checkpoint; temps of live processes stay', async () => {
  const dir = await runAtEpoch1();
  const ck = join(dir, 'checkpoints');
  await rm(join(ck, 'last'), { recursive: true });
  const t = Date.now();
  await modelFolder(join(ck, `.last.tmp-${deadPid}-${t}-0`), 'half', 'model'); // no transferkit.json
  await modelFolder(join(ck, `.best.tmp-${deadPid}-${t}-1`), 'cut', 'weights'); // weights.bin short
  await writeFile(join(dir, `history.jsonl.${deadPid}.7.tmp`), '{"phase":"tr');
  await writeFile(join(ck, `state.json.${deadPid}.8.tmp`), '{');
  const live = `.last.tmp-${process.pid}-${t}-9`;
  await modelFolder(join(ck, live), 'writing now');
  await writeFile(join(dir, 'notes.txt'), 'mine');
  const report = await recoverRun(dir);
  assert.deepEqual(report.restored, []);
  assert.equal(report.removed.length, 4);
  assert.ok(!existsSync(join(ck, 'last')), 'a half-written model is not a checkpoint');
  assert.deepEqual((await readdir(ck)).sort(), [live, 'best', 'state.json'].sort());
  assert.deepEqual((await readdir(dir)).sort(), ['checkpoints', 'config.json', 'history.jsonl', 'notes.txt']);
});

test('stale temps of a dead pid are cleaned when a run is opened (17 of 24 killed runs leaked them)', async () => {
  const dir = await runAtEpoch1();
  const ck = join(dir, 'checkpoints');
  await modelFolder(join(ck, `.last.tmp-${deadPid}-${Date.now()}-3`), 'leak');
  await modelFolder(join(ck, `.best.old-${deadPid}-${Date.now()}-3`), 'leak');
  const run = await RunFolder.open(dir);
  assert.deepEqual((await readdir(ck)).sort(), ['best', 'last', 'state.json']);
  assert.equal(await tagOf(join(ck, 'last')), 'epoch1', 'an existing checkpoint is never replaced');
  assert.equal(run.records().length, 1);
});

test('a damaged config.json, state.json or history.jsonl is CORRUPT_RUN naming the file', async () => {
  const expectCorrupt = async (dir: string, file: RegExp, where = file) => {
    await assert.rejects(RunFolder.open(dir), (e: unknown) => {
      assert.ok(e instanceof TransferkitError, String(e));
      assert.equal(e.code, 'CORRUPT_RUN');
      assert.match(e.where!, where);
      assert.match(e.message, file);
      assert.ok(e.hint);
      return true;
    });
  };
  const a = await runAtEpoch1();
  await writeFile(join(a, 'config.json'), '{"strategy": "scr');
  await expectCorrupt(a, /config\.json/);
  const b = await runAtEpoch1();
  await writeFile(join(b, 'checkpoints', 'state.json'), '');
  await expectCorrupt(b, /state\.json/);
  const c = await runAtEpoch1();
  await writeFile(join(c, 'history.jsonl'), '{"epoch":1}\nnot json\n');
  await expectCorrupt(c, /history\.jsonl is damaged at line 2/, /history\.jsonl:2$/);
});

test('create takes a folder holding only a temporary of a killed process, and refuses one with other files', async () => {
  const dir = join(root, 'killed-at-start');
  await mkdir(dir);
  await writeFile(join(dir, `config.json.${deadPid}.0.tmp`), '{"stra');
  const run = await RunFolder.create(dir, { strategy: 'scratch' });
  assert.deepEqual((await readdir(dir)).sort(), ['.lock', 'config.json'], 'the run holds its lock while open');
  await run.close();
  assert.deepEqual(await readdir(dir), ['config.json'], 'close releases it');
  const other = join(root, 'other-files');
  await mkdir(other);
  await writeFile(join(other, 'notes.txt'), 'mine');
  await assert.rejects(RunFolder.create(other, {}), (e: unknown) => e instanceof TransferkitError && e.code === 'OUT_NOT_EMPTY');
});

test('create refuses an output path that is a file, with NOT_A_DIRECTORY', async () => {
  const file = join(root, 'a-file');
  await writeFile(file, 'mine');
  await assert.rejects(RunFolder.create(file, {}), (e: unknown) => e instanceof TransferkitError && e.code === 'NOT_A_DIRECTORY' && e.where === file);
  assert.equal(await readFile(file, 'utf8'), 'mine');
});

test('a run folder is locked while open: a second writer gets RUN_LOCKED naming the pid; a stale lock is taken over', async () => {
  const dir = join(root, 'locked');
  const first = await RunFolder.create(dir, { strategy: 'scratch' });
  assert.equal(await readFile(join(dir, RUN_LOCK), 'utf8'), String(process.pid));
  assert.equal(await runLockOwner(dir), process.pid);
  await assert.rejects(RunFolder.open(dir), (e: unknown) => e instanceof TransferkitError && e.code === 'RUN_LOCKED' && e.hint!.includes(String(process.pid)));
  await first.close();
  await first.close(); // twice is fine
  assert.equal(await runLockOwner(dir), undefined);
  // another live process (the parent) holds it
  await writeFile(join(dir, RUN_LOCK), String(process.ppid));
  await assert.rejects(RunFolder.open(dir), (e: unknown) => e instanceof TransferkitError && e.code === 'RUN_LOCKED' && e.message.includes(`pid ${process.ppid}`));
  // a killed process's lock is stale: taken over
  await writeFile(join(dir, RUN_LOCK), String(deadPid));
  const second = await RunFolder.open(dir);
  assert.equal(await readFile(join(dir, RUN_LOCK), 'utf8'), String(process.pid));
  await second.close();
  assert.ok(!existsSync(join(dir, RUN_LOCK)));
  // a failed open releases the lock it took
  await writeFile(join(dir, 'config.json'), '{"stra');
  await assert.rejects(RunFolder.open(dir), (e: unknown) => e instanceof TransferkitError && e.code === 'CORRUPT_RUN');
  assert.ok(!existsSync(join(dir, RUN_LOCK)));
});

test('readRunState reads where a run stands without writing: the checkpoint copy wins when further along', async () => {
  const dir = await runAtEpoch1();
  assert.deepEqual(await readRunState(dir), { phase: 'train', epoch: 1, donePhases: [], finished: false });
  await writeFile(join(dir, 'checkpoints', 'last', CHECKPOINT_STATE), JSON.stringify({ phase: 'train', epoch: 2, donePhases: [], finished: false }));
  assert.equal((await readRunState(dir))?.epoch, 2, 'further along than state.json');
  await writeFile(join(dir, 'checkpoints', 'state.json'), JSON.stringify({ phase: 'train', epoch: 3, donePhases: [], finished: false }));
  assert.equal((await readRunState(dir))?.epoch, 3);
  assert.equal(await readRunState(join(root, 'no-such-run')), undefined);
});
