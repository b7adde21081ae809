/** SmoothGrad: saliency averaged over noisy copies of the image. @module */
import { smoothGrad } from '../../gradients/smooth-grad.ts';
import { imageMethod } from '../image-method.ts';
import { registerMethod } from '../registry.ts';

export const smoothgradMethod = registerMethod(
  imageMethod({
    name: 'smoothgrad',
    description: 'SmoothGrad: saliency averaged over copies of the image with Gaussian noise',
    options: [{ name: 'seed', help: 'the noise' }],
    attribute: async ({ trained, img, shape, target }, _opts, seed) => ({ values: (await smoothGrad(trained.model, img, target, { shape, seed })).attributions }),
  }),
);
