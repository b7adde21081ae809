/**
 * Padding of convolutions and pools: ONNX pads (explicit, `auto_pad`, `ceil_mode`) as TF
 * `'same'` where they equal it, otherwise a ZeroPadding2D layer before a `'valid'` layer.
 */
import * as tf from '@tensorflow/tfjs';
import { spatialOut } from '../shapes.ts';
import type { ConvertContext, Sym } from './context.ts';

type Pads2d = [[number, number], [number, number]];

/** The [before, after] split of TF `'same'` padding along one dim. */
function sameSplit(d: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(d / s) - 1) * s + k - d, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Checks the sizes a conv / pool node declares before any layer is made: whole kernel sizes and
 * strides ≥ 1, pads ≥ 0, and (without `auto_pad=SAME_*`, where the pads grow to fit) a window no
 * larger than the padded input: otherwise the output would have no rows or columns, which
 * onnxruntime refuses and TF.js turns into huge allocations when training.
 */
function checkWindow(ctx: ConvertContext, hw: (number | null)[], kernel: number[], strides: number[], pads: number[], autoPad: string): void {
  const whole = (v: number[], min: number) => v.every((d) => Number.isSafeInteger(d) && d >= min);
  if (kernel.length !== 2 || !whole(kernel, 1)) ctx.corrupt(`has kernel size [${kernel.join(', ')}]: a 2-D window needs two whole sizes ≥ 1`);
  if (strides.length !== 2 || !whole(strides, 1)) ctx.corrupt(`has strides [${strides.join(', ')}]: they must be two whole numbers ≥ 1`);
  if (!whole(pads, 0)) ctx.corrupt(`has pads [${pads.join(', ')}]: they must be whole numbers ≥ 0`);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return;
  const [t, l, b, r] = autoPad === 'VALID' || pads.length !== 4 ? [0, 0, 0, 0] : pads;
  const padded = [hw[0] === null ? null : hw[0] + t + b, hw[1] === null ? null : hw[1] + l + r];
  if (padded.some((d, i) => d !== null && kernel[i] > d)) {
    const dims = (v: (number | null)[]) => v.map((d) => d ?? '?').join('×');
    ctx.corrupt(
      `has a ${dims(kernel)} window, larger than its ${dims(hw)} input${padded.some((d, i) => d !== hw[i]) ? ` (${dims(padded)} padded)` : ''}: its output would be empty`,
    );
  }
}

/**
 * How to pad a conv / pool: TF `'same'` when the ONNX pads are exactly TF's, else explicit
 * zero padding `[[top, bottom], [left, right]]` and `'valid'`.
 */
export function padPlan(
  ctx: ConvertContext,
  hw: (number | null)[],
  kernel: number[],
  strides: number[],
  pads: number[],
  autoPad: string,
  ceil: boolean,
  opts: { preferPad?: boolean } = {},
): { mode: 'same' | 'valid'; pad?: Pads2d } {
  checkWindow(ctx, hw, kernel, strides, pads, autoPad);
  let [t, l, b, r] = pads.length === 4 ? pads : [0, 0, 0, 0];
  const known = hw.every((d) => d !== null) as boolean;
  const split = () => [sameSplit(hw[0]!, kernel[0], strides[0]), sameSplit(hw[1]!, kernel[1], strides[1])];
  const sameOut = () => hw.map((d, i) => Math.ceil(d! / strides[i]));
  if (autoPad === 'VALID') [t, l, b, r] = [0, 0, 0, 0];
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    if (autoPad === 'SAME_UPPER' && !opts.preferPad) return { mode: 'same' };
    if (!known) ctx.unsupported(`auto_pad=${autoPad} on an input with a dynamic size`);
    const [ph, pw] = split();
    [t, b, l, r] = autoPad === 'SAME_UPPER' ? [ph[0], ph[1], pw[0], pw[1]] : [ph[1], ph[0], pw[1], pw[0]];
  }
  if (ceil) {
    if (!known) ctx.unsupported('ceil_mode=1 on an input with a dynamic size');
    const floorOut = spatialOut(hw, kernel, strides, [1, 1], [t, l, b, r], 'NOTSET', false);
    const ceilOut = spatialOut(hw, kernel, strides, [1, 1], [t, l, b, r], 'NOTSET', true);
    if (floorOut.some((d, i) => d !== ceilOut[i])) {
      // ceil_mode adds windows that start inside the padded input; TF "same" gives the same windows when the split matches.
      const [ph, pw] = split();
      const same = sameOut();
      if (t === ph[0] && l === pw[0] && ceilOut.every((d, i) => d === same[i]) && !opts.preferPad) return { mode: 'same' };
      ctx.unsupported('ceil_mode=1 where it adds output rows or columns');
    }
  }
  if (t === 0 && l === 0 && b === 0 && r === 0) return { mode: 'valid' };
  if (known && !opts.preferPad) {
    const [ph, pw] = split();
    const out = spatialOut(hw, kernel, strides, [1, 1], [t, l, b, r], 'NOTSET', false);
    const same = sameOut();
    // Pads beyond what the last window reads do not matter: compare where the windows start and how many there are.
    if (t === ph[0] && l === pw[0] && out[0] === same[0] && out[1] === same[1]) return { mode: 'same' };
  }
  return { mode: 'valid', pad: [[t, b], [l, r]] };
}

/** A ZeroPadding2D layer (named `<node>_<suffix>`) on an NHWC tensor. */
export function zeroPad(ctx: ConvertContext, x: Sym, pad: Pads2d, suffix: string): Sym {
  const t = ctx.layer(tf.layers.zeroPadding2d({ padding: pad, name: ctx.uniqueName(`${ctx.baseName()}_${suffix}`) }), x.t);
  return { kind: 'sym', t, layout: { kind: 'nhwc' }, nonNeg: x.nonNeg };
}
