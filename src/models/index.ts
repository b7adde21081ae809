/**
 * Models: the built-in zoo, saving and loading TF.js layers models with their metadata, model
 * surgery (list layers, cut, replace the head, freeze / unfreeze) and the default architectures.
 *
 * @example
 * ```ts
 * import { loadModel, resolveModelRef, listLayers } from 'transferkit/models';
 * const { model } = await loadModel(resolveModelRef('fashion-cnn'));
 * console.table(listLayers(model));
 * ```
 *
 * @module
 */
export { listZooModels, resolveModelRef, zooRoot, type ZooModel } from './zoo.ts';
export { saveModel, loadModel, checkInputShape, MODEL_META_FORMAT, type ModelMeta, type ModelMetaInput, type LoadedModel } from './io.ts';
export {
  listLayers,
  resolveLayer,
  cutAt,
  replaceHead,
  freeze,
  unfreeze,
  keepBatchNormInInference,
  countParams,
  type LayerRef,
  type LayerInfo,
  type LayerSelector,
  type ReplaceHeadOptions,
} from './surgery.ts';
export { buildCnn, buildMlp, buildLogistic, type ArchitectureOptions } from './architectures.ts';
