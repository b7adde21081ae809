/**
 * `transferkit fewshot` from the command line: a table per shots with the raw-pixel baseline,
 * one JSON object with --json, and clear errors for impossible episodes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFewShot } from '../../src/cli/commands/fewshot.ts';
import { cli, oneJson } from '../cli/helpers.ts';

describe('transferkit fewshot', () => {
  it('prints a table per shots with the raw-pixel baseline, and one JSON object with --json', async () => {
    const args = ['fewshot', '--base', 'fashion-cnn', '--data', 'builtin:mnist', '--shots', '1,3', '--queries', '5', '--episodes', '20', '--methods', 'prototypes,knn'];
    const r = await cli(...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    const json = oneJson(r.stdout);
    // the text output is the same result described for people
    const text = describeFewShot(json);
    assert.match(text, /5-way 1-shot:/);
    assert.match(text, /5-way 3-shot:/);
    assert.match(text, /raw-pixel prototypes/);
    assert.match(text, /embeddings: fashion-cnn at "flatten" \(3136-d\)/);
    assert.deepEqual(json.tables.map((t: { shots: number }) => t.shots), [1, 3]);
    for (const t of json.tables) {
      assert.deepEqual(t.rows.map((r: { name: string }) => r.name), ['prototypes', 'knn', 'raw-pixel prototypes']);
      for (const r of t.rows) {
        assert.equal(r.episodes, 20);
        assert.ok(r.mean > 0.2 && r.mean <= 1, `${r.name} ${r.mean}`);
        assert.ok(r.interval > 0 && r.interval < 0.2);
      }
      // at one shot, 1-NN is the prototype rule: the same predictions on the same episodes
      if (t.shots === 1) assert.equal(t.rows[0].mean, t.rows[1].mean);
    }
  });

  it('a class too small for shots + queries is named with its count (exit 3)', async () => {
    const r = await cli('fewshot', '--base', 'fashion-cnn', '--data', 'builtin:mnist', '--shots', '5', '--queries', '1000', '--json');
    assert.equal(r.code, 3);
    const err = oneJson(r.stdout).error;
    assert.equal(err.code, 'TOO_FEW_EXAMPLES');
    assert.match(err.message, /^Class "\d" has \d+ examples, fewer than the 1005 an episode takes of it/);
    assert.match(err.hint, /Use at most --queries \d+ \(per class\) at --shots 5/);
  });

  it('more ways than classes is an error naming both (exit 3); an unknown method is a usage error (exit 2)', async () => {
    const r = await cli('fewshot', '--base', 'fashion-cnn', '--data', 'builtin:mnist', '--ways', '11');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /11-way episodes need 11 classes, but the data has 10/);
    assert.match(r.stderr, /fix: +Use --ways 10 or fewer/);
    const u = await cli('fewshot', '--base', 'fashion-cnn', '--data', 'builtin:mnist', '--methods', 'svm');
    assert.equal(u.code, 2);
    assert.match(u.stderr, /unknown method "svm"/);
  });
});
