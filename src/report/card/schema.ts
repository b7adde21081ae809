/**
 * The JSON Schema (draft 2020-12) of `model_card.json`, and the check every card passes before
 * it is written.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { MODEL_CARD_FORMAT, type ModelCard } from './types.ts';
import { validateJson, type JsonSchema, type SchemaError } from './validate.ts';

const text: JsonSchema = { type: 'string', minLength: 1 };
const texts: JsonSchema = { type: 'array', items: text };
const nullableNumber: JsonSchema = { type: ['number', 'null'] };
const count: JsonSchema = { type: 'integer', minimum: 0 };

/** An object schema whose listed properties are all required and no others allowed. */
function strict(properties: Record<string, JsonSchema>, description?: string): JsonSchema {
  return { type: 'object', ...(description ? { description } : {}), required: Object.keys(properties), properties, additionalProperties: false };
}

const dataDescription = {
  name: text,
  description: text,
  size: { type: ['integer', 'null'], minimum: 0 },
  classBalance: { type: 'array', items: { $ref: '#/$defs/classCount' } },
  notes: texts,
} satisfies Record<string, JsonSchema>;

/**
 * The schema of a {@link ModelCard}: the nine sections of Mitchell et al. 2019 are required,
 * and so is every field inside them (unknown facts are stated, not left out).
 *
 * @example
 * ```ts
 * validateJson(card, MODEL_CARD_SCHEMA); // [] for a valid card
 * ```
 */
export const MODEL_CARD_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://transferkit.dev/schemas/model-card-1.json',
  title: 'transferkit model card',
  description: 'A model card of a transferkit run, in the sections of Mitchell et al. 2019 (Model Cards for Model Reporting). Unknown facts are strings starting with "unknown" or null numbers.',
  $defs: {
    classCount: strict({ class: text, count, share: { type: 'number', minimum: 0, maximum: 1 } }),
    measure: strict({ name: text, value: nullableNumber, low: nullableNumber, high: nullableNumber, interval: text }),
  },
  ...strict({
    format: { const: MODEL_CARD_FORMAT },
    generatedAt: text,
    run: strict({ folder: text, kind: { enum: ['fit', 'adapt'] } }),
    modelDetails: strict(
      {
        name: text,
        version: text,
        date: text,
        type: text,
        baseModel: text,
        strategy: text,
        head: text,
        engine: text,
        transferkitVersion: text,
        dataKind: text,
        classes: { type: 'array', items: text, minItems: 1 },
        licence: text,
        citation: text,
        contact: text,
      },
      'Who made the model, what it is, how to cite it.',
    ),
    intendedUse: strict({ primaryUses: text, outOfScope: text, stated: { type: 'boolean' } }, 'What the model is for, as its author states it.'),
    factors: strict({ dataKind: text, groups: texts, notes: texts }, 'What performance may vary with.'),
    metrics: strict(
      { evaluatedOn: text, n: { type: ['integer', 'null'], minimum: 0 }, measures: { type: 'array', items: { $ref: '#/$defs/measure' }, minItems: 1 }, notes: texts },
      'Performance measures with 95% intervals, and on which data.',
    ),
    evaluationData: strict({ role: text, ...dataDescription }, 'The data the measures were taken on.'),
    trainingData: strict(
      {
        target: strict(dataDescription),
        source: strict({ model: text, description: text, data: text, card: { type: ['string', 'null'] }, notes: texts }),
      },
      'The target data trained on, and the source transferred from.',
    ),
    quantitativeAnalyses: strict(
      {
        perClass: {
          type: 'array',
          items: strict({ class: text, precision: { type: 'number' }, recall: { type: 'number' }, recallLow: nullableNumber, recallHigh: nullableNumber, f1: { type: 'number' }, support: count }),
        },
        groups: {
          type: ['object', 'null'],
          required: ['sensitive', 'positive', 'privileged', 'columns', 'rows', 'measures', 'flags', 'warnings'],
          additionalProperties: false,
          properties: {
            sensitive: texts,
            positive: { type: 'string' },
            privileged: { type: ['string', 'null'] },
            columns: texts,
            rows: { type: 'array', items: strict({ group: text, count, values: { type: 'object', additionalProperties: nullableNumber } }) },
            measures: { type: 'array', items: strict({ name: text, value: nullableNumber, low: nullableNumber, high: nullableNumber }) },
            flags: texts,
            warnings: texts,
          },
        },
        shift: {
          type: ['object', 'null'],
          required: ['from', 'measures', 'notes'],
          additionalProperties: false,
          properties: {
            from: text,
            measures: { type: 'array', items: strict({ name: text, before: nullableNumber, after: nullableNumber, meaning: text }) },
            notes: texts,
          },
        },
        verdict: { type: ['object', 'null'], required: ['kind', 'text', 'from'], additionalProperties: false, properties: { kind: text, text, from: text } },
        notes: texts,
      },
      'Per-class, per-group, shift and negative-transfer analyses.',
    ),
    ethicalConsiderations: strict(
      {
        inheritedBias: text,
        privacy: {
          type: ['object', 'null'],
          required: ['lossAttackAuc', 'lossAttackAdvantage', 'likelihoodRatioAuc', 'reading'],
          additionalProperties: false,
          properties: { lossAttackAuc: { type: 'number' }, lossAttackAdvantage: nullableNumber, likelihoodRatioAuc: nullableNumber, reading: text },
        },
        considerations: texts,
      },
      'Risks: inherited bias, membership inference, others.',
    ),
    caveatsAndRecommendations: strict({ caveats: texts, recommendations: texts }, 'What to know before relying on the model, and what to do.'),
  }),
};

/**
 * Checks a card against {@link MODEL_CARD_SCHEMA}; returns the errors (empty: valid).
 *
 * @example
 * ```ts
 * const errors = validateModelCard(JSON.parse(await readFile('runs/iris/model_card.json', 'utf8')));
 * if (errors.length) console.log(errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
 * ```
 */
export function validateModelCard(value: unknown): SchemaError[] {
  return validateJson(value, MODEL_CARD_SCHEMA);
}

/**
 * Throws when a card does not match the schema: a card is never written half-right.
 *
 * @throws TransferkitError `BAD_INPUT` listing the first errors (path and what is wrong).
 * @example
 * ```ts
 * assertModelCard(card); // card is a ModelCard from here on
 * ```
 */
export function assertModelCard(value: unknown, where = 'model card'): asserts value is ModelCard {
  const errors = validateModelCard(value);
  if (errors.length === 0) return;
  const shown = errors.slice(0, 5).map((e) => `${e.path || '/'} ${e.message}`);
  throw new TransferkitError('BAD_INPUT', `The model card does not match its schema: ${shown.join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}`, {
    where,
    hint: 'A card built by buildModelCard always matches; check fields changed by hand against MODEL_CARD_SCHEMA.',
  });
}
