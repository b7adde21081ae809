/**
 * A small deterministic sample of `npm run crash` (scripts/crash/run.ts): `fit` killed with
 * SIGKILL at moments picked by what the fit has done (never by wall time, so a loaded machine
 * changes nothing), then `fit --resume` must finish, lose at most one epoch, and leave no
 * temporary files or folders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crashTrial, type KillAt } from '../../scripts/crash/lib.ts';

const root = mkdtempSync(join(tmpdir(), 'tk-crash-sample-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

// patience above the epochs: all 8 epochs run, so every kill point below is reached
const FIT = ['fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--epochs', '8', '--patience', '100', '--seed', '1'];

const cases: Array<[string, KillAt]> = [
  ['after the first epoch line', { mode: 'epoch', n: 1 }],
  // before state.json exists: the resume starts over, and epoch 1 must not be in the history twice
  ['as history.jsonl first appears (epoch 1 recorded, its checkpoint being saved)', { mode: 'file', name: 'history.jsonl' }],
  ['after epoch line 4', { mode: 'epoch', n: 4 }],
  ['as the 3rd checkpoints/last temporary appears (mid-save of epoch 3 or 4)', { mode: 'temp', k: 3, match: '.last.tmp-' }],
  ['as the 2nd swapped-out checkpoints/last appears (between the two renames)', { mode: 'temp', k: 2, match: '.last.old-' }],
];

for (const [i, [name, kill]] of cases.entries()) {
  test(`fit killed ${name}: --resume finishes, ≤ 1 epoch lost, no temporaries left`, { timeout: 120_000 }, async () => {
    const out = join(root, `t${i}`);
    mkdirSync(out);
    const r = await crashTrial(i + 1, FIT, out, kill, undefined, 100_000);
    assert.equal(r.killed, true, `the fit was not killed: ${JSON.stringify(r)}`);
    assert.equal(r.outcome, 'resumed', JSON.stringify(r, null, 2));
    assert.ok(r.epochsLost! <= 1, `${r.epochsLost} epochs lost`);
    assert.deepEqual(r.leakedTemps, []);
    assert.deepEqual(r.problems, []);
  });
}
