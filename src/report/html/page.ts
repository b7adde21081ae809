/**
 * The report page: one self-contained HTML document (inline styles and SVG, no script, no
 * external resource), a contents list, then the sections.
 *
 * @module
 */
import type { ModelCard } from '../card/types.ts';
import { esc } from './escape.ts';
import type { ReportSection } from './section.ts';
import { REPORT_CSS } from './styles.ts';

/**
 * The whole HTML document of a run's report.
 *
 * @example
 * ```ts
 * const html = reportPage(card, sections);
 * ```
 */
export function reportPage(card: ModelCard, sections: ReportSection[]): string {
  const d = card.modelDetails;
  const title = `${card.run.kind} run ${card.run.folder}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(`Report: ${title}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header class="report">
<h1>Report: ${esc(d.name)}</h1>
<p>${esc(d.type)}</p>
<p class="muted">The ${esc(card.run.kind)} run <code>${esc(card.run.folder)}</code>; generated ${esc(card.generatedAt)} by transferkit ${esc(d.transferkitVersion)}.</p>
</header>
<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>${sections.map((s) => `<li><a href="#${esc(s.id)}">${esc(s.title)}</a></li>`).join('')}</ol></nav>
${sections.map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>${s.html}</section>`).join('\n')}
<footer>Self-contained: this file loads nothing from the network. Numbers come from the run folder's files; intervals are 95%.</footer>
</main>
</body>
</html>
`;
}
