import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../../src/cli/program.ts';
import { settingsFromFlags } from '../../src/cli/settings-option.ts';
import { datasetFromRows } from '../../src/data/from-memory.ts';
import { fit, type FitConfig } from '../../src/transfer/fit.ts';
import { checkTrainingSettings, settingsTable, TRAINING_SETTINGS } from '../../src/transfer/settings.ts';
import { expectError } from '../data/helpers.ts';

test("README's table of training settings is the table in the code", () => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const block = /<!-- settings-table -->\n([\s\S]*?)\n<!-- \/settings-table -->/.exec(readme)?.[1];
  assert.equal(block, settingsTable(), 'run: node --import tsx scripts/readme-settings.ts');
});

test('fit --help offers every setting with its flag, stated default and bounds enforced', async () => {
  const fitCommand = (await buildProgram(['fit'])).commands.find((c) => c.name() === 'fit')!;
  for (const s of TRAINING_SETTINGS) {
    const option = fitCommand.options.find((o) => o.long === s.flag);
    assert.ok(option, `fit has ${s.flag}`);
    if (s.defaultText) assert.match(option.description, new RegExp(`default ${s.defaultText.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`), `${s.flag} states its default`);
  }
  const parse = (flag: string, value: string) => fitCommand.options.find((o) => o.long === flag)!.parseArg!(value, undefined);
  assert.equal(parse('--lr', '0.01'), 0.01);
  assert.throws(() => parse('--lr', '0'), /expected a number > 0, got "0"/);
  assert.throws(() => parse('--epochs', '0'), /expected a whole number ≥ 1/);
  assert.throws(() => parse('--epochs', '2.5'), /whole number/);
  assert.throws(() => parse('--label-smoothing', '1'), /\[0, 1\)/);
  assert.deepEqual(settingsFromFlags({ lr: 0.5, batchSize: 8, labelSmoothing: 0.1, json: true }), { learningRate: 0.5, batchSize: 8, labelSmoothing: 0.1 });
});

test('the library checks the same bounds and names the setting as the API calls it', async () => {
  assert.doesNotThrow(() => checkTrainingSettings({ learningRate: 0.1, epochs: 3, valFraction: 0 }));
  const rows = Array.from({ length: 12 }, (_, i) => ({ x: i, y: i % 3, label: i % 2 ? 'a' : 'b' }));
  const train = datasetFromRows(rows);
  const cases: Array<[Partial<FitConfig>, RegExp]> = [
    [{ learningRate: -1 }, /learningRate must be a number > 0, got -1/],
    [{ learningRate: 0 }, /learningRate must be a number > 0/],
    [{ epochs: 0 }, /epochs must be a whole number ≥ 1, got 0/],
    [{ batchSize: 1.5 }, /batchSize must be a whole number/],
    [{ labelSmoothing: 1 }, /labelSmoothing must be a number in \[0, 1\)/],
    [{ headDropout: -0.1 }, /headDropout/],
    [{ learningRate: NaN }, /learningRate must be a number > 0, got null/],
  ];
  for (const [bad, message] of cases) {
    await expectError(() => fit({ strategy: 'scratch', arch: 'logistic', train, ...bad } as FitConfig), 'BAD_OPTION', [message]);
  }
});
