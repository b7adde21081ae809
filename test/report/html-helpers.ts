/**
 * Checks shared by the HTML report tests: one self-contained page, its inline charts, its sections.
 */
import assert from 'node:assert/strict';

/** Asserts the page loads nothing from outside and runs no script; returns the number of inline `<svg>` charts. */
export function assertSelfContained(html: string): number {
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/, 'responsive: a viewport meta');
  assert.match(html, /@media \(max-width: 640px\)/, 'responsive CSS');
  assert.match(html, /@media print/, 'print CSS');
  assert.doesNotMatch(html, /\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i, 'no src/href to an external resource');
  assert.doesNotMatch(html, /https?:\/\//i, 'no URL at all');
  assert.doesNotMatch(html, /<script|<link\b|<iframe|<img\b|@import|url\((?!#)/i, 'no script, stylesheet link, frame, image or CSS url');
  const svgs = html.match(/<svg\b/g)?.length ?? 0;
  assert.equal(html.match(/<\/svg>/g)?.length ?? 0, svgs, 'every <svg> closed');
  assert.equal(html.match(/<figure class="chart"/g)?.length ?? 0, svgs, 'one chart per figure');
  // every id is unique across the charts (clip paths of one chart must not capture another's)
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  return svgs;
}

/** The ids of the page's sections, in order. */
export function sectionIds(html: string): string[] {
  return [...html.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);
}
