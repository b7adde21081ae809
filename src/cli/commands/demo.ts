import type { Command } from 'commander';
import { runDemo } from '../../choose/demo.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { positiveInt } from '../parsers.ts';
import { createProgress } from '../progress.ts';

/** `transferkit demo`: fashion-cnn → MNIST with 10 digits per class, scratch vs extract vs finetune. */
export function registerDemo(program: Command): void {
  withCommonOptions(program.command('demo'))
    .description('transfer the built-in fashion-cnn to MNIST digits with 10 labels per class; compare scratch, extract and finetune over 3 seeds')
    .option('--out <dir>', 'run folder (default: runs/demo-<time>)')
    .option('--seeds <n>', 'number of seeds (default 3)', positiveInt)
    .option('--per-class <n>', 'labelled digits per class (default 10)', positiveInt)
    .option('--threads <n>', 'training runs side by side, one worker thread each (default: one per core; 1 = one after the other, with a progress bar)', positiveInt)
    .addHelpText('after', '\nExamples:\n  $ transferkit demo\n  $ transferkit demo --json --out runs/demo\n  $ transferkit demo --threads 1 --seeds 1')
    .action((opts: { out?: string; seeds?: number; perClass?: number; threads?: number; backend?: string; json?: boolean }) =>
      runCommand(opts, async () => {
        const engine = await startEngine(opts.backend);
        const progress = createProgress();
        const out = opts.out ?? `runs/demo-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}`;
        progress.log(`transferring fashion-cnn → MNIST digits on the ${engine.backend} backend; runs in ${out}`);
        let res;
        try {
          res = await runDemo({
            out,
            seeds: opts.seeds,
            perClass: opts.perClass,
            threads: opts.threads,
            onRun: (e) => e.accuracy !== undefined && progress.log(`  ${e.strategy.padEnd(8)} seed ${e.seed}: test accuracy ${fmt(e.accuracy)} (${e.seconds!.toFixed(1)} s)`),
            callbacks: { onStep: (phase, d, t) => progress.update(phase, d, t) },
          });
        } finally {
          progress.stop();
        }
        const text = [
          `fashion-cnn → MNIST, ${res.perClass} labelled digits per class, ${res.seeds.length} seeds, test set of ${res.testSize} digits`,
          '',
          table(
            ['strategy', 'accuracy', '± std', 'macro F1', 'seconds'],
            res.results.map((r) => [r.strategy, fmt(r.accuracy), fmt(r.accuracyStd), fmt(r.macroF1), r.seconds.toFixed(1)]),
          ),
          '',
          `verdict: ${res.verdict.text}`,
          `total ${res.seconds.toFixed(0)} s; runs in ${res.out}`,
        ].join('\n');
        return { json: res, text };
      }),
    );
}
