/** Integrated Gradients on images, with its convergence delta. @module */
import { integratedGradients } from '../../gradients/integrated-gradients.ts';
import { imageMethod } from '../image-method.ts';
import { registerMethod } from '../registry.ts';

export const igMethod = registerMethod(
  imageMethod({
    name: 'ig',
    description: 'Integrated Gradients: gradients integrated from a black image to the image; reports the convergence delta',
    options: [{ name: 'steps', help: 'integration steps (default 64)' }],
    attribute: async ({ trained, img, shape, target }, opts) => {
      const res = await integratedGradients(trained.model, img, target, { shape, steps: opts.steps ?? 64 });
      return { values: res.attributions, delta: res.delta };
    },
  }),
);
