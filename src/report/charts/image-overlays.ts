/**
 * Overlays of every row of an image explanation: reloads the explained images through the
 * model's preprocessing and draws each row's map over its image.
 *
 * @module
 */
import type { Dataset } from '../../data/dataset.ts';
import { TransferkitError } from '../../errors.ts';
import type { ImageExplanation } from '../../explain/model/explanation.ts';
import { inputRows } from '../../explain/model/model-view.ts';
import { openModel, type ModelInput } from '../../models/model-handle.ts';
import { loadDataFor } from '../../models/trained-model.ts';
import { imageOverlayPng, type OverlayOptions } from '../../explain/model/overlay.ts';

/**
 * One PNG per explained row (in `e.rows` order): the attribution map over the image, titled with
 * the method, the row, the class and its probability. `model` and `data` are what `explain` was
 * given (the images are taken through the model's own resizing and channels).
 *
 * @example
 * ```ts
 * const e = await explain({ model: 'runs/mnist', data: 'builtin:mnist', method: 'gradcam', rows: [0] });
 * if (e.kind === 'image') await writeFile('overlay.png', (await imageOverlays(e, { model: 'runs/mnist', data: 'builtin:mnist' }))[0]);
 * ```
 */
export async function imageOverlays(e: Pick<ImageExplanation, 'rows' | 'method'>, input: { model: ModelInput; data: string | Dataset; label?: string }, opts: OverlayOptions = {}): Promise<Buffer[]> {
  const { trained, release } = await openModel(input.model);
  try {
    if (trained.features.kind !== 'image') throw new TransferkitError('KIND_MISMATCH', `Image overlays need an image model; this model takes ${trained.features.kind} data`, { where: 'imageOverlays' });
    const { height, width, channels } = trained.features;
    const ds = await loadDataFor(trained, input.data, { label: input.label, labelled: false });
    const x = inputRows(trained.features, ds);
    const out: Buffer[] = [];
    for (const r of e.rows) {
      if (!x[r.row]) throw new TransferkitError('BAD_OPTION', `Row ${r.row} is not in the data (${x.length} rows)`, { where: 'imageOverlays' });
      const title = opts.title ?? `${e.method}: row ${r.row}, class ${r.class} (p = ${r.probability.toFixed(2)})`;
      out.push(await imageOverlayPng(x[r.row], [height, width, channels], r.attributions, { ...opts, title }));
    }
    return out;
  } finally {
    release();
  }
}
