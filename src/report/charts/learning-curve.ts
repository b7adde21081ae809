/**
 * Learning curves (accuracy against labelled examples, per strategy, with 95% intervals over
 * seeds) and the strategy comparison at one size.
 *
 * @module
 */
import type { CurveResult } from '../../choose/curve.ts';
import type { StrategyResult } from '../../choose/compare.ts';
import { asSpec, chartFrame, meanHalfWidth } from './common.ts';
import type { VegaLiteSpec } from './render.ts';

/**
 * Whether a parsed curve.json holds what {@link learningCurveChart} draws: at least one point,
 * the seeds, and for every point its examples and, per strategy, a finite accuracy and the
 * per-seed scores. Files that fail this are left out (or reported), never drawn.
 *
 * @example
 * ```ts
 * usableCurve({ points: [null], seeds: [0] }); // false
 * ```
 */
export function usableCurve(curve: unknown): curve is CurveResult {
  const c = curve as Partial<CurveResult> | null;
  if (typeof c !== 'object' || c === null || !Array.isArray(c.points) || c.points.length === 0 || !Array.isArray(c.seeds)) return false;
  return c.points.every(
    (p) =>
      typeof p === 'object' && p !== null && Number.isFinite(p.examples) && Array.isArray(p.results) &&
      p.results.every((r) => typeof r === 'object' && r !== null && typeof r.strategy === 'string' && Number.isFinite(r.accuracy) && Array.isArray(r.perSeed)),
  );
}

/**
 * The learning curve of {@link CurveResult}: test accuracy (%) against labelled training
 * examples (log scale) for each strategy, transfer and scratch alike, with the 95% Student-t
 * interval of the mean over seeds as a band.
 *
 * @example
 * ```ts
 * await writeChart(learningCurveChart(await learningCurve({ base: 'fashion-cnn', train: 'builtin:mnist', sizes: [1, 10] })), 'curve.png');
 * ```
 */
export function learningCurveChart(curve: Pick<CurveResult, 'points' | 'seeds' | 'base' | 'target'>): VegaLiteSpec {
  const values = curve.points.flatMap((p) =>
    p.results.map((r) => {
      const h = meanHalfWidth(r.std, r.perSeed.length);
      return { strategy: r.strategy, examples: p.examples, accuracy: 100 * r.accuracy, low: 100 * Math.max(0, r.accuracy - h), high: 100 * Math.min(1, r.accuracy + h) };
    }),
  );
  const x = { field: 'examples', type: 'quantitative', scale: { type: 'log', nice: false, padding: 12 }, title: 'Labelled training examples (log scale)' };
  const color = { field: 'strategy', type: 'nominal', title: 'Strategy' };
  return asSpec({
    ...chartFrame({ text: `Learning curve: ${curve.target}`, subtitle: `base ${curve.base}; mean test accuracy, band = 95% CI over ${curve.seeds.length} seed${curve.seeds.length === 1 ? '' : 's'}` }),
    data: { values },
    layer: [
      { mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color } },
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'accuracy', type: 'quantitative', title: 'Test accuracy (%)', scale: { zero: false } },
          color,
          tooltip: [{ field: 'strategy' }, { field: 'examples' }, { field: 'accuracy', format: '.1f' }, { field: 'low', format: '.1f' }, { field: 'high', format: '.1f' }],
        },
      },
    ],
  });
}

/**
 * The strategies of one comparison (`compareStrategies`' results, or the `results` of one point of
 * a learning curve, as `compareTransfer` returns): mean test accuracy (%) per strategy
 * (a tick) with the 95% interval over seeds as a rule, on an axis that need not hold 0, and every
 * seed as a dot.
 *
 * @example
 * ```ts
 * const { results, perClass } = await compareStrategies(opts);
 * const spec = compareChart(results, { perClass });
 * ```
 */
export function compareChart(
  results: ReadonlyArray<Pick<StrategyResult, 'strategy' | 'accuracy' | 'perSeed'> & { accuracyStd?: number; std?: number }>,
  opts: { perClass?: number; title?: string } = {},
): VegaLiteSpec {
  const means = results.map((r) => {
    const h = meanHalfWidth(r.accuracyStd ?? r.std ?? 0, r.perSeed.length);
    return { strategy: r.strategy, accuracy: 100 * r.accuracy, low: 100 * Math.max(0, r.accuracy - h), high: 100 * Math.min(1, r.accuracy + h) };
  });
  const seeds = results.flatMap((r) => r.perSeed.map((a, i) => ({ strategy: r.strategy, seedAccuracy: 100 * a, seed: i + 1 })));
  const x = { field: 'strategy', type: 'nominal', title: 'Strategy', sort: null, axis: { labelAngle: 0 } };
  const y = { type: 'quantitative', title: 'Test accuracy (%)', scale: { zero: false } };
  return asSpec({
    ...chartFrame({ text: opts.title ?? 'Strategies compared', subtitle: `${opts.perClass !== undefined ? `${opts.perClass} labelled examples; ` : ''}tick = mean, rule = its 95% CI, dots = seeds` }, 360, 260),
    layer: [
      // a tick, not a bar: a bar would pull 0 into the axis and squash the intervals
      { data: { values: means }, mark: { type: 'tick', thickness: 3, size: 28 }, encoding: { x, y: { ...y, field: 'accuracy' }, color: { field: 'strategy', legend: null } } },
      { data: { values: means }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' } } },
      { data: { values: seeds }, mark: { type: 'point', filled: true, size: 40, color: 'black', opacity: 0.7 }, encoding: { x, y: { ...y, field: 'seedAccuracy' } } },
    ],
  });
}
