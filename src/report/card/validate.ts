/**
 * A small JSON Schema validator for the subset of draft 2020-12 the model card's schema uses:
 * `type` (one or a list), `properties`, `required`, `additionalProperties` (false or a schema),
 * `items`, `enum`, `const`, `minimum`, `maximum`, `minLength`, `minItems` and local `$ref`s
 * to `#/$defs/NAME`. Any other keyword is refused, so a schema never silently checks less
 * than it says.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';

/**
 * The JSON Schema subset {@link validateJson} understands.
 *
 * @example
 * ```ts
 * const s: JsonSchema = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } };
 * ```
 */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  $defs?: Record<string, JsonSchema>;
  $ref?: string;
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
}

/**
 * The JSON types of `type`.
 *
 * @example
 * ```ts
 * const t: JsonType[] = ['number', 'null'];
 * ```
 */
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/**
 * One way a value fails its schema: where (a JSON Pointer, `""` for the root) and what.
 *
 * @example
 * ```ts
 * const e: SchemaError = { path: '/metrics/measures/0/value', message: 'must be number or null, got string' };
 * ```
 */
export interface SchemaError {
  path: string;
  message: string;
}

const KNOWN = new Set(['$schema', '$id', 'title', 'description', '$defs', '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'minimum', 'maximum', 'minLength', 'minItems']);

/**
 * Checks `value` against `schema` and returns every error found (empty: valid).
 *
 * @throws TransferkitError `BAD_INPUT` when the schema uses a keyword outside the subset, or a
 *   `$ref` that does not resolve.
 * @example
 * ```ts
 * validateJson({ name: 3 }, { type: 'object', properties: { name: { type: 'string' } } });
 * // [{ path: '/name', message: 'must be string, got number' }]
 * ```
 */
export function validateJson(value: unknown, schema: JsonSchema): SchemaError[] {
  const errors: SchemaError[] = [];
  check(value, schema, schema, '', errors);
  return errors;
}

function check(value: unknown, schema: JsonSchema, root: JsonSchema, path: string, errors: SchemaError[]): void {
  for (const key of Object.keys(schema)) {
    if (!KNOWN.has(key)) {
      throw new TransferkitError('BAD_INPUT', `The schema keyword "${key}" is not supported by this validator`, {
        where: `schema at ${path || '/'}`,
        hint: `Use only: ${[...KNOWN].join(', ')}.`,
      });
    }
  }
  if (schema.$ref !== undefined) {
    check(value, resolveRef(schema.$ref, root), root, path, errors);
    return;
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => isType(value, t))) {
      errors.push({ path, message: `must be ${types.join(' or ')}, got ${typeName(value)}` });
      return;
    }
  }
  if (schema.const !== undefined && JSON.stringify(value) !== JSON.stringify(schema.const)) {
    errors.push({ path, message: `must be ${JSON.stringify(schema.const)}` });
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push({ path, message: `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}` });
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push({ path, message: `must be ≥ ${schema.minimum}, got ${value}` });
    if (schema.maximum !== undefined && value > schema.maximum) errors.push({ path, message: `must be ≤ ${schema.maximum}, got ${value}` });
  }
  if (typeof value === 'string' && schema.minLength !== undefined && value.length < schema.minLength) {
    errors.push({ path, message: `must have at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}` });
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push({ path, message: `must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}` });
    if (schema.items) value.forEach((item, i) => check(item, schema.items!, root, `${path}/${i}`, errors));
  }
  if (isType(value, 'object')) {
    const obj = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!Object.hasOwn(obj, name)) errors.push({ path, message: `is missing the required property "${name}"` });
    }
    for (const [name, v] of Object.entries(obj)) {
      const sub = schema.properties?.[name];
      const at = `${path}/${pointerEscape(name)}`;
      if (sub) check(v, sub, root, at, errors);
      else if (schema.additionalProperties === false) errors.push({ path: at, message: 'is not allowed here (unknown property)' });
      else if (typeof schema.additionalProperties === 'object') check(v, schema.additionalProperties, root, at, errors);
    }
  }
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  const m = /^#\/\$defs\/([^/]+)$/.exec(ref);
  const target = m ? root.$defs?.[m[1]] : undefined;
  if (!target) {
    throw new TransferkitError('BAD_INPUT', `The schema reference "${ref}" does not resolve`, { where: 'schema $ref', hint: 'Use "#/$defs/NAME" with NAME defined under $defs.' });
  }
  return target;
}

function isType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
function pointerEscape(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}
