/**
 * Self-taught learning: pretraining on unlabelled images (an autoencoder, or rotation prediction), the encoder reused as a base.
 *
 * @module
 */
export { buildAutoencoder, encoderAsBase, reconstructionErrors, ENCODER_FEATURES, type Autoencoder, type AutoencoderOptions, type EncoderFeatures } from './autoencoder.ts';
export { trainAutoencoder, type AutoencoderTrainOptions, type AutoencoderTrainResult } from './train-autoencoder.ts';
export { pretrain, AUTOENCODER_DIR, PRETRAIN_OBJECTIVES, type PretrainConfig, type PretrainResult, type PretrainObjective } from './pretrain.ts';
export { quarterTurns, trainRotation, type RotationTrainOptions } from './rotation.ts';
