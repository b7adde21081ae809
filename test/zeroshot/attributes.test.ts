import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDistinct, parseAttributeTable, readAttributeTable, signatures, varyingAttributes } from '../../src/transfer/zero-shot/attributes.ts';
import { FASHION_MNIST_CLASSES } from '../../src/data/builtins.ts';
import { TransferkitError } from '../../src/errors.ts';

const TABLE = new URL('../../datasets/fashion-attributes/attributes.csv', import.meta.url).pathname;

function code(c: string, re?: RegExp) {
  return (err: unknown) => err instanceof TransferkitError && err.code === c && (!re || re.test(err.message + ' ' + (err.hint ?? '')));
}

test('parses a table: classes, attributes, values in [0, 1]', () => {
  const t = parseAttributeTable('class,legs,soft\nTrouser,1,0.5\n"T-shirt/top",0,1\n', 'x.csv');
  assert.deepEqual(t.classes, ['Trouser', 'T-shirt/top']);
  assert.deepEqual(t.attributes, ['legs', 'soft']);
  assert.deepEqual(Array.from(t.values), [1, 0.5, 0, 1]);
  assert.deepEqual(Array.from(signatures(t, ['T-shirt/top', 'Trouser'])), [0, 1, 1, 0.5]);
  assert.deepEqual(varyingAttributes(Float64Array.of(1, 0, 1, 1), 2, 2), [1]);
});

test('table errors name what is wrong, where, and how to fix it', () => {
  assert.throws(() => parseAttributeTable('class,a\nX,2\n', 't.csv'), code('BAD_CSV', /"X", attribute "a": "2" is not a number in \[0, 1\]/));
  assert.throws(() => parseAttributeTable('class,a\nX,\n', 't.csv'), code('BAD_CSV', /not a number/));
  assert.throws(() => parseAttributeTable('class,a,b\nX,1\n', 't.csv'), code('BAD_CSV', /1 attribute values, the header names 2/));
  assert.throws(() => parseAttributeTable('class,a\nX,1\nX,0\n', 't.csv'), code('BAD_CSV', /Class "X" has two rows/));
  assert.throws(() => parseAttributeTable('class,a,a\nX,1,0\n', 't.csv'), code('BAD_CSV', /appears twice/));
  assert.throws(() => parseAttributeTable('class\n', 't.csv'), code('BAD_CSV'));
  const t = parseAttributeTable('class,a,b\nX,1,0\nY,1,0\nZ,0,1\n', 't.csv');
  assert.throws(() => signatures(t, ['X', 'Bag']), (e: unknown) => code('UNKNOWN_CLASS', /no row for class "Bag"/)(e) && (e as TransferkitError).where === 't.csv');
  assert.throws(() => checkDistinct(t, ['X', 'Y', 'Z']), code('BAD_INPUT', /"X" and "Y" have identical attribute signatures/));
  checkDistinct(t, ['X', 'Z']);
  const u = parseAttributeTable('class,a,b\nP,1,0\nQ,1,1\n', 'u.csv');
  checkDistinct(u, ['P', 'Q']);
  assert.throws(() => checkDistinct(u, ['P', 'Q'], [0], 'seen'), code('BAD_INPUT', /vary among the seen classes/));
});

test('the Fashion-MNIST table covers exactly the builtin classes with distinct binary signatures', async () => {
  const t = await readAttributeTable(TABLE);
  assert.deepEqual([...t.classes].sort(), [...FASHION_MNIST_CLASSES].sort());
  assert.ok(t.attributes.length >= 12);
  assert.ok(Array.from(t.values).every((v) => v === 0 || v === 1));
  checkDistinct(t, [...FASHION_MNIST_CLASSES]);
  await assert.rejects(readAttributeTable('/nonexistent/attrs.csv'), code('FILE_NOT_FOUND', /--attributes/));
});
