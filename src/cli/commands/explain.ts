import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import type { Impute } from '../../data/csv.ts';
import type { Dataset } from '../../data/dataset.ts';
import { loadDataset } from '../../data/load.ts';
import { loadDataForPrediction } from '../../models/predict.ts';
import { recordedEncoder } from '../../models/text/encoder-features.ts';
import { loadTrainedModel, type TrainedModel } from '../../models/trained-model.ts';
import { explain, EXPLAIN_METHODS, type ExplainMethodName } from '../../explain/model/explain.ts';
import { methodFor, methodHelp } from '../../explain/model/registry.ts';
import type { Explanation } from '../../explain/model/explanation.ts';
import { TransferkitError } from '../../errors.ts';
import type { Audience } from '../../explain/narrative/types.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { fmt, runCommand, table } from '../output.ts';
import { positiveInt, wholeNumber } from '../parsers.ts';
import { cliWording } from '../wording.ts';
import { settingOption } from '../settings-option.ts';
import { imputeOption, labelOption } from '../data-options.ts';
import { checkPlotFlags, plotLine, withPlotOptions, writeImagePlots, writePlots, type PlotFlags } from '../plot-option.ts';
import { explanationCharts, imageOverlays } from '../../report/charts/index.ts';

interface ExplainFlags extends PlotFlags {
  model: string;
  data: string;
  method: ExplainMethodName;
  layer?: string;
  steps?: number;
  out?: string;
  rows?: string;
  background?: string;
  backgroundSize?: number;
  class?: string;
  link?: 'identity' | 'logit';
  label?: string;
  impute?: Impute;
  feature?: string;
  nsamples?: number;
  repeats?: number;
  seed?: number;
  audience?: Audience;
  immutable?: string;
  range?: string[];
  count?: number;
  backend?: string;
  json?: boolean;
}

/** `transferkit explain`: why a model decided as it did (local), how it works (global). */
export function registerExplain(program: Command): void {
  withPlotOptions(withCommonOptions(program.command('explain')), 'the explanation (SHAP beeswarm and waterfalls, importance with intervals, PD/ICE, LIME weights, counterfactuals against the row, or image heatmaps drawn over the image)', true)
    .description('explain a trained model: Shapley values, LIME, permutation importance, partial dependence')
    .requiredOption('--model <path>', 'run folder, model folder or zoo name')
    .requiredOption('--data <data>', 'data holding the rows to explain')
    .addOption(new Option('--method <name>', `explanation method (${methodHelp()})`).choices([...EXPLAIN_METHODS]).default('shap'))
    .option('--rows <list>', 'rows to explain, 0-based, comma-separated (default 0)')
    .option('--background <data>', 'reference data (default: a sample of the run\'s training data)')
    .option('--background-size <n>', 'background rows kept (default 100)', positiveInt)
    .option('--class <name>', 'class to explain (default: the predicted class)')
    .addOption(new Option('--link <link>', 'explain probabilities or log-odds').choices(['identity', 'logit']))
    .addOption(labelOption('label column of CSV data (default: the one the model was trained with, when the data has it)'))
    .addOption(imputeOption('missing CSV values: none (error), mean (the training means saved with the model), drop (skip those rows; --rows still count every row of the file)'))
    .option('--feature <column>', 'feature for --method pdp')
    .option('--nsamples <n>', 'sampling budget of kernel-shap and lime', positiveInt)
    .option('--repeats <n>', 'repeats of permutation importance (default 10)', positiveInt)
    .addOption(settingOption('seed', { help: 'random seed (same seed, same explanation)' }))
    .addOption(new Option('--audience <who>', 'also tell the explanation in plain words for this audience').choices(['technical', 'business', 'regulatory', 'end-user']))
    .option('--immutable <columns>', 'counterfactuals: comma-separated columns that must not change')
    .option('--range <column=min:max|a|b>', 'counterfactuals: allowed values of a column (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('--count <n>', 'counterfactuals per row (default 3)', positiveInt)
    .option('--layer <name>', 'images: conv layer for gradcam (default: the last conv block)')
    .option('--steps <n>', 'images: integration steps of ig (default 64)', positiveInt)
    .option('--out <dir>', 'images: write a heatmap PNG per row into this folder (row-N-METHOD.png beside the image, row-N-METHOD-overlay.png over it)')
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit explain --model runs/penguins --data builtin:penguins --rows 0,5 --method shap
  $ transferkit explain --model runs/penguins --data builtin:penguins --method permutation --json
  $ transferkit explain --model runs/penguins --data builtin:penguins --method pdp --feature "Body Mass (g)"
  $ transferkit explain --model runs/spam --data inbox.jsonl --method lime --class spam
  $ transferkit explain --model runs/penguins --data builtin:penguins --rows 3 --method counterfactual --immutable Island,Sex --range "Body Mass (g)=3000:5000"
  $ transferkit explain --model runs/penguins --data builtin:penguins --rows 3 --audience end-user
  $ transferkit explain --model runs/penguins --data new-penguins.csv --rows 0 --impute mean
  $ transferkit explain --model runs/mnist --data builtin:mnist --rows 0,1 --method ig --out heatmaps/
  $ transferkit explain --model runs/penguins --data builtin:penguins --rows 0,1,2,3,4,5,6,7 --method shap --plot shap.png --plot-dir shap/
  $ transferkit explain --model runs/mnist --data builtin:mnist --rows 0 --method gradcam --plot gradcam.png`,
    )
    .action((flags: ExplainFlags) =>
      runCommand(flags, async () => {
        await checkPlotFlags(flags);
        await startEngine(flags.backend);
        const input = await explainInputs(flags);
        const e = await explain({
          model: flags.model,
          data: input.data,
          method: flags.method,
          rows: input.rows,
          background: input.background,
          backgroundSize: flags.backgroundSize,
          className: flags.class,
          link: flags.link,
          label: flags.label,
          feature: flags.feature,
          nsamples: flags.nsamples,
          repeats: flags.repeats,
          seed: flags.seed,
          audience: flags.audience,
          immutable: flags.immutable?.split(',').map((c) => c.trim()),
          permittedRanges: parseRanges(flags.range ?? []),
          count: flags.count,
          layer: flags.layer,
          steps: flags.steps,
          out: flags.out,
        });
        const imagePlots = e.kind === 'image' ? await writeImagePlots(flags, () => imageOverlays(e, { model: flags.model, data: input.data }), e.rows.map((r) => r.row)) : [];
        input.renumber(e);
        const plots = e.kind === 'image' ? imagePlots : await writePlots(flags, () => explanationCharts(e));
        const narratives = 'narratives' in e && e.narratives ? e.narratives.map((n) => `\n── row ${n.row}, for a ${n.audience} reader ──\n${n.text}`) : [];
        return { json: plots.length ? { ...e, plots } : e, text: [describe(e), ...narratives].join('\n') + plotLine(plots) };
      }),
    );
}

/**
 * Loads the data to explain (and a background given as a path) as new data for the model:
 * labels optional (the training label column is used when present), the model's columns,
 * `--impute` with the training means. With `--impute drop`, `--rows` name rows of the file,
 * and the explanation's row numbers are turned back into them.
 */
async function explainInputs(flags: ExplainFlags): Promise<{
  data: string | Dataset;
  background?: string | Dataset;
  rows?: number[];
  renumber: (e: Explanation) => void;
}> {
  const asked = flags.rows?.split(',').map((r) => Number(r.trim()));
  const trained = await loadTrainedModel(flags.model);
  trained.model.dispose();
  // an image model's explanation is drawn over the image, as PNG: refuse --plot x.svg before the work
  if (trained.features.kind === 'image' && !recordedEncoder(trained.meta)) await checkPlotFlags(flags, { pngOnly: true });
  // keepTexts: a model on an ONNX text encoder is explained over the words of its texts
  const opts = { label: flags.label, autoId: false, impute: flags.impute, keepTexts: true };
  const input = await loadDataForPrediction(trained, flags.data, opts);
  const needs = methodFor(flags.method, recordedEncoder(trained.meta) ? 'text' : trained.features.kind)?.labels;
  if (needs && input.ds.labels.every((l) => l < 0)) {
    throw new TransferkitError('NO_LABELS', `${needs.why}, so it needs labelled data, and ${input.ds.name} has no labels`, {
      where: input.ds.name,
      hint: `Pass data with the label column (name it with --label <column>)${needs.instead ? `, or ${needs.instead}` : ''}.`,
    });
  }
  let background: string | Dataset | undefined;
  if (flags.background !== undefined) background = (await loadDataForPrediction(trained, flags.background, opts)).ds;
  else background = await recordedBackground(trained);
  if (input.dropped === 0) return { data: input.ds, background, rows: asked, renumber: () => undefined };
  const position = new Map(input.rows.map((r, i) => [r, i]));
  const rows = asked?.map((r) => {
    const i = position.get(r);
    if (i !== undefined) return i;
    if (Number.isInteger(r) && r >= 0 && r <= Math.max(...input.rows)) {
      throw new TransferkitError('ROW_DROPPED', `Row ${r} of ${input.ds.name} has a missing value, so --impute drop skipped it`, {
        where: `${input.ds.name}, row ${r}`,
        hint: 'Pass --impute mean to explain it with the training means filled in, or choose another row.',
      });
    }
    return r + input.ds.size; // past the end: explain reports it
  });
  const renumber = (e: Explanation) => {
    const back = (o: unknown) => {
      if (o && typeof o === 'object' && typeof (o as { row?: unknown }).row === 'number') (o as { row: number }).row = input.rows[(o as { row: number }).row] ?? (o as { row: number }).row;
    };
    const { rows: list, narratives } = e as { rows?: unknown; narratives?: unknown };
    if (Array.isArray(list)) list.forEach(back);
    if (Array.isArray(narratives)) narratives.forEach(back);
  };
  return { data: input.ds, background, rows, renumber };
}

/**
 * The run's training data as the default background when `fit` loaded it with `--impute`
 * (loaded the same way); otherwise undefined, and explain finds the background itself.
 */
async function recordedBackground(trained: TrainedModel): Promise<Dataset | undefined> {
  if (trained.features.kind !== 'tabular' || basename(trained.dir) !== 'model') return undefined;
  const config = join(dirname(trained.dir), 'config.json');
  if (!existsSync(config)) return undefined;
  const cfg = JSON.parse(await readFile(config, 'utf8')) as { train?: unknown; label?: string; impute?: Impute };
  if (typeof cfg.train !== 'string' || cfg.impute === undefined || cfg.impute === 'none') return undefined;
  const ds = await loadDataset(cfg.train, { label: cfg.label, impute: cfg.impute });
  return { ...ds, name: `${cfg.train} (the training data recorded in the run)` };
}

/** Parses `column=min:max` (numeric) or `column=a|b|c` (categories). */
function parseRanges(specs: string[]): Record<string, readonly [number, number] | readonly string[]> | undefined {
  if (specs.length === 0) return undefined;
  const out: Record<string, readonly [number, number] | readonly string[]> = {};
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    if (eq <= 0) throw new TransferkitError('BAD_OPTION', `--range "${spec}" is not column=min:max or column=a|b`, { hint: 'Example: --range "Body Mass (g)=3000:5000" or --range "Island=Dream|Biscoe".' });
    const [col, val] = [spec.slice(0, eq), spec.slice(eq + 1)];
    const nums = val.split(':').map(Number);
    out[col] = nums.length === 2 && nums.every(Number.isFinite) ? [nums[0], nums[1]] : val.split('|');
  }
  return out;
}

function describe(e: Explanation): string {
  switch (e.kind) {
    case 'image':
      return e.rows
        .map((r) => {
          const top = r.attributions.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 5);
          return [
            `row ${r.row}: class ${r.class} (p = ${fmt(r.probability)}), ${e.method} over ${r.height}×${r.width} pixels`,
            r.delta !== undefined ? `  convergence delta ${r.delta.toExponential(2)} (Σ attributions − (f(x) − f(baseline)))` : '',
            r.r2 !== undefined ? `  local surrogate R² ${fmt(r.r2)}` : '',
            `  strongest pixels (y, x): ${top.map(([v, i]) => `(${Math.floor(i / r.width)}, ${i % r.width}) ${fmt(v, 4)}`).join(', ')}`,
            r.png ? `  heatmap: ${r.png}` : '',
          ]
            .filter(Boolean)
            .join('\n');
        })
        .join('\n');
    case 'counterfactual':
      return e.rows
        .map((r) =>
          [
            `row ${r.row}: predicted ${r.predicted} (P(${r.desired}) = ${fmt(r.query.probability)}); changes that reach ${r.desired}:`,
            r.counterfactuals.length === 0
              ? `  none found${r.reason ? `: ${r.reason}` : ''}`
              : table(
                  ['#', 'changes', `P(${r.desired})`],
                  r.counterfactuals.map((c, i) => [String(i + 1), c.changes.map((ch) => `${ch.feature}: ${ch.from} → ${ch.to}`).join('; '), fmt(c.probability)]),
                ),
            `validity ${fmt(r.metrics.validity)}, proximity ${fmt(r.metrics.proximity)}, sparsity ${fmt(r.metrics.sparsity, 2)} changed features, diversity ${fmt(r.metrics.diversity)}`,
          ].join('\n'),
        )
        .join('\n\n');
    case 'shapley':
      return [
        `${e.method} (${e.link === 'logit' ? 'log-odds' : 'probability'} of the explained class); background: ${e.background.source}`,
        ...e.warnings.map((w) => `warning: ${cliWording(w)}`),
        ...e.rows.map((r) => {
          const names = r.features ?? e.features;
          const order = r.values.map((_, i) => i).sort((a, b) => Math.abs(r.values[b]) - Math.abs(r.values[a]));
          return [
            '',
            `row ${r.row}: class ${r.class}, output ${fmt(r.output)} = base ${fmt(r.baseValue)} + Σ contributions`,
            table(
              ['feature', 'value', 'contribution'],
              order.map((i) => [names[i], r.features ? '' : String(r.featureValues?.[i] ?? ''), (r.values[i] >= 0 ? '+' : '') + fmt(r.values[i], 4)]),
            ),
          ].join('\n');
        }),
      ].join('\n');
    case 'lime':
      return e.rows
        .map((r) => {
          const names = r.features ?? e.features;
          const order = r.weights.map((_, i) => i).sort((a, b) => Math.abs(r.weights[b]) - Math.abs(r.weights[a])).slice(0, 15);
          return [
            `row ${r.row}: class ${r.class}, model output ${fmt(r.output)}, local surrogate ${fmt(r.localPrediction)} (R² ${fmt(r.r2)})`,
            table(['feature', 'weight'], order.map((i) => [names[i], (r.weights[i] >= 0 ? '+' : '') + fmt(r.weights[i], 4)])),
          ].join('\n');
        })
        .join('\n\n');
    case 'permutation': {
      const order = e.mean.map((_, i) => i).sort((a, b) => e.mean[b] - e.mean[a]);
      return [
        `permutation importance: drop in accuracy (baseline ${fmt(e.baseline)}) when a column is shuffled, ${e.repeats} repeats`,
        table(['feature', 'importance', '± std'], order.map((i) => [e.features[i], fmt(e.mean[i], 4), fmt(e.std[i], 4)])),
      ].join('\n');
    }
    case 'mean-shap': {
      const order = e.meanAbs.map((_, i) => i).sort((a, b) => e.meanAbs[b] - e.meanAbs[a]);
      return [
        `global importance: mean |${e.shapley}| of the predicted class's ${e.link === 'logit' ? 'log-odds' : 'probability'} over ${e.rows} rows; background: ${e.background.source}`,
        table(['feature', 'mean |contribution|'], order.map((i) => [e.features[i], fmt(e.meanAbs[i], 4)])),
      ].join('\n');
    }
    case 'pdp':
      return [
        `partial dependence of P(${e.class}) on ${e.feature} (mean of ${e.individual.length} ICE curves)`,
        table([e.feature, `P(${e.class})`], e.grid.map((g, i) => [fmt(g, 2), fmt(e.average[i])])),
      ].join('\n');
  }
}
