import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fit, resumeFit } from '../../src/transfer/fit.ts';
import { expectError } from '../data/helpers.ts';

test('a run whose last checkpoint is gone (and not recoverable) is CORRUPT_RUN, not a missing-model error', async () => {
  const root = await mkdtemp(join(tmpdir(), 'tk-resume-missing-'));
  try {
    const out = join(root, 'run');
    const res = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', epochs: 3, seed: 1, out });
    res.model.dispose();
    // as if killed mid-run: not finished, and checkpoints/last lost with no aside copy to recover
    const statePath = join(out, 'checkpoints', 'state.json');
    const state = JSON.parse(await readFile(statePath, 'utf8'));
    await writeFile(statePath, JSON.stringify({ ...state, finished: false }));
    await rm(join(out, 'checkpoints', 'last'), { recursive: true, force: true });
    const err = await expectError(() => resumeFit(out), 'CORRUPT_RUN', [/no checkpoints\/last/]);
    assert.match(err.hint!, /another `out` folder/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
