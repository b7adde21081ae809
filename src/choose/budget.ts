/**
 * The default training budget of the advisor's plans and of measured runs.
 *
 * @module
 */

/**
 * Default training budget for `n` labelled examples: batch 20 up to 200 examples, else 32;
 * enough epochs for about 600 optimiser steps, between 10 and 60; the fine-tuning phase half as many.
 *
 * @example
 * ```ts
 * trainingBudget(100); // { batchSize: 20, epochs: 60, finetuneEpochs: 30 }
 * trainingBudget(1000); // { batchSize: 32, epochs: 19, finetuneEpochs: 10 }
 * ```
 */
export function trainingBudget(n: number): { batchSize: number; epochs: number; finetuneEpochs: number } {
  const batchSize = n <= 200 ? 20 : 32;
  const steps = Math.max(1, Math.ceil(n / batchSize));
  const epochs = Math.max(10, Math.min(60, Math.ceil(600 / steps)));
  return { batchSize, epochs, finetuneEpochs: Math.ceil(epochs / 2) };
}
