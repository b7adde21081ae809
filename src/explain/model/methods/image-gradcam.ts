/** Grad-CAM: a conv layer's activations weighted by the class's gradients. @module */
import { gradCam } from '../../gradients/grad-cam.ts';
import { imageMethod } from '../image-method.ts';
import { registerMethod } from '../registry.ts';

export const gradcamMethod = registerMethod(
  imageMethod({
    name: 'gradcam',
    description: "Grad-CAM: a conv layer's activations weighted by the class's gradients, upsampled to the image",
    options: [{ name: 'layer', help: 'the conv layer (default: the last conv block)' }],
    attribute: async ({ trained, img, target }, opts) => ({ values: (await gradCam(trained.model, img, target, { layer: opts.layer })).heatmap }),
  }),
);
