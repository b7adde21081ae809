import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransferkitError } from '../../src/errors.ts';
import { pidAlive, removeStaleTemps, tempOwner, writeError, writeFileAtomic } from '../../src/util/atomic.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-atomic-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code, path: '/x/y' });

test('write errors become clear errors naming the path: WRITE_FAILED, NOT_A_DIRECTORY, NOT_A_FILE', () => {
  for (const [code, words] of [['EACCES', /permission denied/], ['EROFS', /read-only/], ['ENOSPC', /disk is full/], ['EPERM', /not permitted/]] as const) {
    const e = writeError(errno(code), 'out/metrics.json');
    assert.ok(e instanceof TransferkitError);
    assert.equal(e.code, 'WRITE_FAILED');
    assert.match(e.message, /out\/metrics\.json/);
    assert.match(e.message, words);
    assert.ok(e.hint);
  }
  assert.equal((writeError(errno('ENOTDIR'), 'a/b') as TransferkitError).code, 'NOT_A_DIRECTORY');
  assert.equal((writeError(errno('EISDIR'), 'a/b') as TransferkitError).code, 'NOT_A_FILE');
  const other = new Error('something else');
  assert.equal(writeError(other, 'a'), other, 'other errors pass through');
});

test('writeFileAtomic: a target that is a folder, or under a file, is a clear error and leaves no temporary', async () => {
  const dir = join(root, 'a-folder');
  await mkdir(dir);
  await assert.rejects(writeFileAtomic(dir, 'x'), (e: unknown) => e instanceof TransferkitError && e.code === 'NOT_A_FILE');
  const file = join(root, 'a-file');
  await writeFile(file, 'mine');
  await assert.rejects(writeFileAtomic(join(file, 'out.json'), 'x'), (e: unknown) => e instanceof TransferkitError && e.code === 'NOT_A_DIRECTORY');
  assert.equal(await readFile(file, 'utf8'), 'mine');
  assert.deepEqual((await readdir(root)).sort(), ['a-file', 'a-folder']);
});

test('writeFileAtomic into a read-only folder is WRITE_FAILED naming the path', { skip: process.getuid?.() === 0 ? 'root ignores permissions' : false }, async () => {
  const dir = join(root, 'read-only');
  await mkdir(dir);
  await chmod(dir, 0o555);
  try {
    await assert.rejects(writeFileAtomic(join(dir, 'm.json'), '{}'), (e: unknown) => e instanceof TransferkitError && e.code === 'WRITE_FAILED' && /read-only[/\\]m\.json/.test(e.message));
  } finally {
    await chmod(dir, 0o755);
  }
});

test('temporary names carry their pid; only those of dead processes are removed', async () => {
  assert.equal(tempOwner('history.jsonl.4242.3.tmp'), 4242);
  assert.equal(tempOwner('.last.tmp-4242-1733550000000-3'), 4242);
  assert.equal(tempOwner('.model.old-17-1-0'), 17);
  assert.equal(tempOwner('last'), undefined);
  assert.equal(tempOwner('notes.tmp'), undefined);
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  assert.equal(pidAlive(dead), false);
  assert.equal(pidAlive(process.pid), true);
  const dir = join(root, 'temps');
  await mkdir(join(dir, `.last.tmp-${dead}-1-0`), { recursive: true });
  await writeFile(join(dir, `metrics.json.${dead}.0.tmp`), '{');
  await writeFile(join(dir, `metrics.json.${process.pid}.1.tmp`), '{');
  await writeFile(join(dir, 'keep.tmp'), '');
  assert.deepEqual((await removeStaleTemps(dir)).sort(), [`.last.tmp-${dead}-1-0`, `metrics.json.${dead}.0.tmp`].sort());
  assert.deepEqual((await readdir(dir)).sort(), ['keep.tmp', `metrics.json.${process.pid}.1.tmp`].sort());
  assert.deepEqual(await removeStaleTemps(join(root, 'nowhere')), []);
});

test('writeFileAtomic where the system refuses (Linux /sys) is WRITE_FAILED naming the path, exit code 1 material', { skip: process.platform !== 'linux' || !existsSync('/sys/kernel') ? 'needs Linux /sys' : false }, async () => {
  await assert.rejects(writeFileAtomic('/sys/transferkit-test/run/config.json', '{}'), (e: unknown) => {
    assert.ok(e instanceof TransferkitError, String(e));
    assert.equal(e.code, 'WRITE_FAILED');
    assert.match(e.message, /\/sys\/transferkit-test\/run\/config\.json/);
    return true;
  });
});
