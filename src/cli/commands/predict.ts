import { basename, dirname, extname } from 'node:path';
import { Option, type Command } from 'commander';
import { patternToRegExp } from '../../data/new-data.ts';
import { TransferkitError } from '../../errors.ts';
import { predictDataset, predictionsCsv, predictionsJsonl } from '../../models/predict.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { fmt, runCommand, table } from '../output.ts';
import { positiveInt } from '../parsers.ts';
import { cliWording } from '../wording.ts';
import { imputeOption, labelOption } from '../data-options.ts';
import { isSameFile } from '../../util/same-file.ts';

interface PredictFlags {
  model: string;
  data: string;
  label?: string;
  id?: string;
  impute?: 'none' | 'mean' | 'drop';
  out?: string;
  limit?: number;
  backend?: string;
  json?: boolean;
}

/** `transferkit predict`: classify every example of a dataset. */
export function registerPredict(program: Command): void {
  withCommonOptions(program.command('predict'))
    .description('predict the class of every example (labels in the data are optional)')
    .requiredOption('--model <path>', MODEL_REF_FORMS)
    .requiredOption(
      '--data <data>',
      "builtin:NAME, .csv, .jsonl, idx file, image folder (flat, or one subfolder per class), one image, a quoted pattern such as 'photos/*.png', or - (standard input: CSV or JSON lines)",
    )
    .addOption(labelOption('label column (CSV) or field (JSONL) holding the true class (default: the one the model was trained with, when the data has it)'))
    .option('--id <column>', 'id column (CSV) or field (JSONL) that names each row in the output (default: one named "id", when present)')
    .addOption(imputeOption('missing CSV values: none (error), mean (the training means saved with the model), drop (skip those rows)'))
    .option('--out <file>', 'also write every prediction to this file: CSV for .csv (id, predicted, confidence, p_<class>…, actual), JSON lines otherwise')
    .option('--limit <n>', 'rows to show in the text output (default 20)', positiveInt)
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit predict --model runs/penguins --data new-penguins.csv --out predictions.csv
      (a CSV without the label column: the columns the model was trained on are enough)
  $ transferkit predict --model runs/mnist --data my-digits/
      (a flat folder of images, or one subfolder per class to also get the true class)
  $ transferkit predict --model runs/mnist --data photo.png
  $ transferkit predict --model runs/mnist --data 'scans/*.png' --out predictions.jsonl
  $ cat new-penguins.csv | transferkit predict --model runs/penguins --data - --json
  $ transferkit predict --model runs/penguins --data new-penguins.csv --impute mean --id tag
  $ transferkit predict --model runs/spam --data inbox.jsonl --out predictions.jsonl --json`,
    )
    .action((opts: PredictFlags) =>
      runCommand(opts, async () => {
        if (opts.out !== undefined) checkOut(opts.out, opts.data);
        await startEngine(opts.backend);
        const res = await predictDataset({ model: opts.model, data: opts.data, label: opts.label, id: opts.id, impute: opts.impute });
        if (opts.out) await writeFileAtomic(opts.out, extname(opts.out).toLowerCase() === '.csv' ? predictionsCsv(res) : predictionsJsonl(res));
        const shown = res.predictions.slice(0, opts.limit ?? 20);
        const labelled = res.predictions.some((p) => p.actual !== undefined);
        const idHeader = res.idColumn ?? (res.predictions.some((p) => typeof p.id === 'string') ? 'file' : 'row');
        const text = [
          ...res.warnings.map((w) => `warning: ${cliWording(w)}`),
          res.dropped > 0 ? `${res.dropped} row${res.dropped === 1 ? '' : 's'} with missing values skipped (--impute drop)` : '',
          table(
            [idHeader, 'predicted', 'confidence', ...(labelled ? ['actual'] : [])],
            shown.map((p) => [String(p.id), p.label, fmt(p.confidence), ...(labelled ? [p.actual ?? ''] : [])]),
          ),
          res.predictions.length > shown.length ? `… ${res.predictions.length - shown.length} more${opts.out ? ` in ${opts.out}` : ' (use --out or --json for all)'}` : '',
          opts.out ? `${res.predictions.length} prediction${res.predictions.length === 1 ? '' : 's'} written to ${opts.out}` : '',
        ]
          .filter(Boolean)
          .join('\n');
        return { json: opts.out ? { ...res, out: opts.out } : res, text };
      }),
    );
}

/** Refuses an output file that is the input data (writing it would destroy the input). */
function checkOut(out: string, data: string): void {
  if (data === '-' || data.startsWith('builtin:')) return;
  // a pattern such as photos/*.png: the output must not be one of the files it matches
  const matched = /[*?]/.test(basename(data)) && isSameFile(dirname(out), dirname(data)) && patternToRegExp(basename(data)).test(basename(out));
  if (isSameFile(out, data) || matched) {
    throw new TransferkitError('OUT_IS_INPUT', `--out ${out} is ${matched ? 'one of the input files' : 'the input data file'}, which writing the predictions would overwrite`, {
      where: out,
      hint: 'Write the predictions to another file, e.g. --out predictions.csv.',
    });
  }
}
