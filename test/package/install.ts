/**
 * Packs transferkit as `npm publish` would and installs the tarball into an empty project,
 * offline: the project's lockfile is written from transferkit's own (the same dependency
 * versions `npm ci` put in npm's cache), so `npm ci --offline` installs it without a network.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { distIsFresh } from '../../scripts/cli-command.ts';

const run = promisify(execFile);

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  [key: string]: unknown;
}

/** Builds dist/ unless it is newer than every source file (`npm test` has just built it). */
export async function ensureBuilt(): Promise<void> {
  if (!distIsFresh()) await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
}

/**
 * `npm pack` into `dir` (scripts off: dist/ is already built) and returns the tarball's path
 * and the list of files it holds.
 */
export async function pack(dir: string): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 64 << 20 });
  const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: join(dir, info.filename), files: info.files.map((f) => f.path) };
}

/**
 * Creates a project in `dir` that depends on the tarball (and, as dev dependencies, on the named
 * packages of transferkit's own lockfile, e.g. `typescript`), then installs it with
 * `npm ci --offline`.
 */
export async function installInto(dir: string, tarball: string, devPackages: string[] = []): Promise<void> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const devWanted = new Set<string>();
  const addWithDeps = (name: string) => {
    const key = `node_modules/${name}`;
    if (devWanted.has(key) || !lock.packages[key]) return;
    devWanted.add(key);
    const entry = lock.packages[key];
    for (const dep of Object.keys({ ...(entry.dependencies as object), ...(entry.optionalDependencies as object) })) addWithDeps(dep);
  };
  for (const name of devPackages) addWithDeps(name);

  const packages: Record<string, LockEntry> = {};
  const rel = `file:${tarball}`;
  const devDependencies = Object.fromEntries(devPackages.map((n) => [n, lock.packages[`node_modules/${n}`].version!]));
  packages[''] = { name: 'tk-user', version: '1.0.0', dependencies: { transferkit: rel }, devDependencies };
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  packages['node_modules/transferkit'] = {
    version: own.version as string,
    resolved: rel,
    integrity,
    license: own.license,
    dependencies: own.dependencies,
    ...(own.peerDependencies ? { peerDependencies: own.peerDependencies } : {}),
    ...(own.peerDependenciesMeta ? { peerDependenciesMeta: own.peerDependenciesMeta } : {}),
    bin: own.bin,
    engines: own.engines,
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/')) continue;
    const isDev = entry.dev === true;
    if (isDev && !devWanted.has(key)) continue;
    const { dev: _dev, devOptional: _devOptional, ...rest } = entry;
    packages[key] = devWanted.has(key) && isDev ? { ...rest, dev: true } : rest;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'tk-user', version: '1.0.0', private: true, type: 'module', dependencies: { transferkit: rel }, devDependencies }, null, 2));
  await writeFile(join(dir, 'package-lock.json'), JSON.stringify({ name: 'tk-user', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: 64 << 20, env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
}

/** Reads a JSON file. */
export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
