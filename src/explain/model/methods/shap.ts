/**
 * Shapley values of tabular rows (`shap`, `exact-shap`, `kernel-shap`): interventional, one value
 * per column (a categorical column's one-hot inputs count as one player), efficient by
 * construction (base value + Σ values = output).
 *
 * @module
 */
import type { NarrativeAttributions } from '../../narrative/types.ts';
import type { RowNarrative, ShapleyRow } from '../explanation.ts';
import {
  backgroundRows,
  classIndex,
  columnValue,
  narrateRow,
  predictionOf,
  SHAPLEY_OPTIONS,
  shapleyBackground,
  shapleyValues,
  tabularInputs,
  whatIfRow,
} from '../method-kit.ts';
import { classPredictFn } from '../model-view.ts';
import { OPTION, type MethodOption } from '../options.ts';
import { registerMethod, type MethodContext } from '../registry.ts';

/** Columns up to which `shap` computes exact Shapley values. */
const EXACT_UP_TO = 12;

/** What a local Shapley method reads besides {@link SHAPLEY_OPTIONS}: the narrative and its what-if. */
const NARRATIVE_OPTIONS: readonly MethodOption[] = [
  OPTION.audience,
  { name: 'immutable', help: "narratives' what-if: columns that must not change" },
  { name: 'permittedRanges', help: "narratives' what-if: allowed values per column" },
  { name: 'count', help: "narratives' what-if: counterfactuals per row (default 3)" },
];

function tabularShapley<const N extends string>(name: N, description: string, exact: (players: number) => boolean, reportsAs?: readonly string[]) {
  return {
    name,
    description,
    data: ['tabular'] as const,
    scope: 'local' as const,
    options: [...SHAPLEY_OPTIONS, ...NARRATIVE_OPTIONS],
    reportsAs,
    run: (ctx: MethodContext) => explainShapley(ctx, exact),
  };
}

export const shapMethod = registerMethod(
  tabularShapley('shap', `Shapley values of each column: exact up to ${EXACT_UP_TO} columns, KernelSHAP beyond`, (players) => players <= EXACT_UP_TO, ['exact-shap', 'kernel-shap']),
);
export const exactShapMethod = registerMethod(tabularShapley('exact-shap', 'exact Shapley values of each column, over every coalition (up to 14 columns)', () => true));
export const kernelShapMethod = registerMethod(tabularShapley('kernel-shap', 'KernelSHAP: Shapley values of each column by weighted least squares over sampled coalitions', () => false));

async function explainShapley(ctx: MethodContext, useExact: (players: number) => boolean) {
  const { trained, opts, link, seed } = ctx;
  const { names, groups, x } = tabularInputs(ctx);
  const bg = await backgroundRows(ctx);
  const background = shapleyBackground(bg.rows, seed);
  const exact = useExact(groups.length);
  const warnings: string[] = [];
  const out: ShapleyRow[] = [];
  for (const r of ctx.rows) {
    const cls = classIndex(trained, opts.className, x[r]);
    const res = await shapleyValues(classPredictFn(trained, cls, link), x[r], background, { exact, groups, seed, nsamples: opts.nsamples });
    warnings.push(...res.warnings);
    out.push({ row: r, class: trained.classes[cls], baseValue: res.baseValue, values: res.values, output: res.output, featureValues: names.map((name) => columnValue(ctx.data, name, r)) });
  }
  const method = exact ? 'exact-shap' : 'kernel-shap';
  let narratives: RowNarrative[] | undefined;
  if (opts.audience) {
    narratives = [];
    for (const r of out) {
      const attributions: NarrativeAttributions = { features: names, values: r.values, baseValue: r.baseValue, output: r.output, link, method, explains: r.class, backgroundSize: bg.rows.length, inputs: r.featureValues };
      narratives.push(narrateRow(ctx, r.row, predictionOf(trained, x[r.row]), attributions, await whatIfRow(ctx, bg.data, r.row)));
    }
  }
  return ctx.explanation({
    kind: 'shapley',
    scope: 'local',
    method,
    link,
    features: names,
    rows: out,
    background: { source: bg.source, rows: bg.rows.length },
    warnings: [...new Set(warnings)],
    narratives,
  });
}
