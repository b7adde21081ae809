import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FASHION_MNIST_CLASSES } from '../../src/data/builtins.ts';
import { deriveTask, parseGroupMap, parseTaskList, taskFromMapFile, taskIndex } from '../../src/transfer/multitask/tasks.ts';

const code = (c: string, re?: RegExp) => (e: Error & { code?: string; hint?: string }) => e.code === c && (!re || re.test(e.message));

test('parseTaskList reads own labels, mapping files and label columns', () => {
  assert.deepEqual(parseTaskList('class,group=datasets/tasks/fashion-groups.csv'), [
    { name: 'class', from: 'labels' },
    { name: 'group', from: 'map', path: 'datasets/tasks/fashion-groups.csv' },
  ]);
  assert.deepEqual(parseTaskList(' income , sector=column:sector '), [
    { name: 'income', from: 'labels' },
    { name: 'sector', from: 'column', column: 'sector' },
  ]);
});

test('parseTaskList errors name the bad entry', () => {
  assert.throws(() => parseTaskList('class'), code('BAD_OPTION', /needs at least two/));
  assert.throws(() => parseTaskList('class,kind'), code('BAD_OPTION', /2 tasks \(class, kind\) claim the data's own labels/));
  assert.throws(() => parseTaskList('a=x.csv,b=y.csv'), code('BAD_OPTION', /No task .* uses the data's own labels/));
  assert.throws(() => parseTaskList('class,class=g.csv'), code('BAD_OPTION', /"class" is named twice/));
  assert.throws(() => parseTaskList('class,,g=x.csv'), code('BAD_OPTION', /empty entry/));
  assert.throws(() => parseTaskList('class,9x=g.csv'), code('BAD_OPTION', /"9x" is not a name/));
  assert.throws(() => parseTaskList('class,g='), code('BAD_OPTION', /nothing after "="/));
  assert.throws(() => parseTaskList('class,g=column:'), code('BAD_OPTION', /names no column/));
});

test('parseGroupMap reads class,group rows and rejects malformed ones', () => {
  const m = parseGroupMap('class,group\nSandal,footwear\n"Shirt, long",tops\n\n', 'g.csv');
  assert.deepEqual([...m], [['Sandal', 'footwear'], ['Shirt, long', 'tops']]);
  assert.throws(() => parseGroupMap('class,group\n', 'g.csv'), code('EMPTY_DATA'));
  assert.throws(() => parseGroupMap('class,group\nSandal,footwear,x\n', 'g.csv'), code('BAD_CSV', /Row 2 .* 3 fields/));
  assert.throws(() => parseGroupMap('class,group\nSandal,\n', 'g.csv'), code('BAD_CSV', /empty group/));
  assert.throws(() => parseGroupMap('class,group\nSandal,a\nSandal,b\n', 'g.csv'), code('BAD_CSV', /"Sandal" is mapped twice/));
});

test('deriveTask maps labels to groups in natural order; a class the mapping lacks is named', () => {
  const labels = Int32Array.from([0, 1, 2, 3, -1]);
  const t = deriveTask('parity', ['0', '1', '2', '3'], labels, new Map([['0', 'even'], ['1', 'odd'], ['2', 'even'], ['3', 'odd']]), 'p.csv');
  assert.deepEqual(t.classes, ['even', 'odd']);
  assert.deepEqual([...t.labels], [0, 1, 0, 1, -1]);
  assert.throws(
    () => deriveTask('group', ['Sandal', 'Bag', 'Coat'], Int32Array.from([0, 1, 2]), new Map([['Sandal', 'footwear'], ['bag', 'bags']]), 'g.csv'),
    (e: Error & { code?: string; hint?: string; where?: string }) => e.code === 'UNKNOWN_LABEL' && /classes "Bag", "Coat"/.test(e.message) && /"bag"/.test(e.hint!) && e.where === 'g.csv',
  );
});

test('the shipped mappings cover Fashion-MNIST and the ten digits', async () => {
  const fashion = parseGroupMap(readFileSync('datasets/tasks/fashion-groups.csv', 'utf8'), 'fashion-groups.csv');
  assert.deepEqual([...fashion.keys()].sort(), [...FASHION_MNIST_CLASSES].sort());
  assert.deepEqual(new Set(fashion.values()), new Set(['tops', 'bottoms-onepiece', 'footwear', 'bags']));
  const digits = Array.from({ length: 10 }, (_, i) => String(i));
  const parity = await taskFromMapFile('parity', 'datasets/tasks/digit-parity.csv', digits, Int32Array.from(digits.map((_, i) => i)));
  assert.deepEqual([...parity.labels], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  await assert.rejects(taskFromMapFile('g', 'datasets/tasks/nope.csv', digits, Int32Array.from([0])), code('FILE_NOT_FOUND', /nope\.csv of task "g"/));
  assert.equal(taskIndex([{ name: 'class' }, { name: 'group' }], 'group', '--weights'), 1);
  assert.throws(() => taskIndex([{ name: 'class' }, { name: 'group' }], 'groop', '--weights'), code('BAD_OPTION', /no task "groop"; the tasks are class, group/));
});
