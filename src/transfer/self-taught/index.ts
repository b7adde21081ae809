/**
 * Self-taught learning: autoencoder pretraining on unlabelled images, its encoder reused as a base.
 *
 * @module
 */
export { buildAutoencoder, encoderAsBase, reconstructionErrors, type Autoencoder, type AutoencoderOptions } from './autoencoder.ts';
export { trainAutoencoder, type AutoencoderTrainOptions, type AutoencoderTrainResult } from './train-autoencoder.ts';
export { pretrain, AUTOENCODER_DIR, type PretrainConfig, type PretrainResult } from './pretrain.ts';
