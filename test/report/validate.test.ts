import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModelCard } from '../../src/report/card/build.ts';
import { assertModelCard, MODEL_CARD_SCHEMA, validateModelCard } from '../../src/report/card/schema.ts';
import { validateJson, type JsonSchema } from '../../src/report/card/validate.ts';
import { TransferkitError } from '../../src/errors.ts';
import { IRIS_RUN } from './helpers.ts';

const card = await buildModelCard(IRIS_RUN, { now: new Date('2026-12-07T00:00:00Z') });
const clone = () => JSON.parse(JSON.stringify(card)) as Record<string, unknown>;

test('the validator checks types, required and unknown properties, enums, ranges and $refs', () => {
  const schema: JsonSchema = {
    $defs: { n: { type: 'integer', minimum: 0 } },
    type: 'object',
    required: ['a', 'b'],
    additionalProperties: false,
    properties: { a: { type: ['string', 'null'], minLength: 1 }, b: { type: 'array', items: { $ref: '#/$defs/n' }, minItems: 1 }, c: { enum: ['x', 'y'] } },
  };
  assert.deepEqual(validateJson({ a: 'ok', b: [0, 3] }, schema), []);
  assert.deepEqual(validateJson({ a: null, b: [1], c: 'y' }, schema), []);
  const errors = validateJson({ a: '', b: [1.5, -1], c: 'z', d: 1 }, schema);
  assert.deepEqual(
    errors.map((e) => e.path).sort(),
    ['/a', '/b/0', '/b/1', '/c', '/d'],
  );
  assert.deepEqual(validateJson({ b: [] }, schema).map((e) => e.message), ['is missing the required property "a"', 'must have at least 1 item']);
  assert.match(validateJson({ a: 'x', b: [Number.NaN] }, schema)[0].message, /must be integer, got NaN/);
  assert.throws(() => validateJson({}, { pattern: 'x' } as unknown as JsonSchema), (e: unknown) => e instanceof TransferkitError && /pattern/.test(e.message));
  assert.throws(() => validateJson(1, { $ref: '#/$defs/missing' }), /does not resolve/);
});

test('a card built from a run is valid against the schema', () => {
  assert.deepEqual(validateModelCard(card), []);
  assert.equal(MODEL_CARD_SCHEMA.required?.length, 12);
});

test('the schema rejects a card missing a required section, a wrong type or an extra field', () => {
  const missing = clone();
  delete missing.ethicalConsiderations;
  assert.deepEqual(validateModelCard(missing), [{ path: '', message: 'is missing the required property "ethicalConsiderations"' }]);
  assert.throws(() => assertModelCard(missing), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_INPUT' && /ethicalConsiderations/.test(e.message));

  const wrong = clone();
  (wrong.metrics as { measures: Array<{ value: unknown }> }).measures[0].value = '0.9';
  assert.deepEqual(validateModelCard(wrong).map((e) => e.path), ['/metrics/measures/0/value']);

  const extra = clone();
  (extra.modelDetails as Record<string, unknown>).accuracy = 1;
  assert.deepEqual(validateModelCard(extra).map((e) => e.path), ['/modelDetails/accuracy']);

  const noMeasures = clone();
  (noMeasures.metrics as { measures: unknown[] }).measures = [];
  assert.match(validateModelCard(noMeasures)[0].message, /at least 1 item/);

  const format = clone();
  format.format = 'something-else';
  assert.equal(validateModelCard(format)[0].path, '/format');
});
