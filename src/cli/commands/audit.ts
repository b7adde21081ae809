import { InvalidArgumentError, Option, type Command } from 'commander';
import { auditModel } from '../../audit/audit-model.ts';
import { auditPredictions } from '../../audit/audit-predictions.ts';
import type { AuditReport } from '../../audit/report.ts';
import { FAIRNESS_CONSTRAINTS, MITIGATION_METHODS, type FairnessConstraint, type MitigationMethod } from '../../audit/mitigate/index.ts';
import { mitigateModel, type ModelMitigationReport } from '../../audit/mitigate/run.ts';
import { TransferkitError } from '../../errors.ts';
import { FAIRNESS_MEASURES } from '../../measures/fairness/disparities.ts';
import { writeJsonAtomic } from '../../util/atomic.ts';
import { imputeOption, labelOption } from '../data-options.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { MODEL_REF_FORMS } from '../model-ref.ts';
import { fmt, runCommand, table } from '../output.ts';
import { commaList, positiveInt, wholeNumber } from '../parsers.ts';
import { cliWording } from '../wording.ts';
import { isSameFile } from '../../util/same-file.ts';
import { checkPlotFlags, plotLine, withPlotOptions, writePlots, type PlotFlags } from '../plot-option.ts';
import { fairnessChart } from '../../report/charts/index.ts';

interface AuditFlags extends PlotFlags {
  model?: string;
  data?: string;
  predictions?: string;
  sensitive: string[];
  label?: string;
  yTrue?: string;
  yPred?: string;
  score?: string;
  positive?: string;
  privileged?: string;
  outcome?: 'favorable' | 'adverse';
  threshold?: number;
  bootstrap?: number;
  seed?: number;
  minGroupSize?: number;
  impute?: 'none' | 'mean' | 'drop';
  out?: string;
  mitigate?: MitigationMethod;
  constraint?: FairnessConstraint;
  eps?: number;
  backend?: string;
  json?: boolean;
}

/** `transferkit audit`: group fairness of a model on data, or of predictions from elsewhere. */
export function registerAudit(program: Command): void {
  withPlotOptions(withCommonOptions(program.command('audit')), 'the group metrics (one panel per metric, one dot per group, the selection rate with its interval)')
    .description('group fairness audit: metrics by group, demographic parity, equalized odds, equal opportunity, disparate impact (four-fifths rule), with bootstrap intervals')
    .option('--model <model>', `model to audit (${MODEL_REF_FORMS}); with --data`)
    .option('--data <data>', 'labelled tabular data to run the model on: builtin:NAME or .csv')
    .option('--predictions <file>', 'or audit predictions made elsewhere: a CSV with true class, predicted class, optional score and the sensitive column(s)')
    .requiredOption('--sensitive <columns>', 'sensitive column(s), comma-separated; several give intersectional groups (afam & single)', commaList)
    .addOption(labelOption('label column of CSV data (default: the one the model was trained with)'))
    .option('--y-true <column>', '--predictions: column of the true class (default y_true, else actual)')
    .option('--y-pred <column>', '--predictions: column of the predicted class (default y_pred, else predicted)')
    .option('--score <column>', '--predictions: column of the probability of the positive class (default score or p_<positive>, when present)')
    .option('--positive <class>', 'the positive class, whose prediction is a "selection" (default with two classes: 1/yes/true, else the second; required with more: one-vs-rest)')
    .option('--privileged <group>', 'privileged group of disparate impact: a value (no), an intersection (no & yes) or pairs (afam=no,single=yes); default: the group with the most favourable selection rate')
    .addOption(new Option('--outcome <kind>', 'is the positive class favorable for the person (loan granted) or adverse (loan denied)? decides the default privileged group').choices(['favorable', 'adverse']))
    .option('--threshold <p>', 'predict the positive class when its probability ≥ p (default: the predictions as they are)', (v: string) => {
      const n = Number(v);
      if (v.trim() === '' || !(n >= 0 && n <= 1)) throw new InvalidArgumentError(`expected a probability in [0, 1], got "${v}"`);
      return n;
    })
    .option('--bootstrap <n>', 'bootstrap resamples for 95% intervals, stratified by group (default 1000; 0: none)', wholeNumber)
    .option('--seed <n>', 'seed of the bootstrap (default 1)', wholeNumber)
    .option('--min-group-size <n>', 'warn about groups smaller than this (default 30)', positiveInt)
    .addOption(imputeOption())
    .option('--out <file>', 'also write the full report as JSON to this file (atomically)')
    .addOption(new Option('--mitigate <method>', 'with --model: also fit a mitigation on 70% of the data and report fairness and accuracy before/after on the other 30%: reweigh (Kamiran–Calders), threshold (per-group thresholds, as Fairlearn ThresholdOptimizer), expgrad (exponentiated gradient reduction)').choices([...MITIGATION_METHODS]))
    .addOption(new Option('--constraint <name>', 'what --mitigate equalises (default demographic_parity)').choices([...FAIRNESS_CONSTRAINTS]))
    .option('--eps <gap>', '--mitigate expgrad: the largest gap allowed between two groups (default 0.01)', (v: string) => {
      const x = Number(v);
      if (!(x > 0 && x < 1)) throw new InvalidArgumentError('expected a number between 0 and 1, e.g. 0.02');
      return x;
    })
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit audit --model runs/hmda --data builtin:hmda --label deny --sensitive afam --positive yes --privileged no --outcome adverse
  $ transferkit audit --model runs/hmda --data applications.csv --label deny --sensitive afam,single --out audit.json
  $ transferkit audit --predictions preds.csv --sensitive group --y-true label --y-pred pred --score p_yes --json
  $ transferkit audit --predictions preds.csv --sensitive sex,race --positive 1 --privileged "sex=male,race=white"
  $ transferkit audit --model runs/hmda --data builtin:hmda --sensitive afam --positive yes --mitigate threshold --constraint demographic_parity
  $ transferkit audit --model runs/hmda --data builtin:hmda --sensitive afam --positive yes --plot audit.png

Definitions (SR = selection rate P(ŷ=positive | group); TPR = P(ŷ=positive | y=positive, group);
FPR = P(ŷ=positive | y≠positive, group)):
${Object.entries(FAIRNESS_MEASURES)
  .map(([name, d]) => `  ${name}: ${d.definition}`)
  .join('\n')}
Flags: a measure outside its fair range (differences beyond ±0.1, ratios below 0.8; disparate
impact outside [0.8, 1.25], the four-fifths rule). Intervals are 95% percentile bootstrap
intervals, resampling within each group.`,
    )
    .action((flags: AuditFlags) =>
      runCommand(flags, async () => {
        if (flags.out !== undefined) checkOut(flags.out, [flags.predictions, flags.data]);
        await checkPlotFlags(flags);
        const report = await runAudit(flags);
        const mitigation = flags.mitigate ? await runMitigation(flags) : undefined;
        const full = mitigation ? { ...report, mitigation } : report;
        if (flags.out) await writeJsonAtomic(flags.out, full);
        const plots = await writePlots(flags, () => ({ groups: fairnessChart(report) }));
        const text = auditText(report) + (mitigation ? `\n\n${mitigationText(mitigation)}` : '') + (flags.out ? `\nreport written to ${flags.out}` : '') + plotLine(plots);
        return { json: { ...full, ...(flags.out ? { out: flags.out } : {}), ...(plots.length ? { plots } : {}) }, text };
      }),
    );
}

/** Refuses an --out that is an input file, which writing the report would destroy. */
function checkOut(out: string, inputs: Array<string | undefined>): void {
  const hit = inputs.find((i) => i !== undefined && !i.startsWith('builtin:') && isSameFile(out, i));
  if (hit !== undefined) {
    throw new TransferkitError('OUT_IS_INPUT', `--out ${out} is the input file ${hit}, which writing the report would overwrite`, { where: out, hint: 'Write the report to another file, e.g. --out audit.json.' });
  }
}

/** Runs the audit the flags ask for: a model on data, or a predictions file. */
async function runAudit(flags: AuditFlags): Promise<AuditReport> {
  const common = {
    sensitive: flags.sensitive,
    positive: flags.positive,
    privileged: flags.privileged,
    outcome: flags.outcome,
    threshold: flags.threshold,
    bootstrap: flags.bootstrap,
    seed: flags.seed,
    minGroupSize: flags.minGroupSize,
  };
  if (flags.predictions !== undefined) {
    if (flags.model !== undefined || flags.data !== undefined) {
      throw new TransferkitError('BAD_OPTION', '--predictions audits predictions made elsewhere, so it takes neither --model nor --data', {
        where: '--predictions',
        hint: 'Either --predictions preds.csv, or --model <model> --data <data>.',
      });
    }
    return auditPredictions({ ...common, file: flags.predictions, yTrue: flags.yTrue, yPred: flags.yPred, score: flags.score });
  }
  if (flags.model === undefined || flags.data === undefined) {
    throw new TransferkitError('MISSING_OPTION', flags.model === undefined && flags.data === undefined ? 'Nothing to audit: give --model and --data, or --predictions' : `--${flags.model === undefined ? 'model' : 'data'} is missing`, {
      where: 'transferkit audit',
      hint: 'Audit a model with --model <model> --data <labelled data>, or predictions with --predictions preds.csv.',
    });
  }
  await startEngine(flags.backend);
  return auditModel({ ...common, model: flags.model, data: flags.data, label: flags.label, impute: flags.impute });
}

/** `--mitigate`: fits the mitigation on a seeded 70% and measures before/after on the other 30%. */
async function runMitigation(flags: AuditFlags): Promise<ModelMitigationReport> {
  if (flags.model === undefined || flags.data === undefined) {
    throw new TransferkitError('BAD_OPTION', '--mitigate needs a model and its data (--model, --data): predictions alone cannot be mitigated', { where: '--mitigate', hint: 'Audit the model with --model <model> --data <data> --mitigate threshold.' });
  }
  if (flags.sensitive.length !== 1) {
    throw new TransferkitError('BAD_OPTION', `--mitigate works on one sensitive column, got ${flags.sensitive.length} (${flags.sensitive.join(', ')})`, { where: '--sensitive', hint: `Mitigate one column at a time, e.g. --sensitive ${flags.sensitive[0]}.` });
  }
  return mitigateModel({ model: flags.model, data: flags.data, sensitive: flags.sensitive[0], method: flags.mitigate!, constraint: flags.constraint, eps: flags.eps, label: flags.label, positive: flags.positive, impute: flags.impute, seed: flags.seed });
}

/** The mitigation's trade-off for people: accuracy and the two differences, before → after, and per group. */
function mitigationText(m: ModelMitigationReport): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const change = (v: number) => (Number.isFinite(v) ? `${v <= 0 ? '' : '+'}${(v * 100).toFixed(0)}%` : 'n/a');
  return [
    `mitigation: ${m.method} for ${m.constraint.replace('_', ' ')} (fitted on ${m.trainRows} rows, measured on ${m.testRows} held-out rows, seed ${m.seed})`,
    table(
      ['', 'before', 'after', 'change'],
      [
        ['accuracy', fmt(m.before.accuracy), fmt(m.after.accuracy), `${m.accuracyCost >= 0 ? '−' : '+'}${fmt(Math.abs(m.accuracyCost))} (the accuracy cost)`],
        ['demographic parity difference', fmt(m.before.demographicParityDifference), fmt(m.after.demographicParityDifference), change(m.demographicParityChange)],
        ['equalized odds difference', fmt(m.before.equalizedOddsDifference), fmt(m.after.equalizedOddsDifference), change(m.equalizedOddsChange)],
      ],
    ),
    table(
      ['group', 'selected before', 'selected after'],
      m.before.groups.map((g, i) => [`${m.sensitive}=${g.group}`, pct(g.selectionRate), pct(m.after.groups[i]?.selectionRate ?? NaN)]),
    ),
    ...m.notes.map((n) => `  - ${n}`),
  ].join('\n');
}

/** The report for people: what was audited, the group table, the measures, flags and warnings. */
function auditText(r: AuditReport): string {
  const outcome = r.label ? `${r.label}=${r.positive}` : `"${r.positive}"`;
  const privileged = r.groups.find((g) => g.privileged)?.name ?? r.privileged;
  const scores = r.groups.some((g) => g.values.mean_score != null);
  const intervals = r.bootstrap !== null;
  const range = (i?: [number | null, number | null]) => (i ? `${fmt(i[0])}–${fmt(i[1])}` : '');
  const groupRows = r.groups.map((g) => [
    g.name + (g.privileged ? ' *' : ''),
    String(g.count),
    fmt(g.values.base_rate),
    fmt(g.values.selection_rate),
    ...(intervals ? [range(g.selectionRateInterval)] : []),
    fmt(g.values.accuracy),
    fmt(g.values.tpr),
    fmt(g.values.fpr),
    fmt(g.values.precision),
    ...(scores ? [fmt(g.values.mean_score), fmt(g.values.ece)] : []),
  ]);
  const o = r.overall;
  groupRows.push(['overall', String(r.size), fmt(o.base_rate), fmt(o.selection_rate), ...(intervals ? [''] : []), fmt(o.accuracy), fmt(o.tpr), fmt(o.fpr), fmt(o.precision), ...(scores ? [fmt(o.mean_score), fmt(o.ece)] : [])]);
  const lines = [
    `audit of ${r.source.model ? `${r.source.model} on ${r.source.data}` : r.source.predictions}: ${r.size} examples${r.excluded ? ` (${r.excluded} left out)` : ''}, groups by ${r.sensitive.join(' & ')}`,
    `positive outcome: ${outcome} (${r.outcome})${r.oneVsRest ? `, one-vs-rest against ${r.classes.filter((c) => c !== r.positive).join(', ')}` : ''}; privileged group: ${privileged} (*)`,
    '',
    table(['group', 'n', 'base rate', 'selected', ...(intervals ? ['95% interval'] : []), 'accuracy', 'TPR', 'FPR', 'precision', ...(scores ? ['mean score', 'ECE'] : [])], groupRows),
    '',
    `measures${intervals ? ` (95% intervals, ${r.bootstrap!.resamples} bootstrap resamples within groups, seed ${r.bootstrap!.seed})` : ''}:`,
    table(
      ['measure', 'value', ...(intervals ? ['95% interval'] : []), 'fair range', ''],
      Object.entries(r.measures).map(([name, m]) => [name.replace(/_/g, ' '), fmt(m.value), ...(intervals ? [m.low === null ? 'n/a' : `${fmt(m.low)}–${fmt(m.high)}`] : []), `${fmt(m.fair[0], 2)}–${fmt(m.fair[1], 2)}`, m.flagged ? 'FLAG' : m.value === null ? 'undefined' : 'ok']),
    ),
  ];
  if (r.flags.length) lines.push('', 'flags:', ...r.flags.map((f) => `  - ${f.message}`));
  else lines.push('', 'no measure is outside its fair range.');
  if (r.warnings.length) lines.push('', ...r.warnings.map((w) => `warning: ${cliWording(w)}`));
  lines.push('', 'exact definitions: transferkit audit --help, or "definitions" in --json');
  return lines.join('\n');
}
