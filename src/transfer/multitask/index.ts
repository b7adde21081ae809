/**
 * Multi-task learning: one shared trunk, one softmax head per task, trained on TF.js with fixed
 * or uncertainty-weighted losses, and compared with single-task models over seeds.
 *
 * @module
 */
export { parseTaskList, parseGroupMap, deriveTask, taskFromMapFile, subsetTasks, taskIndex, type Task, type TaskSource } from './tasks.ts';
export { loadTaskData, type TaskData } from './load-tasks.ts';
export { checkWeights, fixedWeightLoss, uncertaintyLoss, taskWeights, type Weighting } from './loss.ts';
export { buildMultiTaskModel, type TrunkSpec, type TaskHead, type MultiTaskModelOptions } from './model.ts';
export { trainMultiTask, maskedCrossEntropy, type MultiTaskTrainOptions, type MultiTaskEpoch, type MultiTaskTrainResult } from './train.ts';
export { predictTasks, evaluateTasks, taskLoss, type MultiTaskData, type TaskScore } from './evaluate.ts';
export { saveMultiTaskModel, saveTaskHeads, loadMultiTaskModel, verifyMultiTaskSave, type LoadedMultiTaskModel, type MultiTaskMetaInput } from './io.ts';
export { prepareSplits, type SplitPlan, type PreparedSplits } from './prepare.ts';
export { multiTaskVerdict, type MultiTaskVerdict, type MultiTaskVerdictKind } from './verdict.ts';
export { multiTask, type MultiTaskConfig, type MultiTaskResult, type ComparisonRun } from './run.ts';
