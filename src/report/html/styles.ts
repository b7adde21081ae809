/**
 * The run report's style sheet, inlined into the page: readable on a phone (one column, tables
 * and charts scroll or shrink inside their box), on a desktop, and printed (no navigation,
 * sections kept together, links shown as text).
 *
 * @module
 */

/** The page's colours. */
const C = { fg: '#1d2430', muted: '#5b6575', line: '#d9dee6', bg: '#ffffff', panel: '#f5f7fa', good: '#1b7f3b', bad: '#b3261e', accent: '#2f5aa8' };

/**
 * CSS of the report page (no external fonts or images).
 *
 * @example
 * ```ts
 * const page = `<style>${REPORT_CSS}</style>`;
 * ```
 */
export const REPORT_CSS = `
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: ${C.fg}; background: ${C.bg}; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
header.report { border-bottom: 2px solid ${C.line}; margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid ${C.line}; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p, li { overflow-wrap: anywhere; }
.muted, caption, .note { color: ${C.muted}; font-size: .9rem; }
caption { text-align: left; padding: .2rem 0; caption-side: top; }
nav.toc ol { columns: 2; padding-left: 1.2rem; margin: .5rem 0; }
section { break-inside: auto; }
.table-wrap { overflow-x: auto; max-width: 100%; margin: .5rem 0 1rem; }
table { border-collapse: collapse; min-width: 50%; font-size: .92rem; }
th, td { border-bottom: 1px solid ${C.line}; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: ${C.panel}; font-weight: 600; }
td .nowrap { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0 1rem; }
dl.facts dt { font-weight: 600; color: ${C.muted}; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
figure.chart { margin: 1rem 0; padding: .5rem; border: 1px solid ${C.line}; border-radius: 6px; background: #fff; overflow-x: auto; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figure.chart figcaption { color: ${C.muted}; font-size: .88rem; margin-top: .3rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 0 1rem; }
.verdict { padding: .6rem .8rem; border-left: 4px solid ${C.accent}; background: ${C.panel}; }
.verdict.improved, .verdict.helped { border-color: ${C.good}; }
.verdict.worse, .verdict.negative { border-color: ${C.bad}; }
.bar { display: inline-block; height: .7em; background: ${C.accent}; vertical-align: middle; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88rem; }
pre { background: ${C.panel}; padding: .6rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 3rem; color: ${C.muted}; font-size: .85rem; border-top: 1px solid ${C.line}; padding-top: .5rem; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  main { padding: 1rem .6rem 2rem; }
  nav.toc ol { columns: 1; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .4rem; }
  .charts { grid-template-columns: 1fr; }
  th, td { padding: .25rem .4rem; }
}
@media print {
  @page { margin: 1.5cm; }
  body { font-size: 11pt; color: #000; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  table, figure.chart, dl.facts, .verdict { break-inside: avoid; page-break-inside: avoid; }
  .table-wrap { overflow: visible; }
  figure.chart { border: none; padding: 0; }
  .charts { display: block; }
  a { color: inherit; text-decoration: none; }
}
`;
