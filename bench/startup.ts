/**
 * CLI start-up time: `transferkit --help` and `transferkit fit --help` as users run them (the
 * compiled CLI in dist/, through bin/transferkit.js), against the same commands run from the
 * TypeScript sources through tsx (how the CLI ran before it was compiled), median of 5 each,
 * measured in one process. Build first (`npm run build`).
 *
 * Run alone with `npm run bench:startup` (writes bench/startup.json and README's startup table),
 * or as part of `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/util/atomic.ts';

/** One start-up measurement. */
export interface StartupRow {
  command: string;
  /** `dist` (compiled, what users run) or `tsx` (sources through tsx, the old way). */
  runs: 'dist' | 'tsx';
  /** Median wall time of 5 starts, in seconds. */
  medianSeconds: number;
  /** All five times, in seconds. */
  seconds: number[];
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Median of a non-empty list. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Wall time of one start of `node ...args`, in seconds. */
function time(args: string[]): number {
  const t0 = performance.now();
  execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  return (performance.now() - t0) / 1000;
}

/**
 * Times `--help` and `fit --help` from dist/ and from the sources (median of `repeats`).
 *
 * @example
 * ```ts
 * const rows = benchStartup(); // [{ command: 'transferkit --help', runs: 'dist', medianSeconds: 0.08, … }, …]
 * ```
 */
export function benchStartup(repeats = 5): StartupRow[] {
  const bin = `${ROOT}bin/transferkit.js`;
  const tsx = ['--import', import.meta.resolve('tsx'), `${ROOT}src/cli/main.ts`];
  const rows: StartupRow[] = [];
  for (const extra of [['--help'], ['fit', '--help']]) {
    for (const [runs, prefix] of [['dist', [bin]], ['tsx', tsx]] as const) {
      time([...prefix, ...extra]); // warm the file cache
      const seconds = Array.from({ length: repeats }, () => time([...prefix, ...extra]));
      rows.push({ command: `transferkit ${extra.join(' ')}`, runs, medianSeconds: median(seconds), seconds });
    }
  }
  return rows;
}

/** The README table of the rows. */
export function startupTable(rows: StartupRow[]): string {
  return [
    '| command | runs from | median of 5 | × faster than tsx |',
    '|---|---|---|---|',
    ...rows.map((r) => {
      const ref = rows.find((o) => o.command === r.command && o.runs === 'tsx')!;
      return `| \`${r.command}\` | ${r.runs === 'dist' ? 'dist/ (compiled)' : 'src/ through tsx'} | ${r.medianSeconds.toFixed(3)} s | ${(ref.medianSeconds / r.medianSeconds).toFixed(1)} |`;
    }),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = benchStartup();
  await writeFile(`${ROOT}bench/startup.json`, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n');
  const table = startupTable(rows);
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  await writeFileAtomic(
    `${ROOT}README.md`,
    readme.replace(/<!-- startup-table -->[\s\S]*<!-- \/startup-table -->/, `<!-- startup-table -->\n${table}\n\n_${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 2 CPU cores (\`npm run bench:startup\`)._\n<!-- /startup-table -->`),
  );
  console.log(table);
}
