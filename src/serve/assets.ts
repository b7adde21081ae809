/**
 * The dashboard's browser files: its own page, script and style (in ./public, shipped with the
 * package's sources), and the chart libraries (vega, vega-lite, vega-embed) read from the
 * installed packages. Only these fixed names are served; nothing comes from a network.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TransferkitError } from '../errors.ts';

/**
 * A file the dashboard serves: its bytes and content type.
 *
 * @example
 * ```ts
 * const { body, type } = await asset('app.js'); // type 'text/javascript; charset=utf-8'
 * ```
 */
export interface Asset {
  body: string;
  type: string;
}

/** The dashboard's own files, by the name the page asks for. */
const OWN: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/** The chart libraries: served name → package and file in it. */
const VENDOR: Record<string, [string, string]> = {
  'vega.js': ['vega', 'build/vega.min.js'],
  'vega-lite.js': ['vega-lite', 'build/vega-lite.min.js'],
  'vega-embed.js': ['vega-embed', 'build/vega-embed.min.js'],
};

/** This module's folder: the page files are in ./public here (src/serve), or in src/serve/public beside dist/ (the package ships src/). */
const HERE = dirname(fileURLToPath(import.meta.url));

const cache = new Map<string, Asset>();

/**
 * One of the dashboard's own files or a chart library, or undefined for any other name.
 *
 * @throws TransferkitError `FILE_NOT_FOUND` when a chart library's package is not installed.
 * @example
 * ```ts
 * const page = await asset('index.html');
 * const vega = await asset('vega.js');
 * ```
 */
export async function asset(name: string): Promise<Asset | undefined> {
  const hit = cache.get(name);
  if (hit) return hit;
  let path: string | undefined;
  let type: string;
  if (Object.hasOwn(OWN, name)) {
    path = [join(HERE, 'public', name), join(HERE, '..', '..', 'src', 'serve', 'public', name)].find((p) => existsSync(p));
    type = OWN[name];
  } else if (Object.hasOwn(VENDOR, name)) {
    const [pkg, file] = VENDOR[name];
    path = packageFile(pkg, file);
    if (!path) throw new TransferkitError('FILE_NOT_FOUND', `The dashboard's chart library ${pkg} is not installed (${pkg}/${file})`, { where: pkg, hint: `Install it next to transferkit: npm install ${pkg}` });
    type = 'text/javascript; charset=utf-8';
  } else {
    return undefined;
  }
  if (!path) return undefined;
  const a = { body: await readFile(path, 'utf8'), type };
  cache.set(name, a);
  return a;
}

/** `node_modules/<pkg>/<file>` in this folder or the nearest folder above that has it. */
function packageFile(pkg: string, file: string): string | undefined {
  for (let dir = HERE; ; dir = dirname(dir)) {
    const p = join(dir, 'node_modules', pkg, file);
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) return undefined;
  }
}
