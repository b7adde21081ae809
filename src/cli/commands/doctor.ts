import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { listBuiltinDatasets } from '../../data/builtins.ts';
import { listZooModels } from '../../models/zoo.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { runCommand } from '../output.ts';

/** `transferkit doctor`: what engine runs, which kernels were added, versions, data availability. */
export function registerDoctor(program: Command): void {
  withCommonOptions(program.command('doctor'))
    .description('check the compute engine, registered kernels, versions and offline data')
    .addHelpText('after', '\nExamples:\n  $ transferkit doctor\n  $ transferkit doctor --backend cpu --json')
    .action((opts: { backend?: string; json?: boolean }) =>
      runCommand(opts, async () => {
        const engine = await startEngine(opts.backend);
        // a tiny matmul proves the backend computes
        const check = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0]);
        const datasets = listBuiltinDatasets();
        const models = listZooModels();
        const json = {
          engine: { ...engine, selfTest: check === 11 ? 'ok' : `failed (1·3 + 2·4 gave ${check})` },
          node: process.version,
          datasets: datasets.map((d) => ({ name: d.name, available: d.available, hint: d.hint })),
          models: models.map((m) => ({ name: m.name, available: m.available })),
        };
        const lines = [
          `backend:     ${engine.backend}${engine.fallbackReason ? ` (fell back: ${engine.fallbackReason})` : ''}`,
          `self-test:   ${json.engine.selfTest}`,
          `kernels:     ${engine.kernelsRegistered.length ? engine.kernelsRegistered.join(', ') : 'none added'}`,
          `tfjs:        ${engine.tfjsVersion}`,
          `node:        ${process.version}`,
          `datasets:    ${datasets.filter((d) => d.available).length}/${datasets.length} available`,
          ...datasets.filter((d) => !d.available).map((d) => `  - ${d.name}: ${d.hint ?? 'not available'}`),
          `models:      ${models.map((m) => m.name).join(', ') || 'none'}`,
        ];
        return { json, text: lines.join('\n') };
      }),
    );
}
