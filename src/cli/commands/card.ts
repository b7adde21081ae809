import type { Command } from 'commander';
import { writeRunCard } from '../../report/index.ts';
import { fmt, runCommand } from '../output.ts';

interface CardFlags {
  out?: string;
  intendedUse?: string;
  outOfScope?: string;
  name?: string;
  modelVersion?: string;
  licence?: string;
  citation?: string;
  contact?: string;
  json?: boolean;
}

/** `transferkit card <run>`: write the model card of a fit or adapt run (Markdown and JSON). */
export function registerCard(program: Command): void {
  program
    .command('card <run>')
    .description('write the model card of a fit or adapt run: MODEL_CARD.md and model_card.json (Mitchell et al. 2019 sections, metrics with 95% intervals, group audit and privacy check when present)')
    .option('--out <dir>', 'folder to write MODEL_CARD.md and model_card.json into (default: the run folder)')
    .option('--intended-use <text>', 'primary intended uses (default: "not stated by the author")')
    .option('--out-of-scope <text>', 'uses the model is not meant for (default: "not stated by the author")')
    .option('--name <text>', 'model name (default: the run folder name)')
    .option('--model-version <text>', 'model version')
    .option('--licence <text>', 'licence of the model')
    .option('--citation <text>', 'how to cite the model')
    .option('--contact <text>', 'whom to contact about the model')
    .option('--json', 'print exactly one JSON object on stdout (the card and the files written)')
    .addHelpText(
      'after',
      `
The card reads the run's config.json and metrics.json (and model/transferkit.json, the base
model's zoo card, curve.json of a compare experiment, advice.json); audit.json and privacy.json
in the run folder add the group audit and the membership-inference check, and predictions.jsonl
(labelled, from \`transferkit predict --out\`) bootstrap intervals for every metric. Facts the
run does not record are written as "unknown (…)", never guessed.

Examples:
  $ transferkit card runs/iris
  $ transferkit card runs/spam --intended-use "filtering a team inbox" --out-of-scope "legal holds" --contact ml@example.org
  $ transferkit card runs/mnist --out cards/mnist --json`,
    )
    .action((run: string, flags: CardFlags) =>
      runCommand(flags, async () => {
        const { card, files } = await writeRunCard(run, {
          out: flags.out,
          name: flags.name,
          version: flags.modelVersion,
          intendedUse: flags.intendedUse,
          outOfScope: flags.outOfScope,
          licence: flags.licence,
          citation: flags.citation,
          contact: flags.contact,
        });
        const accuracy = card.metrics.measures.find((m) => m.name === 'accuracy');
        const q = card.quantitativeAnalyses;
        const text = [
          `model card of ${card.run.kind} run ${run}: ${card.modelDetails.type}`,
          `accuracy ${fmt(accuracy?.value)} (95% interval ${fmt(accuracy?.low)}–${fmt(accuracy?.high)}) on the ${card.metrics.evaluatedOn}`,
          `sections: group audit ${q.groups ? 'included' : 'none'}, privacy check ${card.ethicalConsiderations.privacy ? 'included' : 'none'}, shift ${q.shift ? 'included' : 'none'}, verdict ${q.verdict ? q.verdict.kind : 'none'}`,
          `${plural(card.caveatsAndRecommendations.caveats.length, 'caveat')}, ${plural(card.caveatsAndRecommendations.recommendations.length, 'recommendation')} (see the card)`,
          `wrote ${files.markdown}`,
          `wrote ${files.json}`,
        ].join('\n');
        return { json: { files, card }, text };
      }),
    );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
