/**
 * The report's sections made of words and tables: configuration, data, metrics with their
 * intervals, the transfer-vs-scratch verdict, shift diagnostics, the model card and the caveats.
 * All of them come from the model card built from the run (see `../card`), so the report and
 * the card never disagree.
 *
 * @module
 */
import type { ClassCount, DataDescription, ModelCard } from '../card/types.ts';
import { modelDetailRows } from '../card/model-details.ts';
import type { JsonObject } from '../card/run-files.ts';
import { esc, htmlTable, num } from './escape.ts';
import { facts, list, prose, type ReportSection } from './section.ts';

/** Longest JSON shown for one nested config.json value. */
const CONFIG_VALUE_CHARS = 240;

/**
 * What the model is and how it was trained: the card's model details, then config.json as recorded.
 *
 * @example
 * ```ts
 * const s = configurationSection(card, run.config);
 * ```
 */
export function configurationSection(card: ModelCard, config: JsonObject): ReportSection {
  const rows = Object.entries(config).map(([k, v]) => {
    const text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
    return [k, text.length > CONFIG_VALUE_CHARS ? `${text.slice(0, CONFIG_VALUE_CHARS)}…` : text];
  });
  const html = [
    facts(modelDetailRows(card.modelDetails)),
    '<h3>config.json</h3>',
    htmlTable(['setting', 'value'], rows),
  ].join('');
  return { id: 'configuration', title: 'Configuration', html, charts: 0 };
}

function balanceTable(balance: ClassCount[]): string {
  if (!balance.length) return '';
  return htmlTable(
    ['class', 'count', 'share'],
    balance.map((c) => [c.class, c.count, { html: `<span class="bar" style="width:${Math.round(60 * c.share)}px"></span> ${esc(num(100 * c.share, 1))}%` }]),
  );
}

/**
 * The training and evaluation data: names, sizes, class balance, and what the base model learned from.
 *
 * @example
 * ```ts
 * const s = dataSection(card);
 * ```
 */
export function dataSection(card: ModelCard): ReportSection {
  const s = card.trainingData.source;
  const e = card.evaluationData;
  const html = [
    '<h3>Training data</h3>',
    describeData(card.trainingData.target),
    '<h3>Evaluation data</h3>',
    describeData(e, e.role),
    '<h3>Source of the transferred knowledge</h3>',
    facts([
      ['Model', s.model],
      ['Description', s.description],
      ['Trained on', s.data],
      ['Its card', s.card],
    ]),
    list(s.notes),
  ].join('');
  return { id: 'data', title: 'Data', html, charts: 0 };
}

/** Name, description, size, notes and class balance of a dataset the card describes. */
function describeData(d: DataDescription, role?: string): string {
  return [
    facts([
      ['Role', role],
      ['Name', d.name],
      ['Description', d.description],
      ['Examples', d.size],
    ]),
    list(d.notes),
    balanceTable(d.classBalance),
  ].join('');
}

/**
 * Metrics with their 95% intervals and how each interval was computed, and the per-class table.
 *
 * @example
 * ```ts
 * const s = metricsSection(card); // accuracy (Wilson), macro F1 (bootstrap), …
 * ```
 */
export function metricsSection(card: ModelCard): ReportSection {
  const m = card.metrics;
  const range = (lo: number | null, hi: number | null) => ({ html: lo === null || hi === null ? 'none' : `<span class="nowrap">${esc(num(lo))} – ${esc(num(hi))}</span>` });
  const per = card.quantitativeAnalyses.perClass;
  const html = [
    `<p>Measured on the ${prose(m.evaluatedOn)}${m.n !== null ? ` (n = ${esc(m.n)})` : ''}.</p>`,
    htmlTable(['metric', 'value', '95% interval', 'how'], m.measures.map((x) => [x.name, x.value, range(x.low, x.high), x.interval])),
    list(m.notes),
    per.length ? '<h3>Per class</h3>' : '',
    per.length ? htmlTable(['class', 'precision', 'recall', 'recall 95% interval', 'F1', 'support'], per.map((r) => [r.class, r.precision, r.recall, range(r.recallLow, r.recallHigh), r.f1, r.support])) : '',
  ].join('');
  return { id: 'metrics', title: 'Metrics with 95% intervals', html, charts: 0 };
}

/**
 * Whether transfer (or adaptation) helped compared with training from scratch (or the source-only
 * model); undefined when the run has no verdict.
 *
 * @example
 * ```ts
 * const s = verdictSection(card); // undefined for a scratch run outside a compare experiment
 * ```
 */
export function verdictSection(card: ModelCard, chartHtml = '', charts = 0): ReportSection | undefined {
  const v = card.quantitativeAnalyses.verdict;
  if (!v) return undefined;
  const title = card.run.kind === 'adapt' ? 'Adapted vs source-only' : 'Transfer vs scratch';
  const html = `<div class="verdict ${esc(v.kind)}"><p><strong>${esc(v.kind)}</strong>: ${prose(v.text)}</p><p class="note">From ${prose(v.from)}.</p></div>${chartHtml}`;
  return { id: 'verdict', title, html, charts };
}

/**
 * The domain shift measured before and after adaptation (or by the compare experiment / advisor).
 *
 * @example
 * ```ts
 * const s = shiftSection(card); // proxy A-distance, MMD², CORAL distance before → after
 * ```
 */
export function shiftSection(card: ModelCard, chartHtml = '', charts = 0): ReportSection | undefined {
  const s = card.quantitativeAnalyses.shift;
  if (!s) return undefined;
  const html = [
    `<p class="note">From ${prose(s.from)}.</p>`,
    htmlTable(['measure', 'before', 'after', 'meaning'], s.measures.map((m) => [m.name, m.before, m.after, m.meaning])),
    chartHtml,
    list(s.notes),
  ].join('');
  return { id: 'shift', title: 'Shift diagnostics', html, charts };
}

/**
 * The group audit and the membership-inference check, when the run folder holds them.
 *
 * @example
 * ```ts
 * const s = fairnessSection(card);
 * ```
 */
export function fairnessSection(card: ModelCard, chartHtml = '', charts = 0): ReportSection | undefined {
  const g = card.quantitativeAnalyses.groups;
  const p = card.ethicalConsiderations.privacy;
  if (!g && !p) return undefined;
  const parts: string[] = [];
  if (g) {
    parts.push(
      '<h3>Groups</h3>',
      facts([
        ['Sensitive columns', g.sensitive.join(', ')],
        ['Positive class', g.positive],
        ['Privileged group', g.privileged],
      ]),
      htmlTable(['group', 'count', ...g.columns], g.rows.map((r) => [r.group, r.count, ...g.columns.map((c) => r.values[c] ?? null)])),
      htmlTable(['disparity', 'value', 'low', 'high'], g.measures.map((m) => [m.name, m.value, m.low, m.high])),
      chartHtml,
      list([...g.flags, ...g.warnings]),
    );
  }
  if (p) {
    parts.push(
      '<h3>Membership inference</h3>',
      facts([
        ['Loss attack AUC', num(p.lossAttackAuc)],
        ['Loss attack advantage', num(p.lossAttackAdvantage)],
        ['Likelihood-ratio AUC', num(p.likelihoodRatioAuc)],
        ['Reading', p.reading],
      ]),
    );
  }
  return { id: 'fairness', title: 'Groups and privacy', html: parts.join(''), charts };
}

/**
 * The author's statements from the saved model card (`model_card.json`), when the run folder
 * holds one; otherwise how to write it.
 *
 * @example
 * ```ts
 * const s = modelCardSection(saved, undefined, 'runs/iris');
 * ```
 */
export function modelCardSection(saved: ModelCard | undefined, problem: string | undefined, folder: string): ReportSection | undefined {
  if (!saved) {
    if (!problem) return undefined;
    return { id: 'model-card', title: 'Model card', html: `<p>The saved model card is left out: ${prose(problem)}. Write it again with <code>transferkit card ${esc(folder)}</code>.</p>`, charts: 0 };
  }
  const d = saved.modelDetails;
  const e = saved.ethicalConsiderations;
  const html = [
    `<p class="note">From model_card.json, generated ${esc(saved.generatedAt)}.</p>`,
    facts([
      ['Name', d.name],
      ['Version', d.version],
      ['Primary uses', saved.intendedUse.primaryUses],
      ['Out of scope', saved.intendedUse.outOfScope],
      ['Licence', d.licence],
      ['Citation', d.citation],
      ['Contact', d.contact],
    ]),
    '<h3>Ethical considerations</h3>',
    `<p>${prose(e.inheritedBias)}</p>`,
    list(e.considerations),
  ].join('');
  return { id: 'model-card', title: 'Model card', html, charts: 0 };
}

/**
 * What to keep in mind and what to do next (from the card built now).
 *
 * @example
 * ```ts
 * const s = caveatsSection(card);
 * ```
 */
export function caveatsSection(card: ModelCard): ReportSection | undefined {
  const c = card.caveatsAndRecommendations;
  if (!c.caveats.length && !c.recommendations.length) return undefined;
  const html = [c.caveats.length ? `<h3>Caveats</h3>${list(c.caveats)}` : '', c.recommendations.length ? `<h3>Recommendations</h3>${list(c.recommendations)}` : ''].join('');
  return { id: 'caveats', title: 'Caveats and recommendations', html, charts: 0 };
}
