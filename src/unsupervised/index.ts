/**
 * Unsupervised transfer: clustering and novelty detection on a pretrained model's features.
 *
 * @module
 */
export { kmeans, type KMeansOptions, type KMeansResult } from './kmeans.ts';
export { adjustedRandIndex, normalizedMutualInfo, silhouetteScore, type SilhouetteOptions } from './cluster-metrics.ts';
export { knnDetector, ledoitWolfShrinkage, mahalanobisDetector, MAX_MAHALANOBIS_DIMS, type NoveltyDetector } from './detectors.ts';
export { modelFeatureSpace, rawFeatureSpace, type FeatureSpace } from './features.ts';
export { clusterData, type ClusterConfig, type ClusterResult, type SpaceClustering } from './cluster.ts';
export { detectNovelty, NOVELTY_METHODS, type NoveltyConfig, type NoveltyMethod, type NoveltyResult, type NoveltyScore } from './novelty.ts';
