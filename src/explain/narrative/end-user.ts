/**
 * The end-user narrative: second person, no jargon, at most five short sentences per section.
 *
 * @module
 */
import type { Counterfactual } from '../counterfactual/types.ts';
import { changeParts, displayName, supportsPrediction, type NarrativeFacts } from './facts.ts';
import { fmtPercent, fmtValue, joinWords } from './format.ts';
import type { Narrative } from './types.ts';

function yourFactor(f: NarrativeFacts, feature: string, input?: number | string): string {
  return `your ${displayName(feature, f.input.featureLabels)}${input !== undefined ? ` (${fmtValue(input)})` : ''}`;
}

function why(f: NarrativeFacts): string {
  const { prediction: p } = f.input;
  const out = [`Your ${f.input.subject ?? 'case'} was assessed as **${p.label}**.`, `The system was ${fmtPercent(p.probability)} sure of this result.`];
  if (f.ranked.length === 0) {
    out.push('We cannot list the reasons for this result.');
    return out.join(' ');
  }
  const reasons = f.ranked.filter((r) => supportsPrediction(f, r.value)).slice(0, f.topK);
  const against = f.ranked.filter((r) => !supportsPrediction(f, r.value) && r.value !== 0).slice(0, 2);
  if (reasons.length > 0) out.push(`The main ${reasons.length === 1 ? 'reason was' : 'reasons were'} ${joinWords(reasons.map((r) => yourFactor(f, r.feature, r.input)))}.`);
  if (against.length > 0) out.push(`${joinWords(against.map((r) => yourFactor(f, r.feature, r.input))).replace(/^y/, 'Y')} pointed the other way.`);
  return out.join(' ');
}

function how(f: NarrativeFacts): string {
  const out = ['This result was produced by an automated system that learned from many past cases.'];
  if (f.input.attributions !== undefined) out.push('To find the main reasons, we measured how much each piece of your information moved the result compared with a typical case.');
  const acc = f.input.model?.accuracy;
  if (acc !== undefined) out.push(`When it was tested, it was right about ${Math.round(acc * 100)} times out of 100.`);
  return out.join(' ');
}

function ifYour(f: NarrativeFacts, cf: Counterfactual): string {
  return joinWords(
    cf.changes.map((ch) => {
      const name = displayName(ch.feature, f.input.featureLabels);
      const part = changeParts(ch);
      if (part.kind === 'numeric') return `your ${name} were ${fmtValue(Math.abs(part.delta))} ${part.delta > 0 ? 'higher' : 'lower'}`;
      return `your ${name} were "${ch.to}" instead of "${ch.from}"`;
    }),
  );
}

function whatIf(f: NarrativeFacts): string {
  const cf = f.input.counterfactuals;
  if (cf === undefined) return 'We did not check what could change this result.';
  if (f.counterfactuals.length === 0) {
    if (cf.query.probability >= cf.threshold) return 'No change is needed.';
    return 'We could not find a simple change, within realistic limits, that would change this result.';
  }
  const [first, ...others] = f.counterfactuals;
  const out = [`If ${ifYour(f, first)}, the result would likely be ${f.desired}.`];
  for (const c of others.slice(0, 2)) out.push(`It would also likely change if ${ifYour(f, c)}.`);
  if (cf.heldFixed.length > 0) {
    out.push(`These examples keep ${joinWords(cf.heldFixed.map((n) => `your ${displayName(n, f.input.featureLabels)}`))} as ${cf.heldFixed.length === 1 ? 'it is' : 'they are'}.`);
  }
  return out.join(' ');
}

/**
 * Renders the end-user sections.
 *
 * @example
 * ```ts
 * const { whatIf } = renderEndUser(deriveFacts({ ...input, audience: 'end-user', subject: 'application' }));
 * // 'If your income were 60,000 higher, the result would likely be approved. …'
 * ```
 */
export function renderEndUser(f: NarrativeFacts): Narrative['sections'] {
  return { why: why(f), how: how(f), whatIf: whatIf(f) };
}
