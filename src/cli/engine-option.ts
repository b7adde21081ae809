import { Option, type Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { initEngine, type BackendName, type EngineInfo } from '../engine/backend.ts';

/**
 * Adds `--backend`, `--engine` and `--json` to a command. `--engine` is applied by the
 * program's `preAction` hook (`applyEngineOption`), before the command's action runs.
 *
 * @example
 * ```ts
 * withCommonOptions(program.command('fit'));
 * ```
 */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--backend <name>', 'compute backend (default: tensorflow if installed, else wasm, else cpu; or env TRANSFERKIT_BACKEND)').choices([
        'auto',
        'tensorflow',
        'wasm',
        'cpu',
      ]),
    )
    .addOption(
      new Option('--engine <name>', 'training engine: onnx (compiled training step on onnxruntime, ~10× faster; falls back to tfjs for models it cannot train unless asked for explicitly) or tfjs (default: onnx; or env TRANSFERKIT_ENGINE)').choices([
        'onnx',
        'tfjs',
      ]),
    )
    .option('--json', 'print exactly one JSON object on stdout');
}

/**
 * Starts the compute engine for a command, with TensorFlow.js's console chatter silenced.
 *
 * @example
 * ```ts
 * const info = await startEngine(opts.backend);
 * ```
 */
export async function startEngine(backend?: string): Promise<EngineInfo> {
  tf.env().set('PROD', true);
  return initEngine({ backend: backend as BackendName | 'auto' | undefined });
}
