/**
 * The architecture as a rule: src/ is a stack of layers and imports only point down (or within a
 * folder). Files import no file that (directly or through others) imports them back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

/**
 * The layers, bottom first. A module may import its own folder and the folders of lower layers;
 * folders on one layer do not import each other.
 */
export const LAYERS: string[][] = [
  ['errors.ts'],
  ['util'],
  ['runs'],
  ['engine'],
  ['measures'],
  ['data'],
  ['models'],
  ['transfer'],
  ['choose', 'unsupervised'],
  ['adapt'],
  ['explain'],
  ['audit', 'privacy'],
  ['report'],
  ['serve'],
  ['cli'],
  ['index.ts'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The relative imports of a file (static, dynamic, re-exports, type-only), as absolute paths. */
function importsOf(file: string): string[] {
  // code only: TSDoc examples show imports too
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
    .join('\n');
  return [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => normalize(join(dirname(file), m[1])));
}

/** The top folder (or top-level file) of a path under src/. */
const top = (file: string) => relative(SRC, file).split(sep)[0];
const layerOf = (folder: string) => LAYERS.findIndex((l) => l.includes(folder));

const files = sources(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

test('every folder of src/ has a layer', () => {
  const folders = new Set(files.map(top));
  for (const f of folders) assert.ok(layerOf(f) >= 0, `src/${f} is in no layer of test/architecture/layers.test.ts`);
});

test('imports point down the layers: no upward arrow, no arrow within a layer between folders', () => {
  const wrong: string[] = [];
  for (const [file, imports] of graph) {
    for (const target of imports) {
      const [a, b] = [top(file), top(target)];
      if (a === b) continue;
      if (layerOf(b) >= layerOf(a)) wrong.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)} (${a} → ${b})`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('no import cycles between files', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (!graph.has(t)) continue;
      if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].map((p) => relative(SRC, p)).join(' → '));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  assert.deepEqual(cycles, []);
});

test("README's source layout lists the layers in this order", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- layers -->([\s\S]*?)<!-- \/layers -->/.exec(readme)?.[1];
  assert.ok(block, 'README has a <!-- layers --> section');
  const named = [...block.matchAll(/`src\/([a-z.]+)`/g)].map((m) => m[1]);
  const expected = LAYERS.flat().filter((f) => f !== 'index.ts');
  assert.deepEqual(named, expected, 'README names every folder once, bottom layer first');
});

test('the rule catches an upward import (the check itself works)', () => {
  const fake = join(SRC, 'measures', 'x.ts');
  const target = normalize(join(SRC, 'measures', '../transfer/fit.ts'));
  assert.ok(layerOf(top(target)) > layerOf(top(fake)), 'measures → transfer would be flagged');
  assert.deepEqual(importsOf(join(SRC, 'cli', 'main.ts')), [join(SRC, 'cli', 'program.ts')]);
});
