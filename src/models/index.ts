/**
 * Models: the built-in zoo, one resolver and loader for every model reference (run folder, zoo
 * name, model folder, model.json, .onnx), running a model (probabilities, predictions on new data,
 * scores on labelled data), model surgery (list layers, cut, replace the head, freeze /
 * unfreeze), the default architectures, and ONNX models (`transferkit/onnx`).
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
export { absoluteModelRef, listZooModels, resolveModelRef, zooRoot, type ZooModel } from './zoo.ts';
export { saveModel, loadModel, checkInputShape, MODEL_META_FORMAT, type ModelMeta, type ModelMetaInput, type LoadedModel } from './io.ts';
export {
  listLayers,
  resolveLayer,
  cutAt,
  replaceHead,
  featureMapCut,
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
export { outputClasses, predictProbs } from './predict-probs.ts';
export { loadTrainedModel, loadDataFor, type TrainedModel } from './trained-model.ts';
export { openModel, fittedModel, modelName, IN_MEMORY, type FittedModel, type ModelInput, type TrainingData } from './model-handle.ts';
export { evaluateModel, type EvaluateOptions, type Evaluation } from './evaluate.ts';
export { predictDataset, predictionsCsv, predictionsJsonl, trainedLabelOf, type Prediction, type PredictOptions, type PredictResult } from './predict.ts';
export { loadModelRef, recordedFeatures, type ModelHandle, type LoadModelRefOptions } from './load.ts';
export {
  loadWordVectors,
  saveWordVectors,
  prepareWordVectors,
  embeddingsCacheDir,
  wordVectorsCachePath,
  wordVectorsSourceFile,
  optionalPackageFile,
  WORD_VECTOR_SOURCES,
  DEFAULT_TOP_WORDS,
  type WordVectors,
  type LoadWordVectorsOptions,
  type PreparedWordVectors,
} from './text/word-vectors.ts';
export { documentVectors, sifWeights, POOLINGS as WORD_POOLINGS, type Pooling as WordPooling, type DocumentVectorsOptions, type DocumentVectorsResult } from './text/document-vectors.ts';
export { buildWordVectorBase, wordVectorBase, isWordVectorsRef, WORD_EMBEDDING_LAYER, WORD_POOL_LAYER, type WordVectorBaseOptions } from './text/word-vector-base.ts';
export { MaskedPooling } from './text/pooling-layer.ts';
export { defaultTokenizerPath, embedTexts, isTextEncoder, loadTextEncoder, poolTokens, type Pooling, type TextEncoder, type TextEncoderOptions } from './text/onnx-encoder.ts';
export { applyRecordedEncoder, encodeTextDataset, encoderBaseModel, ENCODER_COLUMN_PREFIX, openTextEncoderRef, recordedEncoder, textEncoderRef, type TextEncoderRef } from './text/encoder-features.ts';
export { encodeBatch, encodeText, loadTokenizer, parseTokenizer, type EncodedBatch, type Encoding, type WordPieceTokenizer } from './text/tokenizer/tokenizer.ts';
