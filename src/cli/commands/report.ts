import type { Command } from 'commander';
import { MAX_LOCAL_ROWS, writeRunReport } from '../../report/index.ts';
import { labelOption } from '../data-options.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { runCommand } from '../output.ts';
import { positiveInt } from '../parsers.ts';
import { createProgress } from '../progress.ts';
import { settingOption } from '../settings-option.ts';

interface ReportFlags {
  out?: string;
  data?: string;
  local?: number;
  shift?: boolean;
  label?: string;
  seed?: number;
  backend?: string;
  json?: boolean;
}

/** `transferkit report <run>`: one self-contained HTML report of a fit or adapt run. */
export function registerReport(program: Command): void {
  withCommonOptions(program.command('report <run>'))
    .description('write a self-contained HTML report of a fit or adapt run: configuration, data, loss curves, metrics with 95% intervals, verdict, shift, confusion matrix, ROC/PR, reliability, model card (one file, inline SVG charts, no network)')
    .option('--out <file>', 'HTML file to write (default: <run>/report.html)')
    .option('--data <data>', 'tabular models: data to explain the model on (adds Shapley values, permutation importance when labelled, and their quality checks)')
    .option('--local <n>', `rows of --data explained one by one (default 3, at most ${MAX_LOCAL_ROWS})`, positiveInt)
    .option('--shift', 'adapt runs: diagnose the shift between the source and target data config.json names again, for the projection and per-column drift charts')
    .addOption(labelOption('label column of CSV --data (default: the one the model was trained with, when the data has it)'))
    .addOption(settingOption('seed', { help: 'seed of the explanations\' samples' }))
    .addHelpText(
      'after',
      `
Without --data the report reads only the run folder (config.json, metrics.json, history.jsonl, model/transferkit.json,
and when present predictions.jsonl, model_card.json, audit.json, privacy.json, curve.json, advice.json);
each section appears only when the run has its data. ROC / precision-recall and the reliability
diagram need labelled stored predictions: \`transferkit predict --model <run> --data <labelled data>
--out <run>/predictions.jsonl\`. With --data (tabular models) it also explains the model: Shapley
values of up to 100 rows of the data (a summary, and --local rows one by one), permutation
importance when the data is labelled, and how good those explanations are (infidelity,
max-sensitivity, deletion / insertion). With --shift (adapt runs) it diagnoses the shift between
the recorded source and target data again (at most 2,000 rows of each) for the projection and drift
charts. The file loads nothing from the network, prints on paper,
and reads on a phone.

With --json, stdout is one object: {path, sections, charts, bytes}.

Examples:
  $ transferkit report runs/iris
  $ transferkit report runs/spam --out reports/spam.html
  $ transferkit report runs/penguins --data builtin:penguins --local 5
  $ transferkit report runs/spam-adapted --shift
  $ transferkit report runs/mnist --json`,
    )
    .action((run: string, flags: ReportFlags) =>
      runCommand(flags, async () => {
        const progress = createProgress();
        let written;
        try {
          if (flags.data !== undefined || flags.shift) await startEngine(flags.backend);
          written = await writeRunReport(run, { out: flags.out, data: flags.data, rows: flags.local, label: flags.label, seed: flags.seed, shift: flags.shift, onProgress: (m) => progress.log(m) });
        } finally {
          progress.stop();
        }
        const text = [
          `report of run ${run}: ${written.sections.length} sections (${written.sections.join(', ')}), ${written.charts} chart${written.charts === 1 ? '' : 's'}`,
          `wrote ${written.path} (${(written.bytes / 1024).toFixed(1)} KiB)`,
        ].join('\n');
        return { json: written, text };
      }),
    );
}
