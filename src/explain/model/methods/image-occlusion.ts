/** Occlusion: the drop in the class's probability when a patch of the image is covered. @module */
import { layersPredictFn } from '../../gradients/batch-predict.ts';
import { occlusion } from '../../gradients/occlusion.ts';
import { imageMethod } from '../image-method.ts';
import { registerMethod } from '../registry.ts';

export const occlusionMethod = registerMethod(
  imageMethod({
    name: 'occlusion',
    description: "occlusion: the drop in the class's probability when a patch over each pixel is covered",
    options: [],
    attribute: async ({ trained, img, shape, target }) => ({ values: (await occlusion(layersPredictFn(trained.model, { shape }), img, shape, target)).attributions }),
  }),
);
