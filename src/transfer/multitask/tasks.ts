/**
 * Tasks of a multi-task model: each is a name, a class list and one label per example. The
 * first comes from the dataset's own label column; others are derived from it by a class →
 * group mapping (a two-column CSV such as `datasets/tasks/fashion-groups.csv`) or read from a
 * second label column of a CSV dataset.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { TransferkitError } from '../../errors.ts';
import { sortClasses } from '../../data/classes.ts';

/** One task: its name, classes, and a label index per example (`-1`: unlabelled). */
export interface Task {
  name: string;
  classes: string[];
  labels: Int32Array;
}

/** Where a task's labels come from, as parsed from a `--tasks` entry by {@link parseTaskList}. */
export type TaskSource =
  /** `NAME`: the dataset's own labels. */
  | { name: string; from: 'labels' }
  /** `NAME=FILE.csv`: a mapping of the dataset's classes to groups. */
  | { name: string; from: 'map'; path: string }
  /** `NAME=column:COL`: another label column of a CSV dataset. */
  | { name: string; from: 'column'; column: string };

const TASK_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/**
 * Parses a task list such as `class,group=datasets/tasks/fashion-groups.csv` or
 * `species,island=column:island`: comma-separated entries, each `NAME` (the dataset's own
 * labels; exactly one entry), `NAME=FILE.csv` (classes mapped to groups by the file) or
 * `NAME=column:COL` (a second label column of CSV data). Names are letters, digits, `_`, `-`.
 *
 * @throws TransferkitError `BAD_OPTION` naming the entry that is wrong and how to write it.
 * @example
 * ```ts
 * parseTaskList('class,group=datasets/tasks/fashion-groups.csv');
 * // [{ name: 'class', from: 'labels' }, { name: 'group', from: 'map', path: 'datasets/tasks/fashion-groups.csv' }]
 * ```
 */
export function parseTaskList(spec: string): TaskSource[] {
  const bad = (message: string) =>
    new TransferkitError('BAD_OPTION', message, {
      where: '--tasks',
      hint: 'Write e.g. --tasks class,group=datasets/tasks/fashion-groups.csv: the first task is the data\'s own labels, each other is NAME=MAPPING.csv or NAME=column:COLUMN.',
    });
  const entries = spec.split(',').map((s) => s.trim());
  const out: TaskSource[] = [];
  for (const entry of entries) {
    if (entry === '') throw bad(`The task list "${spec}" has an empty entry`);
    const eq = entry.indexOf('=');
    const name = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    if (!TASK_NAME.test(name)) throw bad(`Task name "${name}" is not a name: use letters, digits, _ and - (starting with a letter, at most 40)`);
    if (out.some((t) => t.name === name)) throw bad(`Task "${name}" is named twice in "${spec}"`);
    if (eq < 0) {
      out.push({ name, from: 'labels' });
      continue;
    }
    const value = entry.slice(eq + 1).trim();
    if (value === '') throw bad(`Task "${name}" has nothing after "="`);
    if (value.startsWith('column:')) {
      const column = value.slice('column:'.length);
      if (column === '') throw bad(`Task "${name}" names no column after "column:"`);
      out.push({ name, from: 'column', column });
    } else {
      out.push({ name, from: 'map', path: value });
    }
  }
  const own = out.filter((t) => t.from === 'labels');
  if (own.length !== 1) throw bad(own.length === 0 ? `No task in "${spec}" uses the data's own labels` : `${own.length} tasks (${own.map((t) => t.name).join(', ')}) claim the data's own labels; only one can`);
  if (out.length < 2) throw bad(`"${spec}" names one task; multi-task learning needs at least two`);
  return out;
}

/**
 * Parses a class → group mapping: CSV text with a header row and two columns, the class (as
 * the dataset names it) and its group. Blank lines are skipped; cells are trimmed.
 *
 * @throws TransferkitError `BAD_CSV` (not two columns, an empty cell, a class listed twice
 *   with different groups), `EMPTY_DATA` (no rows).
 * @example
 * ```ts
 * parseGroupMap('class,group\nSandal,footwear\nSneaker,footwear\n', 'groups.csv').get('Sandal'); // 'footwear'
 * ```
 */
export function parseGroupMap(text: string, path: string): Map<string, string> {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as string[][];
  } catch (err) {
    throw new TransferkitError('BAD_CSV', `The task mapping ${path} is not valid CSV: ${(err as Error).message}`, { where: path, hint: 'Write one "class,group" pair per line after a header row.', cause: err });
  }
  if (rows.length < 2) throw new TransferkitError('EMPTY_DATA', `The task mapping ${path} has no rows after its header`, { where: path, hint: 'Add one "class,group" line per class of the data.' });
  const map = new Map<string, string>();
  rows.slice(1).forEach((r, i) => {
    const line = `${path}, row ${i + 2}`;
    if (r.length !== 2) throw new TransferkitError('BAD_CSV', `Row ${i + 2} of the task mapping has ${r.length} fields; a mapping has two (class, group)`, { where: line, hint: 'Quote class names that hold a comma, e.g. "Shirt, long",tops.' });
    const [cls, group] = r;
    if (cls === '' || group === '') throw new TransferkitError('BAD_CSV', `Row ${i + 2} of the task mapping has an empty ${cls === '' ? 'class' : 'group'}`, { where: line, hint: 'Every row names a class and its group.' });
    const before = map.get(cls);
    if (before !== undefined && before !== group) throw new TransferkitError('BAD_CSV', `Class "${cls}" is mapped twice, to "${before}" and "${group}"`, { where: line, hint: 'Map each class to one group.' });
    map.set(cls, group);
  });
  return map;
}

/**
 * Derives a task from the dataset's labels through a class → group mapping. Every class the
 * data uses must be mapped; the task's classes are the groups in natural order.
 *
 * @throws TransferkitError `UNKNOWN_LABEL` naming every class of the data the mapping lacks.
 * @example
 * ```ts
 * const parity = deriveTask('parity', ['0', '1', '2'], labels, new Map([['0', 'even'], ['1', 'odd'], ['2', 'even']]), 'parity.csv');
 * ```
 */
export function deriveTask(name: string, classes: string[], labels: Int32Array, map: Map<string, string>, where: string): Task {
  const used = new Set<number>();
  for (const l of labels) if (l >= 0) used.add(l);
  const missing = [...used].sort((a, b) => a - b).map((l) => classes[l]).filter((c) => !map.has(c));
  if (missing.length > 0) {
    const near = [...map.keys()].filter((k) => missing.some((m) => k.toLowerCase() === m.toLowerCase()));
    throw new TransferkitError('UNKNOWN_LABEL', `The mapping for task "${name}" does not map class${missing.length === 1 ? '' : 'es'} ${missing.map((m) => JSON.stringify(m)).join(', ')} of the data`, {
      where,
      hint: `Add a line "${missing[0]},<group>" for ${missing.length === 1 ? 'it' : 'each'}${near.length ? ` (the file has ${near.map((n) => JSON.stringify(n)).join(', ')}: names must match exactly)` : ''}.`,
    });
  }
  const groups = sortClasses(new Set([...used].map((l) => map.get(classes[l])!)));
  const index = new Map(groups.map((g, i) => [g, i]));
  const out = Int32Array.from(labels, (l) => (l < 0 ? -1 : index.get(map.get(classes[l])!)!));
  return { name, classes: groups, labels: out };
}

/**
 * Reads a mapping file and derives the task (see {@link parseGroupMap}, {@link deriveTask}).
 *
 * @throws TransferkitError `FILE_NOT_FOUND` when the file does not exist, and those of the two above.
 * @example
 * ```ts
 * const group = await taskFromMapFile('group', 'datasets/tasks/fashion-groups.csv', ds.classes, ds.labels);
 * ```
 */
export async function taskFromMapFile(name: string, path: string, classes: string[], labels: Int32Array): Promise<Task> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TransferkitError('FILE_NOT_FOUND', `The mapping file ${path} of task "${name}" cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
      where: path,
      hint: 'Pass the path of a CSV with a "class,group" header, e.g. datasets/tasks/fashion-groups.csv.',
      cause: err,
    });
  }
  return deriveTask(name, classes, labels, parseGroupMap(text, path), path);
}

/**
 * Keeps the examples at `indices` of every task, in that order.
 *
 * @example
 * ```ts
 * const trainTasks = subsetTasks(tasks, split.indices.train);
 * ```
 */
export function subsetTasks(tasks: readonly Task[], indices: ArrayLike<number>): Task[] {
  return tasks.map((t) => ({ ...t, labels: Int32Array.from({ length: indices.length }, (_, i) => t.labels[indices[i]]) }));
}

/**
 * Resolves task names given by a user (e.g. `--weights` keys) to their index, or fails naming the known tasks.
 *
 * @throws TransferkitError `BAD_OPTION` for an unknown task name.
 * @example
 * ```ts
 * taskIndex(tasks, 'group', '--single'); // 1
 * ```
 */
export function taskIndex(tasks: readonly Pick<Task, 'name'>[], name: string, where: string): number {
  const i = tasks.findIndex((t) => t.name === name);
  if (i < 0) throw new TransferkitError('BAD_OPTION', `There is no task "${name}"; the tasks are ${tasks.map((t) => t.name).join(', ')}`, { where, hint: `Use one of: ${tasks.map((t) => t.name).join(', ')}.` });
  return i;
}
