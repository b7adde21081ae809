import { Command } from 'commander';
import { registerAdapt } from './commands/adapt.ts';
import { registerAdvise } from './commands/advise.ts';
import { registerCompare } from './commands/compare.ts';
import { registerCurve } from './commands/curve.ts';
import { registerRank } from './commands/rank.ts';
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
import { registerShift } from './commands/shift.ts';

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

for (const register of [registerDoctor, registerDatasets, registerModels, registerInspect, registerConvert, registerFit, registerEvaluate, registerPredict, registerExplain, registerShift, registerAdapt, registerDemo, registerAdvise, registerRank, registerCurve, registerCompare]) {
  register(program);
}

await program.parseAsync(process.argv);
