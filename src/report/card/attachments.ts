/**
 * The optional files a run folder may hold beside what `fit` and `adapt` write, that a model
 * card reports when present: a group fairness audit (`audit.json`) and a membership-inference
 * check (`privacy.json`). Each is read loosely: what the card needs must be there and of the
 * right type; anything else is ignored. A file that is damaged or of another shape is not an
 * error: the card leaves the section out and says why in its caveats.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { GroupAnalysis, PrivacyAnalysis } from './types.ts';

/** Name of the group audit file in a run folder. */
export const AUDIT_FILE = 'audit.json';
/** Name of the membership-inference file in a run folder. */
export const PRIVACY_FILE = 'privacy.json';

/**
 * What the card reads from `audit.json` (other fields are ignored). Two shapes are accepted: the
 * plain card shape below, and the full report `transferkit audit --out` writes, whose groups
 * hold their metrics under `values` (named by `name`, e.g. `afam=yes`) and whose flags are
 * objects with a `message`. Per-group numbers are any numeric fields of a group besides `count`
 * (e.g. `selection_rate`, `tpr`, `fpr`, `accuracy`).
 *
 * @example
 * ```ts
 * const a: AuditInput = {
 *   sensitive: ['sex'], positive: 'approved', privileged: 'male',
 *   groups: [{ group: 'female', count: 40, selectionRate: 0.3, tpr: 0.8 }],
 *   measures: { demographicParityDifference: { value: 0.1, low: 0.02, high: 0.18 } },
 *   flags: ['…'], warnings: [],
 * };
 * ```
 */
export interface AuditInput {
  sensitive: string[];
  positive: string | number | boolean;
  privileged?: string;
  groups: Array<{ group: string | number | boolean | string[]; name?: string; count: number; values?: Record<string, number | null>; [measure: string]: unknown }>;
  measures?: Record<string, { value: number | null; low?: number | null; high?: number | null }>;
  flags?: Array<string | { message: string }>;
  warnings?: string[];
}

/**
 * What the card reads from `privacy.json` (other fields are ignored). Two shapes are accepted:
 * the plain one below, and the result `membershipRisk` returns (`attacks.loss`,
 * `attacks.likelihood`, `reading.text`).
 *
 * @example
 * ```ts
 * const p: PrivacyInput = { lossAttack: { auc: 0.53, advantage: 0.05 }, likelihoodRatio: { auc: 0.56 }, reading: 'little membership leakage' };
 * ```
 */
export interface PrivacyInput {
  lossAttack: { auc: number; advantage?: number | null };
  likelihoodRatio?: { auc: number | null } | null;
  reading: string;
}

/**
 * An optional section read from a run folder: the value, or why it is left out (`problem`),
 * or neither when the file is absent.
 *
 * @example
 * ```ts
 * const { value, problem } = await readAudit('runs/hmda');
 * ```
 */
export interface Attachment<T> {
  value?: T;
  /** Why a present file was not used (damaged JSON, wrong shape). */
  problem?: string;
}

/**
 * Reads `audit.json` from a run folder, if it is there.
 *
 * @example
 * ```ts
 * const { value } = await readAudit('runs/hmda');
 * if (value) console.log(value.sensitive);
 * ```
 */
export async function readAudit(runDir: string): Promise<Attachment<GroupAnalysis>> {
  return readAttachment(join(runDir, AUDIT_FILE), toGroupAnalysis);
}

/**
 * Reads `privacy.json` from a run folder, if it is there.
 *
 * @example
 * ```ts
 * const { value } = await readPrivacy('runs/hmda');
 * if (value) console.log(value.reading);
 * ```
 */
export async function readPrivacy(runDir: string): Promise<Attachment<PrivacyAnalysis>> {
  return readAttachment(join(runDir, PRIVACY_FILE), toPrivacyAnalysis);
}

async function readAttachment<T>(path: string, convert: (raw: unknown) => T): Promise<Attachment<T>> {
  if (!existsSync(path)) return {};
  const name = basename(path);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    return { problem: `${name} is not valid JSON (${(err as Error).message})` };
  }
  try {
    return { value: convert(raw) };
  } catch (err) {
    return { problem: `${name} does not have the expected shape: ${(err as Error).message}` };
  }
}

/** A shape problem: a plain Error whose message names the field. */
function shape(field: string, what: string): Error {
  return new Error(`${field} ${what}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optionalNumber = (v: unknown): number | null => (isNumber(v) ? v : null);

function stringList(v: unknown, field: string, required: boolean): string[] {
  if (v === undefined && !required) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw shape(field, 'must be a list of strings');
  return v as string[];
}

/** Converts an audit file's content; throws (a plain Error naming the field) when it does not fit. */
function toGroupAnalysis(raw: unknown): GroupAnalysis {
  if (!isObject(raw)) throw shape('the file', 'must hold a JSON object');
  const sensitive = stringList(raw.sensitive, '"sensitive"', true);
  if (sensitive.length === 0) throw shape('"sensitive"', 'must name at least one attribute');
  if (!['string', 'number', 'boolean'].includes(typeof raw.positive)) throw shape('"positive"', 'must be the positive class (a string)');
  if (!Array.isArray(raw.groups) || raw.groups.length === 0) throw shape('"groups"', 'must be a non-empty list');
  const columns: string[] = [];
  const rows = raw.groups.map((g, i) => {
    if (!isObject(g)) throw shape(`"groups[${i}]"`, 'must be an object');
    const label = typeof g.name === 'string' && g.name !== '' ? g.name : Array.isArray(g.group) ? g.group.map(String).join(' × ') : g.group;
    if (!['string', 'number', 'boolean'].includes(typeof label) || String(label) === '') throw shape(`"groups[${i}].group"`, 'must name the group');
    if (!(Number.isInteger(g.count) && (g.count as number) >= 0)) throw shape(`"groups[${i}].count"`, 'must be a whole number ≥ 0');
    const values: Record<string, number | null> = {};
    const fields = { ...(isObject(g.values) ? g.values : {}), ...g };
    for (const [key, v] of Object.entries(fields)) {
      if (key === 'group' || key === 'count' || key === 'values') continue;
      if (isNumber(v) || v === null) {
        values[key] = v;
        if (!columns.includes(key)) columns.push(key);
      }
    }
    return { group: String(label), count: g.count as number, values };
  });
  for (const r of rows) for (const c of columns) if (!(c in r.values)) r.values[c] = null;
  const measures: GroupAnalysis['measures'] = [];
  if (raw.measures !== undefined) {
    if (!isObject(raw.measures)) throw shape('"measures"', 'must be an object of { value, low, high }');
    for (const [name, m] of Object.entries(raw.measures)) {
      if (!isObject(m) || !(isNumber(m.value) || m.value === null)) throw shape(`"measures.${name}.value"`, 'must be a number or null');
      measures.push({ name, value: m.value as number | null, low: optionalNumber(m.low), high: optionalNumber(m.high) });
    }
  }
  const flags = raw.flags === undefined ? [] : Array.isArray(raw.flags) ? raw.flags : undefined;
  if (!flags) throw shape('"flags"', 'must be a list of strings or of { message }');
  return {
    sensitive,
    positive: String(raw.positive),
    privileged: typeof raw.privileged === 'string' && raw.privileged !== '' ? raw.privileged : null,
    columns,
    rows,
    measures,
    flags: flags.map((f, i) => {
      const text = typeof f === 'string' ? f : isObject(f) && typeof f.message === 'string' ? f.message : undefined;
      if (text === undefined) throw shape(`"flags[${i}]"`, 'must be a string or { message }');
      return text;
    }).filter((t) => t !== ''),
    warnings: stringList(raw.warnings, '"warnings"', false).filter((s) => s !== ''),
  };
}

/** Converts a privacy file's content; throws (a plain Error naming the field) when it does not fit. */
function toPrivacyAnalysis(raw: unknown): PrivacyAnalysis {
  if (!isObject(raw)) throw shape('the file', 'must hold a JSON object');
  const attacks = isObject(raw.attacks) ? raw.attacks : {};
  const loss = isObject(raw.lossAttack) ? raw.lossAttack : isObject(attacks.loss) ? attacks.loss : undefined;
  const likelihood = isObject(raw.likelihoodRatio) ? raw.likelihoodRatio : isObject(attacks.likelihood) ? attacks.likelihood : undefined;
  if (!loss || !isNumber(loss.auc)) throw shape('"lossAttack.auc" (or "attacks.loss.auc")', 'must be a number');
  const reading = typeof raw.reading === 'string' ? raw.reading : isObject(raw.reading) && typeof raw.reading.text === 'string' ? raw.reading.text : '';
  if (reading.trim() === '') throw shape('"reading" (or "reading.text")', 'must be the plain-words reading of the result');
  return { lossAttackAuc: loss.auc, lossAttackAdvantage: optionalNumber(loss.advantage), likelihoodRatioAuc: likelihood ? optionalNumber(likelihood.auc) : null, reading: reading.trim() };
}
