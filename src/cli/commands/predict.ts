import type { Command } from 'commander';
import { predictDataset } from '../../evaluate/predict.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { positiveInt } from '../parsers.ts';

/** `transferkit predict`: classify every example of a dataset. */
export function registerPredict(program: Command): void {
  withCommonOptions(program.command('predict'))
    .description('predict the class of every example (labels in the data are optional)')
    .requiredOption('--model <path>', 'run folder, model folder, model.json or zoo name')
    .requiredOption('--data <data>', 'builtin:NAME, .csv, .jsonl, idx file or image folder')
    .option('--label <column>', 'label column of CSV data, if it has one')
    .option('--out <file>', 'also write the predictions as JSON lines to this file')
    .option('--limit <n>', 'rows to show in the text output (default 20)', positiveInt)
    .addHelpText('after', '\nExamples:\n  $ transferkit predict --model runs/mnist --data my-digits/\n  $ transferkit predict --model runs/spam --data inbox.jsonl --out predictions.jsonl --json')
    .action((opts: { model: string; data: string; label?: string; out?: string; limit?: number; backend?: string; json?: boolean }) =>
      runCommand(opts, async () => {
        await startEngine(opts.backend);
        const res = await predictDataset(opts);
        if (opts.out) await writeFileAtomic(opts.out, res.predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
        const shown = res.predictions.slice(0, opts.limit ?? 20);
        const text = [
          table(
            ['row', 'predicted', 'confidence', 'actual'],
            shown.map((p) => [String(p.index), p.label, fmt(p.confidence), p.actual ?? '']),
          ),
          res.predictions.length > shown.length ? `… ${res.predictions.length - shown.length} more${opts.out ? ` in ${opts.out}` : ' (use --out or --json for all)'}` : '',
        ].join('\n');
        return { json: res, text };
      }),
    );
}
