/**
 * Transfer: fit a model by feature extraction, fine-tuning, LoRA or from scratch (a run folder
 * that resumes), the training loop and its controls.
 *
 * @example
 * ```ts
 * import { fit } from 'transferkit/transfer';
 * const res = await fit({ base: 'fashion-cnn', train: 'builtin:mnist', perClass: 10, strategy: 'finetune', out: 'runs/mnist' });
 * ```
 *
 * @module
 */
export { fit, resumeFit, type FitConfig, type FitCallbacks, type FitResult } from './fit.ts';
export { STRATEGIES, planPhases, prepareModel, applyPhase, parseUnfreezeSchedule, type Strategy, type Arch, type Phase, type UnfreezeStep } from './strategies.ts';
export { trainModel, balancedClassWeights, AdamW, type TrainOptions, type TrainResult, type EpochRecord, type TensorData } from './train.ts';
export { AUGMENTATIONS, AUGMENT_DEFAULTS, parseAugment, augmentBatch, type AugmentOptions } from './augment.ts';
export { SCHEDULES, lrFactor, parseLayerLr, type ScheduleKind, type LrSchedule, type LayerLrOptions } from './schedules.ts';
export { l2spPenalty, type L2spOptions } from './regularizers.ts';
export { calibrateBatchNorm } from './batchnorm.ts';
export * as lora from './lora/index.ts';
export { TRAINING_SETTINGS, FIT_DEFAULTS, checkTrainingSettings, trainingSetting, describeBounds, settingsTable, type TrainingSetting, type TrainingSettingKey } from './settings.ts';
export * as fewShot from './few-shot/index.ts';
export * as textPretrain from './text-pretrain/index.ts';
