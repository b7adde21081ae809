/**
 * The technical narrative: method and link, the efficiency check, signed top-k attributions, the
 * global ranking with ± std, and the counterfactual metrics.
 *
 * @module
 */
import type { CounterfactualResult } from '../counterfactual/types.ts';
import type { NarrativeFacts } from './facts.ts';
import { fmtNumber, fmtPercent, fmtSigned, fmtValue } from './format.ts';
import { describeAttributions, describeStrategy } from './methods.ts';
import type { Narrative } from './types.ts';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function why(f: NarrativeFacts): string {
  const { prediction: p, attributions: a } = f.input;
  const lines = [`Prediction: **${p.label}**, p = ${fmtNumber(p.probability, 4)}${p.classes ? ` (classes: ${p.classes.join(', ')})` : ''}.`];
  if (a === undefined) {
    lines.push('No attributions were given, so the prediction is not broken down by feature.');
    return lines.join('\n');
  }
  const d = describeAttributions(a);
  const space = a.link === 'logit' ? 'logit link: values in log-odds' : 'identity link: values in output units';
  lines.push(`Attributions: ${d.name} (\`${a.method}\`) of the output for "${f.explains}" (${space}${a.backgroundSize !== undefined ? `; background of ${a.backgroundSize} rows` : ''}).`);
  lines.push(
    `Efficiency check: base value ${fmtNumber(a.baseValue, 4)} + Σφ ${fmtSigned(f.sum, 4)} = ${fmtNumber(a.baseValue + f.sum, 4)}; ` +
      `model output ${fmtNumber(a.output, 4)}; gap ${fmtNumber(f.gap, 3)} — ${f.efficient ? 'holds' : 'does NOT hold (approximate attributions)'}.`,
  );
  if (a.link === 'logit') lines.push(`σ(output) = ${fmtNumber(sigmoid(a.output), 4)} (probability of "${f.explains}").`);
  const shown = f.ranked.slice(0, f.topK);
  lines.push('', `Top ${shown.length} of ${f.ranked.length} attributions by |φ|:`, '');
  for (const r of shown) {
    lines.push(`${r.rank}. ${r.feature}${r.input !== undefined ? ` = ${fmtValue(r.input)}` : ''}: φ = ${fmtSigned(r.value, 4)} (${fmtPercent(r.share)} of Σ|φ|)`);
  }
  const rest = f.ranked.slice(f.topK);
  if (rest.length > 0) lines.push(`- ${rest.length} more feature${rest.length === 1 ? '' : 's'}: Σφ ${fmtSigned(rest.reduce((s, r) => s + r.value, 0), 4)}`);
  return lines.join('\n');
}

function how(f: NarrativeFacts): string {
  const { model: m, globalImportance: g } = f.input;
  const lines: string[] = [];
  if (m === undefined) lines.push('Model: not described.');
  else {
    const parts = [m.strategy && `strategy ${m.strategy} (${describeStrategy(m.strategy)})`, m.trainedOn && `trained on ${m.trainedOn}`, m.accuracy !== undefined && `test accuracy ${fmtNumber(m.accuracy, 4)}`];
    lines.push(`Model: ${m.name}${parts.some(Boolean) ? `; ${parts.filter(Boolean).join('; ')}` : ''}.`);
  }
  if (f.input.attributions !== undefined) lines.push(`Definition: ${describeAttributions(f.input.attributions).definition}`);
  if (g === undefined) lines.push('No global importance was given.');
  else {
    const order = g.features.map((_, j) => j).sort((a, b) => g.mean[b] - g.mean[a] || a - b);
    lines.push('', `Global ranking (${g.method ?? 'permutation importance'}, mean ± std):`, '');
    order.slice(0, Math.max(f.topK, 5)).forEach((j, i) => lines.push(`${i + 1}. ${g.features[j]}: ${fmtNumber(g.mean[j], 3)} ± ${fmtNumber(g.std[j], 2)}`));
    if (order.length > Math.max(f.topK, 5)) lines.push(`- ${order.length - Math.max(f.topK, 5)} more features`);
  }
  return lines.join('\n');
}

function whatIf(f: NarrativeFacts): string {
  const cf: CounterfactualResult | undefined = f.input.counterfactuals;
  if (cf === undefined) return 'No counterfactuals were computed.';
  const held = `Held fixed: ${cf.heldFixed.length > 0 ? cf.heldFixed.join(', ') : 'none'}.`;
  const head = `Target: p("${f.desired}") ≥ ${fmtNumber(cf.threshold, 4)}; query p = ${fmtNumber(cf.query.probability, 4)}; ${cf.evaluations} model evaluations. ${held}`;
  if (f.counterfactuals.length === 0) return `${head}\nNo counterfactual found: ${cf.reason ?? 'no reason given.'}`;
  const m = cf.metrics;
  const lines = [
    head,
    `Metrics: validity ${fmtNumber(m.validity, 3)}, proximity ${fmtNumber(m.proximity, 3)} (mean per-feature distance: numeric |Δ|/range or MAD ${fmtNumber(m.proximityNumeric, 3)}, categorical mismatch share ${fmtNumber(m.proximityCategorical, 3)}), sparsity ${fmtNumber(m.sparsity, 3)} features, diversity ${fmtNumber(m.diversity, 3)}.`,
    '',
  ];
  f.counterfactuals.forEach((c, i) => {
    const changes = c.changes.map((ch) => `${ch.feature} ${fmtValue(ch.from)} → ${fmtValue(ch.to)}`).join(', ');
    lines.push(`${i + 1}. ${changes} (p = ${fmtNumber(c.probability, 4)}, distance ${fmtNumber(c.distance, 3)})`);
  });
  if (cf.reason !== undefined) lines.push('', cf.reason);
  return lines.join('\n');
}

/**
 * Renders the technical sections.
 *
 * @example
 * ```ts
 * const { why } = renderTechnical(deriveFacts({ ...input, audience: 'technical' }));
 * ```
 */
export function renderTechnical(f: NarrativeFacts): Narrative['sections'] {
  return { why: why(f), how: how(f), whatIf: whatIf(f) };
}
