import { Option, type Command } from 'commander';
import { ENCODER_FEATURES, type EncoderFeatures } from '../../transfer/self-taught/autoencoder.ts';
import { pretrain, PRETRAIN_OBJECTIVES, type PretrainObjective } from '../../transfer/self-taught/pretrain.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { runCommand } from '../output.ts';
import { fraction, positiveInt, positiveNumber, wholeNumber } from '../parsers.ts';
import { createProgress } from '../progress.ts';

interface PretrainFlags {
  data: string;
  out: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  noise?: number;
  maxImages?: number;
  seed?: number;
  encoderFeatures?: EncoderFeatures;
  objective?: PretrainObjective;
  backend?: string;
  json?: boolean;
}

/** `transferkit pretrain`: self-taught learning — pretrain an encoder on unlabelled images (autoencoder or rotation prediction) and save it as a base model. */
export function registerPretrain(program: Command): void {
  withCommonOptions(program.command('pretrain'))
    .description('self-taught learning: pretrain a convolutional encoder on unlabelled images (as an autoencoder, or by predicting rotations) and save it as a base model for `fit --base`')
    .addOption(new Option('--objective <task>', 'what the encoder learns from: autoencoder (reconstruct the image; also gives novelty scores) or rotation (tell which quarter turn an image was given; features that transfer better) (default autoencoder)').choices([...PRETRAIN_OBJECTIVES]))
    .requiredOption('--data <images>', 'unlabelled images: builtin:NAME, an image folder or an IDX file (labels, if any, are ignored)')
    .requiredOption('--out <dir>', 'model folder to write (the encoder; for the autoencoder objective, the whole autoencoder in autoencoder/)')
    .option('--epochs <n>', 'passes over the images (default 5)', positiveInt)
    .option('--batch-size <n>', 'images per step (default 64)', positiveInt)
    .option('--lr <rate>', 'Adam learning rate (default 0.002 for the autoencoder, 0.001 for rotation)', positiveNumber)
    .option('--noise <share>', 'autoencoder: share of pixels zeroed at random in each step (default 0: a plain autoencoder; 0.25 is a good start)', fraction)
    .option('--max-images <n>', 'use at most this many images (a seeded random sample)', positiveInt)
    .option('--seed <n>', 'seed of the initial weights, batch order and noise (default 0)', wholeNumber)
    .addOption(new Option('--encoder-features <kind>', 'what the saved base offers a new head: code (the encoder\'s code, for finetune) or pooled (quadrant max and mean of both ReLU maps, for extract --head-solver lbfgs) (default code)').choices([...ENCODER_FEATURES]))
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit pretrain --data builtin:mnist --out models/mnist-encoder --epochs 4 --noise 0.25
  $ transferkit fit --base models/mnist-encoder --train builtin:mnist --per-class 10 --strategy finetune --out runs/self-taught
  $ transferkit pretrain --data builtin:mnist --out models/mnist-pooled --epochs 4 --noise 0.25 --encoder-features pooled
  $ transferkit fit --base models/mnist-pooled --train builtin:mnist --per-class 10 --strategy extract --head-solver lbfgs --out runs/self-taught-linear
  $ transferkit pretrain --data builtin:mnist --out models/mnist-rotation --objective rotation --epochs 3 --encoder-features pooled
  $ transferkit pretrain --data scans/ --out models/scan-encoder --json

The encoder (conv16 → pool → conv32 → pool, a 32-channel code at a quarter of the image size) is
saved with a one-unit placeholder head, so \`fit\` puts its new head on the flattened code (with
--encoder-features pooled: on the 384 quadrant-pooled ReLU features); the
whole autoencoder is saved in <out>/autoencoder for \`transferkit novelty --method autoencoder\`.
With --objective rotation the same encoder learns to tell which of four quarter turns each image
was given (4 copies of every image in memory; square images only); it has no decoder.
Image height and width must be multiples of 4 (folders load at 28×28 grey).`,
    )
    .action((flags: PretrainFlags) =>
      runCommand(flags, async () => {
        await startEngine(flags.backend);
        const progress = createProgress();
        let res;
        try {
          res = await pretrain(
            { data: flags.data, out: flags.out, objective: flags.objective, epochs: flags.epochs, batchSize: flags.batchSize, learningRate: flags.lr, noise: flags.noise, maxImages: flags.maxImages, seed: flags.seed, encoderFeatures: flags.encoderFeatures },
            {
              onStep: (step, total) => progress.update('pretraining', step, total),
              onEpoch: (epoch, loss) => progress.log(`epoch ${epoch}: ${flags.objective === 'rotation' ? 'rotation cross-entropy' : 'reconstruction MSE'} ${loss.toFixed(4)}`),
            },
          );
        } finally {
          progress.stop();
        }
        res.dispose();
        const rotation = res.objective === 'rotation';
        const losses = rotation ? { rotationLoss: res.epochLosses, rotationAccuracy: res.rotationAccuracy } : { reconstructionMse: res.epochLosses };
        const json = { out: res.out, objective: res.objective, images: res.images, features: res.features, codeShape: res.codeShape, epochs: res.epochLosses.length, ...losses, seconds: res.seconds };
        const text = [
          `pretrained on ${res.images} unlabelled images in ${res.seconds.toFixed(1)} s (${rotation ? 'rotation prediction' : 'autoencoder'})`,
          rotation
            ? `turns told right by epoch: ${res.rotationAccuracy!.map((a) => `${(100 * a).toFixed(1)}%`).join(' → ')}`
            : `reconstruction MSE by epoch: ${res.epochLosses.map((l) => l.toFixed(4)).join(' → ')}`,
          `encoder (code ${res.codeShape.join('×')}) written to ${res.out}`,
          '',
          `next: transferkit fit --base ${res.out} --train <labelled data> --strategy finetune`,
        ].join('\n');
        return { json, text };
      }),
    );
}
