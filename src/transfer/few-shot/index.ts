/**
 * Few-shot and one-shot learning on a frozen base's embeddings: prototypes (with transductive
 * soft k-means refinement), k nearest neighbours and a linear probe, and the prototype rule as a
 * saveable TF.js head (what `fit --strategy prototypes` trains). Episodic evaluation lives in
 * `choose/episodes.ts`.
 *
 * @example
 * ```ts
 * import { fewShot } from 'transferkit/transfer'; // once transfer/index.ts re-exports this folder as `fewShot`
 * const predicted = fewShot.fewShotPredict('prototypes', { x: supportVectors, d, y: supportLabels, k: 5 }, queryVectors);
 * ```
 *
 * @module
 */
export { embedDataset, embeddingModel, defaultEmbeddingLayer, rawEmbeddings, l2NormalizeRows, centreRows, meanEmbedding, labelledOnly, type Embeddings } from './embed.ts';
export { classMeans, prototypeScores, refinePrototypes, argmaxRows, METRICS, type Metric, type Support, type RefineOptions } from './prototypes.ts';
export { knnPredict, type KnnOptions } from './knn.ts';
export { fitProbe, probePredict, rowSpanBasis, type ProbeOptions } from './probe.ts';
export { fewShotPredict, checkFewShotMethod, FEW_SHOT_METHODS, FEW_SHOT_METHOD_HELP, type FewShotMethod, type FewShotOptions } from './methods.ts';
export { prototypeDenseWeights, fitPrototypeHead, type PrototypeWeights, type PrototypeHeadResult } from './prototype-head.ts';
