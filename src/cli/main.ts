import { Command } from 'commander';
import { registerConvert } from './commands/convert.ts';
import { registerDatasets } from './commands/datasets.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerEvaluate } from './commands/evaluate.ts';
import { registerExplain } from './commands/explain.ts';
import { registerFit } from './commands/fit.ts';
import { registerInspect } from './commands/inspect.ts';
import { registerModels } from './commands/models.ts';
import { registerPredict } from './commands/predict.ts';

const program = new Command('transferkit')
  .description('Transfer learning and model explainability, offline on CPU.')
  .version('0.1.0')
  .showHelpAfterError('(add --help for usage and examples)')
  .addHelpText(
    'after',
    `
Examples:
  $ transferkit demo                       transfer fashion-cnn to MNIST digits, 10 per class
  $ transferkit fit --base fashion-cnn --train builtin:mnist --per-class 10 --strategy finetune --out runs/mnist
  $ transferkit evaluate --model runs/mnist --data builtin:mnist --json`,
  );

for (const register of [registerDoctor, registerDatasets, registerModels, registerInspect, registerConvert, registerFit, registerEvaluate, registerPredict, registerExplain, registerDemo]) {
  register(program);
}

await program.parseAsync(process.argv);
