/** Saliency maps: the gradient of the class score with respect to each pixel. @module */
import { saliency } from '../../gradients/saliency.ts';
import { imageMethod } from '../image-method.ts';
import { registerMethod } from '../registry.ts';

export const saliencyMethod = registerMethod(
  imageMethod({
    name: 'saliency',
    description: 'saliency: the gradient of the class score with respect to each pixel',
    options: [],
    attribute: async ({ trained, img, shape, target }) => ({ values: (await saliency(trained.model, img, target, { shape })).attributions }),
  }),
);
