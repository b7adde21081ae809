/**
 * Seeded mutation cases for every loader: a case id (loader, seed, index) always builds the same
 * files in a case folder and runs the same public entry point on them.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile, copyFile, rm, link } from 'node:fs/promises';
import { join } from 'node:path';

/** The loaders the fuzzer drives. */
export const LOADERS = ['csv', 'jsonl', 'idx', 'bmp', 'png', 'image-folder', 'tfjs-model', 'onnx'] as const;
export type LoaderName = (typeof LOADERS)[number];

/** Small seeded generator (mulberry32). */
export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

/** The rng for one case: a hash of seed, loader and index. */
export function caseRng(seed: number, loader: string, index: number): Rand {
  let h = 2166136261 ^ seed;
  for (const ch of `${loader}#${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return new Rand(h >>> 0);
}

/* ---------------- byte mutations ---------------- */

export const BYTE_MUTATIONS = ['flip', 'truncate', 'insert', 'duplicate', 'zero-run', 'ff-run'] as const;

export function mutateBytes(buf: Uint8Array, r: Rand, kind: string = r.pick(BYTE_MUTATIONS)): Uint8Array {
  const b = Buffer.from(buf);
  const n = b.length;
  switch (kind) {
    case 'flip': {
      const k = 1 + r.int(8);
      for (let i = 0; i < k && n > 0; i++) b[r.int(n)] ^= 1 << r.int(8);
      return b;
    }
    case 'truncate':
      return b.subarray(0, r.int(n + 1));
    case 'insert': {
      const at = r.int(n + 1);
      const ins = Buffer.from(Array.from({ length: 1 + r.int(16) }, () => r.int(256)));
      return Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
    }
    case 'duplicate': {
      const a = r.int(n + 1);
      const e = Math.min(n, a + 1 + r.int(64));
      const at = r.int(n + 1);
      return Buffer.concat([b.subarray(0, at), b.subarray(a, e), b.subarray(at)]);
    }
    case 'zero-run':
    case 'ff-run': {
      const a = r.int(n + 1);
      const e = Math.min(n, a + 1 + r.int(16));
      b.fill(kind === 'zero-run' ? 0 : 0xff, a, e);
      return b;
    }
  }
  return b;
}

/* ---------------- text mutations ---------------- */

const TEXT_TOKENS = ['"', ',', '\n', '\r', '\r\n', '\0', '\uFEFF', 'NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '0x10', '', ' ', '""', '"a""b"', '\\', '{', '}', '[', ']', 'null', '💥', '\u2028', '9'.repeat(400), 'a'.repeat(5000)];
export const TEXT_MUTATIONS = ['token', 'delete-line', 'duplicate-line', 'swap-lines', 'empty-field', 'many-columns'] as const;

export function mutateText(s: string, r: Rand, kind: string = r.pick(TEXT_MUTATIONS)): string {
  const lines = s.split('\n');
  switch (kind) {
    case 'token': {
      const at = r.int(s.length + 1);
      return s.slice(0, at) + r.pick(TEXT_TOKENS) + s.slice(at + (r.next() < 0.5 ? r.int(4) : 0));
    }
    case 'delete-line':
      lines.splice(r.int(lines.length), 1);
      return lines.join('\n');
    case 'duplicate-line': {
      const i = r.int(lines.length);
      lines.splice(r.int(lines.length + 1), 0, ...Array(1 + r.int(3)).fill(lines[i]));
      return lines.join('\n');
    }
    case 'swap-lines': {
      const i = r.int(lines.length);
      const j = r.int(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }
    case 'empty-field': {
      const i = r.int(lines.length);
      const f = lines[i].split(',');
      f[r.int(f.length)] = r.pick(['', 'NaN', 'Infinity', '1e999', '"', 'x']);
      lines[i] = f.join(',');
      return lines.join('\n');
    }
    case 'many-columns': {
      const i = r.int(lines.length);
      lines[i] = lines[i] + ','.repeat(1 + r.int(2000));
      return lines.join('\n');
    }
  }
  return s;
}

/* ---------------- JSON mutations ---------------- */

type J = unknown;
const WEIRD_VALUES: J[] = [null, 0, -1, 1.5, 1e12, 2 ** 53, -(2 ** 31), 1e308, '', 'x', '12', [], [1, 2], {}, true, false, 'NaN'];
export const JSON_MUTATIONS = ['retype', 'delete-key', 'rename-key', 'huge-number', 'empty-container', 'wrap-array'] as const;

/** Every (container, key) position in a JSON value. */
function positions(v: J, out: [Record<string, J> | J[], string | number, string][] = [], path = ''): [Record<string, J> | J[], string | number, string][] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i, `${path}[${i}]`]), positions(x, out, `${path}[${i}]`)));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) (out.push([v as Record<string, J>, k, `${path}.${k}`]), positions((v as Record<string, J>)[k], out, `${path}.${k}`));
  return out;
}

/** The path of the value the last {@link mutateJson} call changed, e.g. `.modelTopology.config.layers[1].inbound_nodes[0]`. */
export let lastJsonPath = '';

/** Mutates a parsed JSON value in place (returns the possibly replaced root). */
export function mutateJson(root: J, r: Rand, kind: string = r.pick(JSON_MUTATIONS), pathFilter?: (key: string | number) => boolean): J {
  let pos = positions(root);
  if (pathFilter) {
    const f = pos.filter(([, k]) => pathFilter(k));
    if (f.length > 0) pos = f;
  }
  if (pos.length === 0) return (lastJsonPath = '', r.pick(WEIRD_VALUES));
  const [c, k, path] = r.pick(pos);
  lastJsonPath = path;
  const cur = (c as Record<string, J>)[k as string];
  const set = (v: J) => ((c as Record<string, J>)[k as string] = v);
  switch (kind) {
    case 'retype':
      set(typeof cur === 'number' ? r.pick([String(cur), [cur], null, true]) : typeof cur === 'string' ? r.pick([Number(cur) || 7, [cur], null, { cur }]) : Array.isArray(cur) ? r.pick([cur.length, String(cur), null, { 0: cur[0] }]) : r.pick(WEIRD_VALUES));
      break;
    case 'delete-key':
      if (Array.isArray(c)) c.splice(k as number, 1);
      else delete c[k as string];
      break;
    case 'rename-key':
      if (Array.isArray(c)) set(undefined);
      else {
        c[`${k as string}_x`] = cur;
        delete c[k as string];
      }
      break;
    case 'huge-number':
      set(r.pick([2 ** 31, 2 ** 32 + 3, 1e15, 2 ** 53 + 2, -5, 1e300, 0]));
      break;
    case 'empty-container':
      set(Array.isArray(cur) ? [] : typeof cur === 'object' && cur !== null ? {} : r.pick(WEIRD_VALUES));
      break;
    case 'wrap-array':
      set([cur, cur]);
      break;
  }
  return root;
}

/* ---------------- file-system tricks ---------------- */

export const FS_TRICKS = ['symlink-dev-zero', 'symlink-outside', 'fifo', 'directory', 'empty', 'dangling-symlink'] as const;

let outsideFile: string | null = null;
/** A file outside every case folder (the tricks link to it). */
export async function outside(root: string): Promise<string> {
  if (!outsideFile) {
    outsideFile = join(root, '..', `fuzz-outside-${process.pid}.txt`);
    await writeFile(outsideFile, 'secret,data\n1,2\n'.repeat(10));
  }
  return outsideFile;
}

/** Replaces the file at `path` by a trick. */
export async function fsTrick(path: string, trick: string, root: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  switch (trick) {
    case 'symlink-dev-zero':
      await symlink('/dev/zero', path);
      break;
    case 'symlink-outside':
      await symlink(await outside(root), path);
      break;
    case 'fifo':
      // a hard link to the runner's FIFO is a FIFO; spawning mkfifo from a worker holding loaded
      // models failed now and then with ENOMEM (the fork), which is the harness, not the loader
      if (process.env.FUZZ_FIFO) await link(process.env.FUZZ_FIFO, path);
      else execFileSync('mkfifo', [path]);
      break;
    case 'directory':
      await mkdir(path);
      break;
    case 'empty':
      await writeFile(path, '');
      break;
    case 'dangling-symlink':
      await symlink(join(root, 'no-such-file'), path);
      break;
  }
}

export const PATH_TRICKS = ['/etc/passwd', '../../../etc/passwd', '../outside.bin', 'a\0b.bin', 'x'.repeat(5000), 'sub/'.repeat(300) + 'w.bin', '', '.', '..', 'weights.bin/', '~/w.bin', 'C:\\w.bin', 'file:///etc/passwd', '%2e%2e/w.bin', '/dev/zero'];

export { readFile, writeFile, copyFile, mkdir, rm };
