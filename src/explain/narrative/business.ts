/**
 * The business narrative: plain words, the top drivers ("X pushed the decision towards Y"),
 * confidence as a percentage, and the change that would flip the decision, in units.
 *
 * @module
 */
import type { Counterfactual } from '../counterfactual/types.ts';
import { changeParts, displayName, towards, type NarrativeFacts } from './facts.ts';
import { capitalise, fmtPercent, fmtValue, joinWords } from './format.ts';
import { describeAttributions, describeStrategy } from './methods.ts';
import type { Narrative } from './types.ts';

function why(f: NarrativeFacts): string {
  const { prediction: p } = f.input;
  const lines = [`The model predicts **${p.label}** with ${fmtPercent(p.probability)} confidence.`];
  if (f.ranked.length === 0) {
    lines.push('No breakdown of the drivers is available for this decision.');
    return lines.join(' ');
  }
  const top = f.ranked.slice(0, f.topK);
  lines.push('', `The ${top.length === 1 ? 'main driver was' : `top ${top.length} drivers were`}:`, '');
  for (const r of top) {
    const value = r.input !== undefined ? ` (${fmtValue(r.input)})` : '';
    lines.push(`- ${capitalise(r.label)}${value} pushed the decision ${towards(f, r.value)} — about ${fmtPercent(r.share)} of the total influence.`);
  }
  return lines.join('\n');
}

function how(f: NarrativeFacts): string {
  const { model: m, attributions: a, globalImportance: g } = f.input;
  const out: string[] = [];
  if (m === undefined) out.push('No details about the model were given.');
  else {
    const detail = [m.strategy && describeStrategy(m.strategy), m.trainedOn && `trained on ${m.trainedOn}`].filter(Boolean).join(', ');
    out.push(`The decision comes from the model "${m.name}"${detail ? ` (${detail})` : ''}.`);
    if (m.accuracy !== undefined) out.push(`On held-out test data it was right ${fmtPercent(m.accuracy)} of the time.`);
  }
  if (a !== undefined) out.push(`Each driver's weight measures ${describeAttributions(a).plain}.`);
  if (g !== undefined && g.features.length > 0) {
    const order = g.features.map((_, j) => j).sort((x, y) => g.mean[y] - g.mean[x] || x - y);
    const names = order.slice(0, 3).map((j) => displayName(g.features[j], f.input.featureLabels));
    out.push(`Across all cases, the factors that matter most are ${joinWords(names)}.`);
  }
  return out.join(' ');
}

/** `income up by 60,000 (from 40,000 to 100,000)` and similar, joined with "and". */
function describeChangesInUnits(f: NarrativeFacts, cf: Counterfactual): string {
  return joinWords(
    cf.changes.map((ch) => {
      const name = displayName(ch.feature, f.input.featureLabels);
      const part = changeParts(ch);
      if (part.kind === 'numeric') return `${name} ${part.delta > 0 ? 'up' : 'down'} by ${fmtValue(Math.abs(part.delta))} (from ${fmtValue(ch.from)} to ${fmtValue(ch.to)})`;
      return `${name} changed from "${ch.from}" to "${ch.to}"`;
    }),
  );
}

function whatIf(f: NarrativeFacts): string {
  const cf = f.input.counterfactuals;
  if (cf === undefined) return 'No what-if analysis was run for this decision.';
  const fixed = cf.heldFixed.length > 0 ? ` (keeping ${joinWords(cf.heldFixed.map((n) => displayName(n, f.input.featureLabels)))} unchanged)` : '';
  if (f.counterfactuals.length === 0) {
    if (cf.query.probability >= cf.threshold) return `No change is needed: this case already meets the bar for ${f.desired}.`;
    return `No change within the allowed limits${fixed} was found that would turn the decision into ${f.desired}.`;
  }
  const [first, ...others] = f.counterfactuals;
  const out = [`The decision would likely flip to ${f.desired} with ${describeChangesInUnits(f, first)}${fixed}.`];
  if (others.length > 0) out.push(`Other options: ${others.map((c) => describeChangesInUnits(f, c)).join('; or ')}.`);
  return out.join(' ');
}

/**
 * Renders the business sections.
 *
 * @example
 * ```ts
 * const { whatIf } = renderBusiness(deriveFacts({ ...input, audience: 'business' }));
 * ```
 */
export function renderBusiness(f: NarrativeFacts): Narrative['sections'] {
  return { why: why(f), how: how(f), whatIf: whatIf(f) };
}
