/** LIME on superpixels of an image. @module */
import { layersPredictFn } from '../../gradients/batch-predict.ts';
import { limeImage } from '../../lime-image.ts';
import { imageMethod } from '../image-method.ts';
import { registerMethod } from '../registry.ts';

/** Images with superpixels switched off, per explained image. */
const SAMPLES = 1000;

export const limeImageMethod = registerMethod(
  imageMethod({
    name: 'lime',
    description: `LIME on superpixels: a linear surrogate over which superpixels are kept, from ${SAMPLES} perturbed images`,
    options: [{ name: 'seed', help: 'sampling' }],
    attribute: async ({ trained, img, shape, target }, _opts, seed) => {
      const res = await limeImage(layersPredictFn(trained.model, { shape }), img, shape, target, { seed, nsamples: SAMPLES });
      return { values: res.pixelWeights, r2: res.r2 };
    },
  }),
);
