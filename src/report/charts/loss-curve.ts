/**
 * Training and validation loss per epoch, the phases one after another.
 *
 * @module
 */
import { asSpec, chartFrame } from './common.ts';
import type { VegaLiteSpec } from './render.ts';

/**
 * One epoch of a training history: `history.jsonl` records, `fit`'s epoch callback records and
 * a learning curve's `lossCurve` all have this shape.
 *
 * @example
 * ```ts
 * const e: EpochLoss = { phase: 'head', epoch: 1, loss: 0.9, valLoss: 1.1 };
 * ```
 */
export interface EpochLoss {
  phase: string;
  /** 1-based epoch within the phase. */
  epoch: number;
  loss: number;
  valLoss?: number;
}

/**
 * Loss per epoch: training (solid) and validation (dashed) loss against the epoch counted
 * across phases, a vertical rule with the phase's name where each phase starts.
 *
 * @example
 * ```ts
 * const spec = lossCurveChart([{ phase: 'head', epoch: 1, loss: 1.2, valLoss: 1.3 }, { phase: 'finetune', epoch: 1, loss: 0.7 }]);
 * ```
 */
export function lossCurveChart(history: readonly EpochLoss[], opts: { title?: string } = {}): VegaLiteSpec {
  const values: Array<{ step: number; phase: string; epoch: number; series: string; loss: number }> = [];
  const starts: Array<{ step: number; phase: string }> = [];
  history.forEach((r, i) => {
    const step = i + 1;
    if (i === 0 || history[i - 1].phase !== r.phase) starts.push({ step, phase: r.phase });
    if (Number.isFinite(r.loss)) values.push({ step, phase: r.phase, epoch: r.epoch, series: 'training', loss: r.loss });
    if (r.valLoss !== undefined && Number.isFinite(r.valLoss)) values.push({ step, phase: r.phase, epoch: r.epoch, series: 'validation', loss: r.valLoss });
  });
  // the legend lists only the series drawn (no "validation" without validation losses)
  const series = ['training', 'validation'].filter((name) => values.some((v) => v.series === name));
  const x = { field: 'step', type: 'quantitative', title: 'Epoch (all phases in order)', axis: { tickMinStep: 1 }, scale: { domain: [0.5, history.length + 0.5], nice: false } };
  const layers: unknown[] = [
    {
      data: { values },
      mark: { type: 'line', point: values.length <= 60 },
      encoding: {
        x,
        y: { field: 'loss', type: 'quantitative', title: 'Loss (cross-entropy)' },
        color: { field: 'series', type: 'nominal', title: 'Loss', scale: { domain: series } },
        strokeDash: { field: 'series', type: 'nominal', title: 'Loss', scale: { domain: series, range: series.map((name) => (name === 'training' ? [1, 0] : [5, 3])) } },
        detail: { field: 'phase' },
        tooltip: [{ field: 'phase' }, { field: 'epoch' }, { field: 'series' }, { field: 'loss', format: '.4f' }],
      },
    },
  ];
  if (starts.length > 1) {
    layers.push(
      { data: { values: starts.slice(1).map((s) => ({ ...s, step: s.step - 0.5 })) }, mark: { type: 'rule', color: '#999', strokeDash: [2, 2] }, encoding: { x: { field: 'step', type: 'quantitative' } } },
      { data: { values: starts.map((s) => ({ ...s, step: s.step - 0.5 })) }, mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, color: '#555' }, encoding: { x: { field: 'step', type: 'quantitative' }, y: { value: 0 }, text: { field: 'phase' } } },
    );
  }
  return asSpec({ ...chartFrame({ text: opts.title ?? 'Loss per epoch', subtitle: series.map((name) => (name === 'training' ? 'solid: training' : 'dashed: validation')).join(', ') || undefined }), layer: layers });
}
