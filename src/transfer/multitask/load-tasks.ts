/**
 * Loading a dataset together with the labels of every task a `--tasks` list names.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import { readCsv, type Impute } from '../../data/csv.ts';
import type { Dataset } from '../../data/dataset.ts';
import { requireFile } from '../../data/files.ts';
import { loadDataset } from '../../data/load.ts';
import { parseTaskList, taskFromMapFile, type Task, type TaskSource } from './tasks.ts';

/** A dataset and its tasks (the first is the one the dataset's own labels give). */
export interface TaskData {
  ds: Dataset;
  tasks: Task[];
}

/**
 * Loads `data` and builds every task of `tasks` (a `--tasks` string or parsed sources). A
 * `NAME=column:COL` task reads another label column of the same CSV; that column is then not a
 * feature. The task using the data's own labels comes first in the result, the others in the
 * order given.
 *
 * @throws TransferkitError those of {@link parseTaskList}, `loadDataset` and the mapping parser;
 *   `MISSING_COLUMN` for a task column the CSV lacks; `BAD_OPTION` for a column task on data that is not CSV.
 * @example
 * ```ts
 * const { ds, tasks } = await loadTaskData('builtin:fashion-mnist-test', 'class,group=datasets/tasks/fashion-groups.csv');
 * ```
 */
export async function loadTaskData(data: string | Dataset, tasks: string | TaskSource[], opts: { label?: string; impute?: Impute } = {}): Promise<TaskData> {
  const sources = typeof tasks === 'string' ? parseTaskList(tasks) : tasks;
  const own = sources.find((s) => s.from === 'labels')!;
  const columns = sources.filter((s): s is Extract<TaskSource, { from: 'column' }> => s.from === 'column');
  let ds: Dataset;
  const fromColumns = new Map<string, Task>();
  if (columns.length > 0) {
    if (typeof data !== 'string' || extname(data).toLowerCase() !== '.csv') {
      throw new TransferkitError('BAD_OPTION', `Task "${columns[0].name}" reads a label column, which only CSV data has`, { where: '--tasks', hint: 'For other data, derive the task from the classes with NAME=MAPPING.csv.' });
    }
    if (opts.label === undefined) throw new TransferkitError('MISSING_OPTION', `Loading the CSV ${data} needs the name of its label column`, { where: data, hint: `Pass --label with the column of task "${own.name}".` });
    await requireFile(data, 'CSV file');
    const buf = await readFile(data);
    const header = readCsv(buf, data, { label: opts.label, impute: opts.impute }).header;
    for (const c of columns) {
      if (!header.includes(c.column)) {
        throw new TransferkitError('MISSING_COLUMN', `Task "${c.name}" reads column "${c.column}", which ${data} does not have`, { where: data, hint: `Columns: ${header.join(', ')}.` });
      }
    }
    const features = header.filter((h) => h !== opts.label && !columns.some((c) => c.column === h));
    ds = readCsv(buf, data, { label: opts.label, impute: opts.impute, columns: features }).ds;
    for (const c of columns) {
      const other = readCsv(buf, data, { label: c.column, impute: opts.impute, columns: features }).ds;
      if (other.size !== ds.size) {
        throw new TransferkitError('SHAPE_MISMATCH', `Task "${c.name}" keeps ${other.size} rows of ${data} but task "${own.name}" keeps ${ds.size}`, { where: data, hint: 'Use impute mean (or none) so every task keeps the same rows.' });
      }
      fromColumns.set(c.name, { name: c.name, classes: other.classes, labels: other.labels });
    }
  } else {
    ds = typeof data === 'string' ? await loadDataset(data, { label: opts.label, impute: opts.impute }) : data;
  }
  const out: Task[] = [{ name: own.name, classes: ds.classes, labels: ds.labels }];
  for (const s of sources) {
    if (s.from === 'map') out.push(await taskFromMapFile(s.name, s.path, ds.classes, ds.labels));
    else if (s.from === 'column') out.push(fromColumns.get(s.name)!);
  }
  return { ds, tasks: out };
}
