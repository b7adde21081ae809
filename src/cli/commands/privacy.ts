import type { Command } from 'commander';
import { membershipRisk } from '../../privacy/membership.ts';
import { writeJsonAtomic } from '../../util/atomic.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { positiveInt, wholeNumber } from '../parsers.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { imputeOption, labelOption } from '../data-options.ts';

interface PrivacyFlags {
  model: string;
  members?: string;
  nonMembers?: string;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  maxRows?: number;
  seed?: number;
  out?: string;
  backend?: string;
  json?: boolean;
}

/** `transferkit privacy`: membership-inference risk of a trained model. */
export function registerPrivacy(program: Command): void {
  withCommonOptions(program.command('privacy'))
    .description('membership-inference risk: how well an attacker with the model tells its training examples from held-out ones (loss-threshold and likelihood-ratio attacks: ROC AUC, advantage, TPR at 1% FPR, and what it means)')
    .requiredOption('--model <path>', MODEL_REF_FORMS)
    .option('--members <data>', 'the data the model trained on (default for a run folder: its training rows, rebuilt from config.json)')
    .option('--non-members <data>', 'data of the same kind the model never trained on (default for a run folder: its validation split, or the rows --per-class left out)')
    .addOption(labelOption())
    .addOption(imputeOption())
    .option('--max-rows <n>', 'use at most n examples of each side (seeded; default 5000)', positiveInt)
    .option('--seed <n>', 'seed of the subsets (default 0)', wholeNumber)
    .option('--out <file>', 'also write the result as JSON (atomically); as privacy.json in the run folder, `transferkit card` includes it')
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit privacy --model runs/penguins
  $ transferkit privacy --model runs/penguins --out runs/penguins/privacy.json && transferkit card runs/penguins
  $ transferkit privacy --model runs/spam --members train.jsonl --non-members heldout.jsonl
  $ transferkit privacy --model model/ --members train.csv --non-members test.csv --label species --json

Members and non-members must come from the same distribution (e.g. a random split of one
dataset): otherwise the attacks measure the difference between the two sets, not what the
model memorised. AUC 0.5 means no measurable leak; 0.6 some; above 0.7 high.`,
    )
    .action((flags: PrivacyFlags) =>
      runCommand(flags, async () => {
        await startEngine(flags.backend);
        const r = await membershipRisk({ model: flags.model, members: flags.members, nonMembers: flags.nonMembers, label: flags.label, impute: flags.impute, maxRows: flags.maxRows, seed: flags.seed });
        const attacks = [r.attacks.loss, r.attacks.likelihood];
        const text = [
          `${r.model}: membership-inference risk`,
          `${r.source}`,
          `members ${r.members.n} (accuracy ${fmt(r.members.accuracy)}, mean loss ${fmt(r.members.meanLoss)}); non-members ${r.nonMembers.n} (accuracy ${fmt(r.nonMembers.accuracy)}, mean loss ${fmt(r.nonMembers.meanLoss)})`,
          '',
          table(
            ['attack', 'AUC', 'advantage', 'balanced acc', `TPR @ ${fmt(r.attacks.loss.lowFpr, 2)} FPR`, 'reading'],
            attacks.map((a, i) => [i === 0 ? 'loss threshold' : 'likelihood ratio', fmt(a.auc), fmt(a.advantage), fmt(a.balancedAccuracy), fmt(a.tprAtLowFpr), a.reading.level]),
          ),
          '',
          r.reading.text,
          ...(flags.out ? [`written to ${flags.out}`] : []),
        ].join('\n');
        if (flags.out) await writeJsonAtomic(flags.out, r);
        return { json: r, text };
      }),
    );
}
