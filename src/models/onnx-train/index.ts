/**
 * The ONNX training engine: compiles a TF.js layers model's training step (forward, backward,
 * AdamW) into one ONNX graph and runs it on onnxruntime-node.
 *
 * @example
 * ```ts
 * import { OnnxTrainer } from 'transferkit/models/onnx-train';
 * const trainer = new OnnxTrainer(model, { batchSize: 32, numClasses: 10, seed: 0 });
 * ```
 *
 * @module
 */
export { OnnxTrainer, type OnnxTrainerOptions, type AdamSlot } from './trainer.ts';
export { compileTrainStep, compileEval, type CompiledGraph, type TrainGraphOptions, type MaskInput } from './compile.ts';
export { lowerModel, unsupported, type ParamSpec, type PrimOp, type LowerOptions } from './lower.ts';
export { toOnnxLayout, fromOnnxLayout, onnxShape, nhwcToNchw, type WeightLayout } from './layout.ts';
export { createTrainSession, runSession } from './session.ts';
export { onnxForward } from './infer.ts';
