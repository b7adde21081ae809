/**
 * Self-supervised pretraining on unlabelled text: word embeddings from co-occurrence counts —
 * PPMI weighting and truncated SVD — saved as word vectors that pooled document features and
 * zero-shot by label meaning take like pretrained GloVe vectors.
 *
 * @example
 * ```ts
 * import { pretrainWordVectors } from './transfer/text-pretrain/index.ts';
 * const { vectors } = pretrainWordVectors(texts, { dims: 100 });
 * ```
 *
 * @module
 */
export { buildVocabulary, cooccurrenceCounts, type Vocabulary, type VocabularyOptions, type CooccurrenceOptions } from './cooccurrence.ts';
export { ppmi, type PpmiOptions } from './ppmi.ts';
export { pretrainWordVectors, TEXT_PRETRAIN_DEFAULTS, type TextPretrainOptions, type TextPretrainResult } from './pretrain-text.ts';
export { pretrainText, type PretrainTextOptions, type PretrainTextRun } from './pretrain-data.ts';
