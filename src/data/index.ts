/**
 * Data: load datasets (built-in, CSV, JSON lines, IDX, image folders), split them, and turn them
 * into model inputs with the preprocessing a model records.
 *
 * @example
 * ```ts
 * import { loadDataset, samplePerClass } from 'transferkit/data';
 * const mnist = await loadDataset('builtin:mnist');
 * const { train } = samplePerClass(mnist, 10, { seed: 1 });
 * ```
 *
 * @module
 */
export type { Dataset, Features, DataKind, ImageFeatures, TabularFeatures, TabularColumn, TextFeatures } from './dataset.ts';
export { subset, classCounts } from './dataset.ts';
export { loadDataset, relabel, SUPPORTED_DATASET_FORMS, type LoadOptions } from './load.ts';
export { listBuiltinDatasets, builtinNames, loadBuiltin, FASHION_MNIST_CLASSES, type BuiltinInfo, type BuiltinOptions } from './builtins.ts';
export { datasetFromRows, datasetFromTensors, type DataRow, type RowsOptions, type TensorsOptions } from './from-memory.ts';
export { datasetFingerprint } from './fingerprint.ts';
export { loadNewData, patternToRegExp, STDIN_NAME, type NewData, type NewDataOptions } from './new-data.ts';
export { loadCsv, type CsvOptions, type Impute } from './csv.ts';
export { loadJsonl, type JsonlOptions } from './jsonl.ts';
export { loadIdxPair, readIdx, type IdxArray, type IdxPairOptions } from './idx.ts';
export { loadImageFile, loadImageFolder, IMAGE_EXTENSIONS, DEFAULT_IMAGE_SIZE, type ImageSize, type ImageFolderOptions } from './images.ts';
export { trainValTestSplit, stratifiedKFold, samplePerClass, type SplitOptions, type TrainValTest, type Fold, type PerClassSample } from './split.ts';
export { fitFeatures, transformFeatures, featureNames, inputShape, type FeatureSpec, type FitFeaturesOptions, type FeatureMatrix } from './features.ts';
export { fitTextVectorizer, transformText, tokenize, TEXT_VECTORIZER_DEFAULTS, type TextVectorizerOptions, type TextVectorizerSpec } from './text-features.ts';
export { wordTokens, wordTokenSpans, writtenWords, normaliseWord, vocabularyWords, type WordToken } from './word-tokens.ts';
export { checkTexts } from './check-texts.ts';
export { transformTokenIds, textTokenIds, DEFAULT_MAX_TOKENS, type TokenIdSpec } from './token-features.ts';
