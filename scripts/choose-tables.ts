/**
 * Renders the README tables of "Choosing the transfer" from the measured JSON in results/choose/, so the
 * numbers in the README are never typed by hand:
 *
 * | file | made by |
 * |---|---|
 * | results/choose/rank-bench.json | `node --import tsx scripts/rank-bench.ts` |
 * | results/choose/advisor-bench.json | `node --import tsx scripts/advisor-bench.ts` |
 * | results/choose/compare-shuffled.json | `transferkit compare --base fashion-shuffled-cnn --train builtin:mnist --per-class 100 --seeds 3 --cut-at default --out runs/compare-shuffled-mnist --json > results/choose/compare-shuffled.json` |
 * | results/choose/curve.json | `transferkit curve --base fashion-cnn --train builtin:mnist --sizes 1,10,100 --seeds 3 --out runs/curve-fashion-mnist --json > results/choose/curve.json` |
 *
 *   node --import tsx scripts/choose-tables.ts            # print the markdown
 *   node --import tsx scripts/choose-tables.ts --write    # replace the block between the choose-tables markers of README.md
 *
 * Options (environment): RUNS (folder of the JSON files, default results/choose), README (default README.md).
 * A missing or unreadable file is named in the output instead of its table.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const runs = process.env.RUNS ?? 'results/choose';
const readmePath = process.env.README ?? 'README.md';

type Metric = 'logme' | 'leep' | 'hscore' | 'nce';
const METRICS: Array<[Metric, string]> = [
  ['logme', 'LogME'],
  ['leep', 'LEEP'],
  ['hscore', 'H-score'],
  ['nce', 'NCE'],
];

interface RankRow {
  candidate: string;
  scores: Record<Metric, number>;
  accuracy: number;
  std: number;
}
interface RankTarget {
  target: string;
  perClass: number;
  seeds: number[];
  testSize: number;
  rows: RankRow[];
  tau: Record<Metric, number>;
}
interface QuadrantResult {
  quadrant: string;
  strategy: string;
  unfreeze: string[];
  cutAt?: string;
  accuracy: number;
  std: number;
}
interface AdvisorRow {
  base: string;
  target: string;
  perClass: number;
  pad: number;
  mmdP: number;
  labelMatch: number;
  quadrant: string;
  results: QuadrantResult[];
  best: string;
  gapPoints: number;
  withinOnePoint: boolean;
}
interface StrategyPoint {
  strategy: string;
  accuracy: number;
  std: number;
  perSeed: number[];
  seconds: number;
}
interface Verdict {
  kind: string;
  strategy: string;
  text: string;
  cause?: string;
}
interface CurvePoint {
  size: number | 'all';
  examples: number;
  results: StrategyPoint[];
  verdicts: Verdict[];
  verdict?: Verdict;
}
interface Curve {
  base: string;
  target: string;
  test: string;
  testSize: number;
  seeds: number[];
  sizes: Array<number | 'all'>;
  points: CurvePoint[];
  dataEfficiency: Array<{ statement: string }>;
  shift?: { pad?: number; mmdPValue?: number };
  cut: { layer: string | null; reason: string };
}

/** Reads runs/<name>, or returns the reason it cannot. */
function load<T>(name: string): T | string {
  const path = join(runs, name);
  if (!existsSync(path)) return `_${path} is missing: no measured numbers for this table._`;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    return `_${path} could not be read (${(err as Error).message})._`;
  }
}

const pct = (x: number) => (100 * x).toFixed(1);
const pm = (m: number, s: number) => `${pct(m)} ± ${pct(s)}`;
const seedList = (s: number[]) => (s.length > 1 && s.every((v, i) => i === 0 || v === s[i - 1] + 1) ? `seeds ${s[0]}–${s.at(-1)}` : `seed${s.length > 1 ? 's' : ''} ${s.join(', ')}`);
const TARGET_NAME: Record<string, string> = { mnist: 'MNIST digits', fashion: 'Fashion-MNIST' };

function rankTables(): string {
  const data = load<{ candidates: string[]; report: RankTarget[] }>('rank-bench.json');
  if (typeof data === 'string') return data;
  const out: string[] = [];
  for (const t of data.report) {
    out.push(
      `**${TARGET_NAME[t.target] ?? t.target}** (${t.perClass} labels per class, ${seedList(t.seeds)}, test set of ${t.testSize}):`,
      '',
      `| candidate | ${METRICS.map(([, n]) => n).join(' | ')} | fine-tuned test accuracy % |`,
      `|---|${METRICS.map(() => '---:').join('|')}|---:|`,
    );
    for (const r of [...t.rows].sort((a, b) => b.accuracy - a.accuracy)) {
      out.push(`| ${r.candidate} | ${r.scores.logme.toFixed(3)} | ${r.scores.leep.toFixed(3)} | ${r.scores.hscore.toFixed(2)} | ${r.scores.nce.toFixed(3)} | ${pm(r.accuracy, r.std)} |`);
    }
    out.push(`| **Kendall τ with accuracy** | ${METRICS.map(([m]) => `**${t.tau[m].toFixed(2)}**`).join(' | ')} | |`, '');
  }
  const passing = data.report.filter((t) => t.tau.logme >= 0.5);
  out.push(
    `Goal (LogME τ ≥ 0.5 on at least two targets): **${passing.length >= 2 ? 'met' : 'not met'}** — LogME τ ${data.report.map((t) => `${t.tau.logme.toFixed(2)} on ${TARGET_NAME[t.target] ?? t.target}`).join(', ')}.`,
  );
  return out.join('\n');
}

function advisorTable(): string {
  const data = load<{ seeds: number[]; rows: AdvisorRow[] }>('advisor-bench.json');
  if (typeof data === 'string') return data;
  const quadrants = ['small-similar', 'large-similar', 'small-different', 'large-different'];
  const plan = (r: QuadrantResult) => (r.strategy === 'extract' ? 'head only' : `${r.cutAt ? `cut at ${r.cutAt}, ` : ''}unfreeze ${r.unfreeze.join('+')}`);
  const first = data.rows[0]?.results ?? [];
  const header = quadrants.map((q) => {
    const r = first.find((x) => x.quadrant === q);
    return `${q}${r ? ` (${plan(r)})` : ''}`;
  });
  const out = [
    `Test accuracy % (mean ± std over ${seedList(data.seeds)}); **bold**: the best plan; ✓: the advisor's pick. PAD: proxy A-distance (0 same, 2 fully separable); label match: share of the target-label entropy the source model's own predictions explain.`,
    '',
    `| source → target | labels per class | PAD | label match | ${header.join(' | ')} | advisor's pick | gap to best (points) |`,
    `|---|---:|---:|---:|${quadrants.map(() => '---:').join('|')}|---|---:|`,
  ];
  for (const row of data.rows) {
    const cells = quadrants.map((q) => {
      const r = row.results.find((x) => x.quadrant === q);
      if (!r) return '—';
      const v = pm(r.accuracy, r.std);
      return `${q === row.best ? `**${v}**` : v}${q === row.quadrant ? ' ✓' : ''}`;
    });
    out.push(
      `| ${row.base} → ${TARGET_NAME[row.target] ?? row.target} | ${row.perClass} | ${row.pad.toFixed(2)} | ${row.labelMatch.toFixed(2)} | ${cells.join(' | ')} | ${row.quadrant} | ${row.gapPoints.toFixed(1)} |`,
    );
  }
  const within = data.rows.filter((r) => r.withinOnePoint).length;
  const exact = data.rows.filter((r) => r.quadrant === r.best).length;
  out.push(
    '',
    `Goal (within 1 point of the best quadrant plan on at least 3 pairs): **${within >= 3 ? 'met' : 'not met'}** — within 1 point on ${within} of ${data.rows.length} pairs; the advisor picked the single best plan on ${exact}, and its largest gap is ${Math.max(...data.rows.map((r) => r.gapPoints)).toFixed(1)} points.`,
  );
  return out.join('\n');
}

function curveRows(c: Curve, strategies: string[]): string[] {
  return c.points.map((p) => {
    const cells = strategies.map((s) => {
      const r = p.results.find((x) => x.strategy === s);
      return r ? pm(r.accuracy, r.std) : '—';
    });
    return `| ${p.size} | ${p.examples} | ${cells.join(' | ')} | ${p.verdict ? p.verdict.text : '—'} |`;
  });
}

function shuffledTable(): string {
  const c = load<Curve>('compare-shuffled.json');
  if (typeof c === 'string') return c;
  const p = c.points[0];
  const scratch = p.results.find((r) => r.strategy === 'scratch');
  const out = [
    `**${c.base} → ${c.target.replace('builtin:', '')}**, ${p.size} labels per class (${p.examples} examples), ${seedList(c.seeds)}, test set of ${c.testSize} (${c.test}); transfer cut: ${c.cut.layer ?? 'default'} — ${c.cut.reason}.`,
    '',
    '| strategy | test accuracy % | per seed | verdict against scratch |',
    '|---|---:|---|---|',
  ];
  for (const r of p.results) {
    const v = p.verdicts.find((x) => x.strategy === r.strategy);
    out.push(`| ${r.strategy} | ${pm(r.accuracy, r.std)} | ${r.perSeed.map(pct).join(', ')} | ${v ? v.text : r === scratch ? '(the baseline)' : '—'} |`);
  }
  out.push('');
  if (p.verdict) out.push(`Verdict: **${p.verdict.text}**.${p.verdict.cause ? ` Likely cause, as reported: ${p.verdict.cause}` : ''}`);
  return out.join('\n');
}

function curveTable(): string {
  const c = load<Curve>('curve.json');
  if (typeof c === 'string') return c;
  const strategies = [...new Set(c.points.flatMap((p) => p.results.map((r) => r.strategy)))];
  const out = [
    `**${c.base} → ${c.target.replace('builtin:', '')}**, ${seedList(c.seeds)}, test set of ${c.testSize} (${c.test}); transfer cut: ${c.cut.layer ?? 'default'} — ${c.cut.reason}.`,
    '',
    `| labels per class | examples | ${strategies.map((s) => `${s} %`).join(' | ')} | verdict (best transfer vs scratch, paired by seed) |`,
    `|---:|---:|${strategies.map(() => '---:').join('|')}|---|`,
    ...curveRows(c, strategies),
    '',
    ...c.dataEfficiency.map((d) => `- ${d.statement}`),
  ];
  if (c.shift?.pad !== undefined) out.push(`- measured shift: proxy A-distance ${c.shift.pad.toFixed(2)} of 2, MMD permutation p = ${c.shift.mmdPValue?.toFixed(3)}`);
  return out.join('\n');
}

const markdown = [
  '#### Ranking candidate sources (`transferkit rank`)',
  '',
  rankTables(),
  '',
  '#### The advisor against the four quadrant plans (`transferkit advise`)',
  '',
  advisorTable(),
  '',
  '#### Negative transfer: a source pretrained on shuffled labels (`transferkit compare`)',
  '',
  shuffledTable(),
  '',
  '#### Learning curve: fashion-cnn → MNIST (`transferkit curve`)',
  '',
  curveTable(),
].join('\n');

if (process.argv.includes('--write')) {
  const readme = readFileSync(readmePath, 'utf8');
  const re = /<!-- choose-tables -->[\s\S]*?<!-- \/choose-tables -->/;
  if (!re.test(readme)) {
    console.error(`${readmePath} has no <!-- choose-tables --> … <!-- /choose-tables --> block to replace`);
    process.exit(1);
  }
  writeFileSync(readmePath, readme.replace(re, () => `<!-- choose-tables -->\n${markdown}\n<!-- /choose-tables -->`));
  console.log(`updated the choose tables in ${readmePath}`);
} else {
  console.log(markdown);
}
