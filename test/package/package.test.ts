import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt, installInto, pack, readJson, ROOT } from './install.ts';

const run = promisify(execFile);

let work: string;
let project: string;
let files: string[];

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'tk-pack-'));
  await ensureBuilt();
  const packed = await pack(work);
  files = packed.files;
  project = join(work, 'user-project');
  await installInto(project, packed.tarball, ['typescript']);
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('the tarball holds the compiled JavaScript, its types, the CLI, the zoo, the dashboard page and the built-in data, and no tests', () => {
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/cli/main.js', 'bin/transferkit.js', 'models/fashion-cnn/model.json', 'src/serve/public/index.html', 'src/serve/public/app.js', 'datasets/austen/austen.tsv.gz', 'package.json', 'README.md']) {
    assert.ok(files.includes(f), `${f} is packed`);
  }
  assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('bench/') || f.endsWith('.tgz')), 'no tests, benchmarks or tarballs');
  // tsx is a development tool only: the installed package runs without it
  assert.ok(!existsSync(join(project, 'node_modules', 'tsx')), 'tsx is not installed for users');
});

test('plain Node (ESM) imports the package and every subpath of its exports map', async () => {
  const pkg = await readJson<{ exports: Record<string, unknown> }>(join(ROOT, 'package.json'));
  const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json').map((k) => (k === '.' ? 'transferkit' : `transferkit/${k.slice(2)}`));
  assert.ok(subpaths.length >= 8, 'the main areas have subpath exports');
  const app = `
import { initEngine, loadDataset, listZooModels } from 'transferkit';
const counts = {};
for (const path of ${JSON.stringify(subpaths)}) counts[path] = Object.keys(await import(path)).length;
const info = await initEngine();
const iris = await loadDataset('builtin:iris');
console.log(JSON.stringify({ backend: info.backend, zoo: listZooModels().map((m) => m.name), iris: iris.size, counts }));
`;
  await writeFile(join(project, 'app.mjs'), app);
  const { stdout } = await run(process.execPath, ['app.mjs'], { cwd: project });
  const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(out.backend, 'wasm');
  assert.ok(out.zoo.includes('fashion-cnn'), 'the zoo ships with the package');
  assert.equal(out.iris, 150);
  for (const path of subpaths) assert.ok(out.counts[path] > 0, `${path} exports something`);
});

test('the installed CLI runs from dist/ without tsx', async () => {
  const bin = join(project, 'node_modules', '.bin', 'transferkit');
  const help = await run(bin, ['--help'], { cwd: project });
  for (const command of ['fit', 'predict', 'explain', 'adapt', 'demo']) assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
  const models = await run(bin, ['models', '--json'], { cwd: project });
  assert.ok(JSON.parse(models.stdout).models.some((m: { name: string; available: boolean }) => m.name === 'fashion-cnn' && m.available));
});

test('a strict TypeScript project type-checks against the package (default and tsc --init module settings)', async () => {
  const app = `
import { initEngine, loadDataset, type Dataset, type EngineInfo } from 'transferkit';
import { exactShapley } from 'transferkit/explain';
import { logME } from 'transferkit/measures';

const info: EngineInfo = await initEngine();
const iris: Dataset = await loadDataset('builtin:iris');
const classes: string[] = iris.classes;
console.log(info.backend, classes.length, typeof exactShapley, typeof logME);
`;
  await writeFile(join(project, 'app.ts'), app);
  const tsc = join(project, 'node_modules', '.bin', 'tsc');
  // skipLibCheck as tsc --init writes it: @tensorflow/tfjs's own declarations do not pass strict checks
  const configs = {
    'tsconfig.minimal.json': { compilerOptions: { strict: true, skipLibCheck: true, noEmit: true }, include: ['app.ts'] },
    'tsconfig.init.json': {
      compilerOptions: { module: 'nodenext', target: 'esnext', types: [], strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, verbatimModuleSyntax: true, isolatedModules: true, skipLibCheck: true, noEmit: true },
      include: ['app.ts'],
    },
  };
  for (const [name, config] of Object.entries(configs)) {
    await writeFile(join(project, name), JSON.stringify(config));
    const res = await run(tsc, ['-p', name], { cwd: project }).catch((err: { stdout: string }) => ({ stdout: err.stdout, failed: true }));
    assert.ok(!('failed' in res), `${name}: tsc --noEmit passes:\n${res.stdout}`);
  }
  // and the types are real: a wrong use is an error
  await writeFile(join(project, 'wrong.ts'), `import { loadDataset } from 'transferkit';\nconst n: string = (await loadDataset('builtin:iris')).size;\nconsole.log(n);\n`);
  await writeFile(join(project, 'tsconfig.wrong.json'), JSON.stringify({ ...configs['tsconfig.minimal.json'], include: ['wrong.ts'] }));
  await assert.rejects(run(tsc, ['-p', 'tsconfig.wrong.json'], { cwd: project }), (err: { stdout: string }) => /TS2322/.test(err.stdout));
});
