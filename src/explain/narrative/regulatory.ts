/**
 * The regulatory narrative: the method and its exact definition, the additivity statement,
 * principal reasons in rank order (like adverse-action reason codes), limitations, and whether
 * immutable or protected features were held fixed in the what-if scenarios.
 *
 * @module
 */
import { supportsPrediction, type NarrativeFacts } from './facts.ts';
import { fmtNumber, fmtPercent, fmtSigned, fmtValue, joinWords } from './format.ts';
import { describeAttributions, describeStrategy } from './methods.ts';
import type { Narrative } from './types.ts';

function why(f: NarrativeFacts): string {
  const { prediction: p, attributions: a } = f.input;
  const lines = [`Outcome: **${p.label}** (model probability ${fmtPercent(p.probability)}).`];
  if (a === undefined) {
    lines.push('No feature attributions were provided, so principal reasons cannot be stated.');
    return lines.join(' ');
  }
  const unit = a.link === 'logit' ? ' log-odds' : '';
  const top = f.ranked.slice(0, f.topK);
  lines.push('', `Principal reasons, in order of the magnitude of their contribution (${top.length} of ${f.ranked.length} features):`, '');
  for (const r of top) {
    const value = r.input !== undefined ? ` = ${fmtValue(r.input)}` : '';
    const role = supportsPrediction(f, r.value) ? 'supporting' : 'opposing';
    lines.push(`${r.rank}. ${r.feature}${value}: contribution ${fmtSigned(r.value)}${unit}, ${role} the outcome "${p.label}".`);
  }
  return lines.join('\n');
}

function how(f: NarrativeFacts): string {
  const { attributions: a, model: m } = f.input;
  const out: string[] = [];
  if (m !== undefined) {
    const parts = [m.strategy && describeStrategy(m.strategy), m.trainedOn && `training data: ${m.trainedOn}`, m.accuracy !== undefined && `test accuracy ${fmtPercent(m.accuracy)}`];
    out.push(`Model: ${m.name}${parts.some(Boolean) ? ` (${parts.filter(Boolean).join('; ')})` : ''}.`);
  } else out.push('Model: not described.');
  if (a === undefined) {
    out.push('Method: no attribution method was applied.');
    return out.join('\n\n');
  }
  const d = describeAttributions(a);
  out.push(`Method: ${d.name} (\`${a.method}\`). Definition: ${d.definition}`);
  const units = a.link === 'logit' ? 'log-odds (logit link) of' : 'the units of the model output (identity link) for';
  const sums = `base value ${fmtNumber(a.baseValue, 4)} + sum of contributions ${fmtSigned(f.sum, 4)} = ${fmtNumber(a.baseValue + f.sum, 4)}, model output ${fmtNumber(a.output, 4)}`;
  out.push(
    f.efficient
      ? `Contributions are in ${units} "${f.explains}" and sum to the model output: ${sums}.`
      : `Contributions are in ${units} "${f.explains}" and do NOT sum exactly to the model output (${sums}; difference ${fmtNumber(f.gap, 3)}); they are approximations.`,
  );
  const limits = [
    'the method evaluates the model on combinations of feature values that may not occur together, so correlated features can receive misleading or split credit',
    `the values depend on the choice of background (reference) data${a.backgroundSize !== undefined ? ` (here ${a.backgroundSize} rows)` : ''}`,
    "they describe the model's behaviour, not causal effects in the world",
  ];
  if (d.sampled) limits.push('they are sampling estimates and carry Monte Carlo error');
  out.push(`Limitations: ${limits.map((l, i) => `(${i + 1}) ${l}`).join('; ')}.`);
  return out.join('\n\n');
}

function whatIf(f: NarrativeFacts): string {
  const cf = f.input.counterfactuals;
  const declared = f.input.protectedFeatures ?? [];
  if (cf === undefined) {
    return `No counterfactual (what-if) analysis was performed.${declared.length > 0 ? ` Protected attributes declared: ${declared.join(', ')}.` : ''}`;
  }
  const out: string[] = [];
  out.push(`Counterfactual analysis: constrained search for changes that bring the model probability of "${f.desired}" to at least ${fmtNumber(cf.threshold, 4)} (${cf.evaluations} model evaluations).`);
  out.push(cf.heldFixed.length > 0 ? `Features held fixed in every scenario: ${cf.heldFixed.join(', ')}.` : 'No feature was held fixed in the scenarios.');
  if (declared.length === 0) out.push('No protected attributes were declared.');
  else {
    const changedIn = (name: string) => f.counterfactuals.map((c, i) => (c.changes.some((ch) => ch.feature === name) ? i + 1 : 0)).filter((i) => i > 0);
    const violated = declared.filter((n) => changedIn(n).length > 0);
    const fixed = declared.filter((n) => cf.heldFixed.includes(n));
    const unchanged = declared.filter((n) => !fixed.includes(n) && !violated.includes(n));
    if (fixed.length > 0) out.push(`Protected attributes held fixed: ${joinWords(fixed)}.`);
    if (unchanged.length > 0) out.push(`Protected attributes not constrained but unchanged in every reported scenario: ${joinWords(unchanged)}.`);
    for (const n of violated) out.push(`WARNING: protected attribute ${n} was changed in scenario ${joinWords(changedIn(n).map(String))}.`);
  }
  if (f.counterfactuals.length === 0) {
    out.push(`No valid scenario was found. ${cf.reason ?? ''}`.trim());
    return out.join(' ');
  }
  const lines = [out.join(' '), ''];
  f.counterfactuals.forEach((c, i) => {
    lines.push(`${i + 1}. ${c.changes.map((ch) => `${ch.feature}: ${fmtValue(ch.from)} → ${fmtValue(ch.to)}`).join('; ')} (model probability ${fmtPercent(c.probability)})`);
  });
  lines.push('', `Share of scenarios reaching the target (validity): ${fmtPercent(cf.metrics.validity)}.${cf.reason !== undefined ? ` ${cf.reason}` : ''}`);
  return lines.join('\n');
}

/**
 * Renders the regulatory sections.
 *
 * @example
 * ```ts
 * const { why } = renderRegulatory(deriveFacts({ ...input, audience: 'regulatory', protectedFeatures: ['age'] }));
 * ```
 */
export function renderRegulatory(f: NarrativeFacts): Narrative['sections'] {
  return { why: why(f), how: how(f), whatIf: whatIf(f) };
}
