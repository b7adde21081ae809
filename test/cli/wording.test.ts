import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { cliWording, useFlagsOf } from '../../src/cli/wording.ts';
import { settingOption } from '../../src/cli/settings-option.ts';
import { cli } from './helpers.ts';
import { datasetFromRows } from '../../src/data/from-memory.ts';
import { fit } from '../../src/transfer/fit.ts';
import { expectError } from '../data/helpers.ts';

test('library wording names API options; the CLI shows the running command’s flags', () => {
  const command = new Command('fit').option('--column-types <pairs>').option('--label <column>').option('--impute <how>').option('--per-class <n>').addOption(settingOption('learningRate'));
  useFlagsOf(command);
  assert.equal(cliWording('Pass `impute: "mean"` or `impute: "drop"`.'), 'Pass --impute mean or --impute drop.');
  assert.equal(cliWording('Did you mean `label: "Body Mass (g)"`?'), 'Did you mean --label "Body Mass (g)"?');
  assert.equal(cliWording('Use `perClass` and `learningRate: 0.01`.'), 'Use --per-class and --lr 0.01.');
  assert.equal(cliWording('Declare `columnTypes: { "len": "categorical", "age": "numeric" }`.'), 'Declare --column-types len=categorical,age=numeric.');
  assert.equal(cliWording('Call `resumeFit` or see `transferkit models`.'), 'Call `resumeFit` or see `transferkit models`.', 'not an option of the command: unchanged');
});

test('the same error reads in API names from the library and in flags from the CLI', async () => {
  const train = datasetFromRows([{ x: 1, label: 'a' }, { x: 2, label: 'b' }]);
  const err = await expectError(() => fit({ strategy: 'scratch', arch: 'mlp', train, augment: 'shift' }), 'BAD_OPTION', [/Image augmentation/]);
  assert.match(err.hint!, /Leave `augment` out/);
  const res = await cli('fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--augment', 'shift', '--out', '/tmp/never-written-tk-wording');
  assert.equal(res.code, 3);
  assert.match(res.stderr, /Leave --augment out for tabular and text data/);
});
