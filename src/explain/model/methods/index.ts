/**
 * The built-in explanation methods, each registered by its own file. Importing this module
 * registers them all, in this order (the order of the method lists and of `--method`'s help);
 * a new method is a new file here and one line below.
 *
 * @module
 */
export { shapMethod, exactShapMethod, kernelShapMethod } from './shap.ts';
export { shapTextMethod, exactShapTextMethod, kernelShapTextMethod } from './shap-text.ts';
export { limeTabularMethod } from './lime-tabular.ts';
export { limeTextMethod } from './lime-text.ts';
export { permutationMethod } from './permutation.ts';
export { pdpMethod } from './pdp.ts';
export { meanShapMethod } from './mean-shap.ts';
export { counterfactualMethod } from './counterfactual.ts';
export { igMethod } from './image-ig.ts';
export { saliencyMethod } from './image-saliency.ts';
export { smoothgradMethod } from './image-smoothgrad.ts';
export { gradcamMethod } from './image-gradcam.ts';
export { occlusionMethod } from './image-occlusion.ts';
export { limeImageMethod } from './image-lime.ts';
