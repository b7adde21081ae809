/**
 * ONNX support: read and list `.onnx` models, use them as frozen feature extractors on
 * onnxruntime-node, convert the common CNN/MLP ones into trainable TF.js models, and build
 * small ONNX graphs in code.
 *
 * @example
 * ```ts
 * import { createOnnxExtractor, convertOnnxToDir, listNodes, readOnnx } from 'transferkit/onnx';
 * ```
 */
export { OnnxGraphBuilder, type BuilderAttr } from './builder.ts';
export { convertedMeta, convertOnnx, convertOnnxToDir, type ConvertOnnxOptions, type ConvertOnnxResult } from './convert.ts';

export { concatFeatures, createOnnxExtractor, resolveTaps, withOutputs, type OnnxExtractor, type OnnxExtractorOptions } from './extractor.ts';
export { countOnnxParams, listNodes, nodeName, parseOnnx, readOnnx, type OnnxModel, type OnnxNodeInfo, type OnnxValueInfo } from './read.ts';
export { inferShapes, type Shape } from './shapes.ts';
