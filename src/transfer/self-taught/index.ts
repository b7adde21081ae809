/**
 * Self-taught learning: autoencoder pretraining on unlabelled images, its encoder reused as a base.
 *
 * @module
 */
export { buildAutoencoder, encoderAsBase, reconstructionErrors, ENCODER_FEATURES, type Autoencoder, type AutoencoderOptions, type EncoderFeatures } from './autoencoder.ts';
export { trainAutoencoder, type AutoencoderTrainOptions, type AutoencoderTrainResult } from './train-autoencoder.ts';
export { pretrain, AUTOENCODER_DIR, type PretrainConfig, type PretrainResult } from './pretrain.ts';
