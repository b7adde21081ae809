/**
 * Narratives: one explanation (prediction, attributions, counterfactuals, global importance, model)
 * rendered in words for a technical, business, regulatory or end-user audience.
 *
 * @module
 */
import { renderBusiness } from './business.ts';
import { renderEndUser } from './end-user.ts';
import { deriveFacts, type NarrativeFacts } from './facts.ts';
import { renderRegulatory } from './regulatory.ts';
import { renderTechnical } from './technical.ts';
import type { Audience, Narrative, NarrativeInput } from './types.ts';

const RENDERERS: Record<Audience, (f: NarrativeFacts) => Narrative['sections']> = {
  technical: renderTechnical,
  business: renderBusiness,
  regulatory: renderRegulatory,
  'end-user': renderEndUser,
};

const HEADINGS: Record<Audience, { title: string; why: string; how: string; whatIf: string }> = {
  technical: { title: 'Explanation (technical)', why: 'Attribution', how: 'Model and method', whatIf: 'Counterfactuals' },
  business: { title: 'Decision summary', why: 'Why', how: 'How this was assessed', whatIf: 'What would change the decision' },
  regulatory: { title: 'Explanation of automated decision', why: 'Principal reasons', how: 'Method and limitations', whatIf: 'What-if analysis' },
  'end-user': { title: 'About your result', why: 'Why you got this result', how: 'How it was decided', whatIf: 'What could change it' },
};

/**
 * Renders an explanation for `input.audience`: three sections (why / how / what-if), the whole as
 * markdown, and the numbers behind it. Missing pieces (no attributions, no counterfactuals, no
 * model details) are stated in a sentence. Throws `BAD_OPTION` on an unknown audience or
 * inconsistent input.
 *
 * @example
 * ```ts
 * const n = narrate({
 *   audience: 'end-user',
 *   subject: 'application',
 *   prediction: { label: 'declined', probability: 0.87, classes: ['approved', 'declined'] },
 *   attributions: { features: ['income', 'debt'], values: [0.9, 1.2], baseValue: -0.2, output: 1.9, link: 'logit', method: 'kernel-shap' },
 *   counterfactuals: await counterfactuals(predictApproved, x, domains),
 * });
 * console.log(n.text); // '# About your result\n\n## Why you got this result\n\nYour application was assessed as **declined**. …'
 * ```
 */
export function narrate(input: NarrativeInput): Narrative {
  const facts = deriveFacts(input);
  const sections = RENDERERS[input.audience](facts);
  const h = HEADINGS[input.audience];
  const text = `# ${h.title}\n\n## ${h.why}\n\n${sections.why}\n\n## ${h.how}\n\n${sections.how}\n\n## ${h.whatIf}\n\n${sections.whatIf}\n`;
  return { audience: input.audience, sections, text, numbers: facts.numbers };
}
