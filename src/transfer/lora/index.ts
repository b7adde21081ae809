/**
 * LoRA adapters: low-rank updates on frozen Dense and Conv2D layers, several named adapters per
 * base, merging, and saving/loading adapters on their own.
 *
 * @example
 * ```ts
 * import { applyLora, saveAdapter } from './lora/index.ts';
 * const model = applyLora(base, { rank: 8, layers: ['dense1'], train: ['head'], seed: 1 });
 * // … train …
 * await saveAdapter(model, 'adapters/mnist');
 * ```
 */
export { LoraDense, LoraConv2D, isLoraLayer, type AdapterSpec, type LoraLayer } from './layers.ts';
export {
  applyLora,
  addAdapter,
  setActiveAdapter,
  listAdapters,
  mergeAdapter,
  unmergeAdapter,
  mergedModel,
  loraLayers,
  loraFingerprint,
  modelFingerprint,
  countTrainable,
  type LoraOptions,
} from './apply.ts';
export { saveAdapter, loadAdapter, attachAdapter, readAdapter, ADAPTER_FORMAT, type AdapterFile, type AdapterHead, type SaveAdapterOptions } from './adapter-io.ts';
