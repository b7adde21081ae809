/**
 * Every error code transferkit uses, with what it means: one documented list (README's "Errors"
 * section points here). A code is stable: scripts may switch on it.
 *
 * @example
 * ```ts
 * try { await fit(config); } catch (e) { if (e instanceof TransferkitError && e.code === 'BAD_OPTION') … }
 * console.log(ERROR_CODES.BAD_OPTION);
 * ```
 */
export const ERROR_CODES = Object.freeze({
  // options and calls
  BAD_OPTION: 'an option has a value it does not accept; the message names the option and what is allowed',
  MISSING_OPTION: 'a required option is missing',
  BAD_INPUT: 'a function was given an argument of the wrong type, shape or range',
  BAD_MODEL: 'the model option is neither a model reference nor a trained model in memory',
  UNKNOWN_METHOD: 'no explanation or adaptation method has this name',
  BAD_METHOD: 'a method registration is malformed (name, data kinds)',
  DUPLICATE_METHOD: 'a method of this name is already registered',
  UNKNOWN_STRATEGY: 'no transfer strategy has this name',
  UNKNOWN_BACKEND: 'no compute backend has this name',
  BACKEND_UNAVAILABLE: 'the compute backend asked for cannot start here',
  // files and data
  FILE_NOT_FOUND: 'a data file or folder does not exist',
  NOT_A_FILE: 'a path that must be a file is a folder',
  NOT_A_DIRECTORY: 'a path that must be a folder is a file',
  BAD_PLOT_PATH: 'a chart file name ends in neither .svg nor .png',
  WRITE_FAILED: 'a file or folder cannot be written: permission denied, read-only file system or disk full (the path is named; exit code 1)',
  UNKNOWN_DATASET: 'no built-in dataset has this name',
  DATASET_NOT_INSTALLED: 'a built-in dataset needs a package that is not installed (the hint says which)',
  UNSUPPORTED_FORMAT: 'the data file is of a kind transferkit does not read',
  BAD_CSV: 'a CSV file is malformed (row and column named)',
  BAD_JSONL: 'a JSON Lines file is malformed (line named)',
  BAD_IDX: 'an IDX file is malformed or truncated',
  BAD_IMAGE: 'an image file cannot be decoded',
  BAD_CHANNELS: 'images cannot be converted to the channels asked for',
  BAD_PIXELS: 'an in-memory image has a pixel value outside [0, 1]',
  BAD_TEXT: 'a text example is not a string',
  BAD_VALUE: 'an in-memory row has a value that is not a number, string or missing',
  BAD_PATTERN: 'a file pattern has a wildcard outside the file name',
  NO_MATCH: 'no file matches the pattern',
  NO_IMAGES: 'a folder holds no image files',
  NO_CLASS_FOLDERS: 'an image folder has no class subfolders where labels are needed',
  EMPTY_CLASS: 'a class folder holds no images',
  NO_STDIN: 'data was to be read from standard input, but nothing is piped in',
  EMPTY_DATA: 'the data has no rows',
  EMPTY_TEXT: 'a text has no words',
  EMPTY_LABEL: 'a row has an empty label',
  EMPTY_SAMPLE: 'a statistical test got no values on one side',
  MISSING_COLUMN: 'a column the model or method needs is not in the data',
  MISSING_ID: 'the id column asked for is not in the data',
  MISSING_LABEL: 'the label column is not in the data',
  MISSING_TEXT: 'a JSON Lines record has no text field',
  MISSING_VALUE: 'the data has missing values and no imputation was asked for',
  NAN_FEATURE: 'a numeric column holds a value that is not a number',
  NON_FINITE_INPUT: 'an input holds NaN or an infinite value',
  RAGGED_ROWS: 'in-memory rows do not all have the same columns',
  LABEL_COUNT: 'the number of labels differs from the number of examples',
  BAD_LABEL: 'a label is not a valid class index',
  UNKNOWN_LABEL: 'a label is not one of the classes',
  UNKNOWN_CLASS: 'the model has no class of this name',
  UNKNOWN_TARGET_CLASS: 'the target data has classes the source data lacks',
  NO_LABELS: 'the data has no labelled examples where labels are needed',
  ONE_CLASS: 'the data has only one class',
  TOO_FEW_EXAMPLES: 'too few examples (or rows) for what was asked',
  TOO_MANY_ROWS: 'too many rows for the method (the limit is named)',
  KIND_MISMATCH: 'the data is of another kind (image, tabular, text) than the model or method takes',
  TYPE_MISMATCH: 'a column is numeric in one dataset and categorical in the other',
  SHAPE_MISMATCH: 'sizes do not fit together (inputs, rows, columns, classes)',
  BAD_SHAPE: 'a tensor or array has the wrong shape, or is disposed',
  BAD_FEATURE: 'a feature index or name is not a column',
  UNKNOWN_FEATURE: 'a feature named in an option is not in the data',
  BAD_GROUPS: 'feature groups are empty, overlap or miss columns',
  BAD_ROW: 'a row number is not in the data',
  ROW_DROPPED: 'the row asked for was dropped by imputation',
  BAD_WEIGHTS: 'example or background weights are negative or not finite',
  // models
  MODEL_NOT_FOUND: 'no model at this path',
  UNKNOWN_MODEL: 'no built-in model has this name, and no such path exists',
  NOT_A_MODEL_FOLDER: 'a model cannot be saved there: the path is not a folder',
  MISSING_WEIGHTS: 'a model lists no weights, or its weight files are missing',
  CORRUPT_WEIGHTS: 'the weight files are truncated or do not match model.json',
  UNKNOWN_EMBEDDINGS: 'a word-vector reference is neither a built-in set (glove-100d) nor an existing vectors file',
  CORRUPT_EMBEDDINGS: 'a word-vector cache or JSON file is damaged or truncated (the file is named)',
  UNKNOWN_WORD: 'a class name or description holds no word the word vectors know, so it has no vector (the class is named)',
  CORRUPT_MODEL: 'a model file (model.json, transferkit.json, .onnx, saved preprocessing) is damaged',
  UNSAFE_PATH: "a file a model refers to (weight shard, ONNX external data) lies outside the model's folder or is not a regular file",
  UNSUPPORTED_MODEL: 'a kind of model transferkit cannot train or load (e.g. a TF.js graph model)',
  UNSUPPORTED_OP: 'an ONNX node whose operator the converter does not handle (node named)',
  ONNX_RUN_FAILED: 'onnxruntime failed to run a model',
  SAVE_FAILED: 'TensorFlow.js could not serialise the model',
  SAVED_MODEL_MISMATCH: 'the model saved after training, loaded back, does not reproduce the trained model (its predictions or preprocessing differ)',
  NO_PREPROCESSING: 'the model records no preprocessing, so data cannot be turned into its inputs',
  NOT_A_CLASSIFIER: "the model's output is not one score per class",
  NO_HEAD: 'the model has no dense head to replace',
  UNKNOWN_LAYER: 'no layer has this name or index (close names suggested)',
  LAYER_NAME_TAKEN: 'a new layer would clash with an existing layer name',
  BAD_CUT: 'the model cannot be cut at that layer',
  NOT_A_BASE_LAYER: 'the layer belongs to the new head, not to the pretrained base',
  NOT_A_CONV_LAYER: 'a method that needs a convolutional layer found none',
  BAD_MODEL_OUTPUT: 'a prediction function returned the wrong number or kind of values',
  BAD_TARGET: 'a model has several outputs and no target class was given',
  BAD_SCORE: 'a scoring function returned a value that is not a finite number',
  DISPOSED: 'a model or extractor was used after dispose()',
  ONNX_TRAIN_UNSUPPORTED: 'the ONNX training engine cannot compile a layer of the model (layer and class named)',
  UNKNOWN_TOKENIZER: 'a tokenizer.json uses a model, normalizer, pre-tokenizer or post-processor transferkit does not read (field and value named)',
  BAD_TOKENIZER: 'a tokenizer.json is not valid JSON or lacks a field it needs (the field is named)',
  ENCODER_INPUTS: "an ONNX text encoder's inputs or outputs are not the ones expected (input_ids, attention_mask, optional token_type_ids; last_hidden_state or a pooled output): expected and found names given",
  ENCODER_NOT_FOUND: 'the ONNX text encoder or tokenizer a model records is missing or has changed since training (the path is named)',
  ENCODER_FROZEN: 'an ONNX text encoder is a frozen feature extractor, so the strategy cannot train it',
  // transfer and training
  MISSING_BASE: 'a strategy that transfers needs a pretrained base model',
  BAD_ARCH: 'the architecture does not fit the data kind',
  NOTHING_TO_TRAIN: 'every layer is frozen',
  TRAINING_DIVERGED: 'the training loss or a weight became NaN or infinite (phase, epoch and learning rate named)',
  LORA_UNSUPPORTED: 'LoRA adapters cannot go on that model or layer',
  NOT_A_LORA_MODEL: 'the model has no LoRA adapters',
  ADAPTER_EXISTS: 'the layer already has an adapter of this name',
  ADAPTER_NOT_FOUND: 'no adapter is saved there',
  ADAPTER_MERGED: 'the adapter is merged into the base weights',
  ADAPTER_MISMATCH: 'the adapter was made for another base model',
  CORRUPT_ADAPTER: 'a saved adapter is damaged',
  UNKNOWN_ADAPTER: 'the model has no adapter of this name',
  // runs
  RUN_NOT_FOUND: 'no run folder there',
  RUN_EXISTS: 'the output folder already holds a run',
  RUN_LOCKED: 'another running process is training the run (it holds the run folder\'s .lock)',
  RUN_FINISHED: 'the run has finished, so there is nothing to resume',
  DATA_CHANGED: 'the training or validation data differs from the data the run started with, so it cannot be resumed',
  RESUME_IN_MEMORY: 'the run trained on data in memory, which its folder does not hold, so it cannot be resumed',
  RUN_MISMATCH: 'the run folder holds a run with other settings or data than the experiment being resumed gives it (the folder and the differences are named)',
  NOT_A_RUN: 'the folder is not a run folder',
  CORRUPT_RUN: 'a file of a run folder (config.json, history.jsonl, checkpoints/state.json) is damaged (the file is named)',
  OUT_NOT_EMPTY: 'the output folder is not empty',
  OUT_IS_INPUT: 'the output file is the input, which writing would destroy',
  // dashboard (transferkit serve)
  UNAUTHORIZED: 'a dashboard request came without the token the server printed at start (every request needs it, unless `serve --no-token` opened loopback)',
  PORT_IN_USE: 'the dashboard cannot listen on that host and port: it is in use or not an address of this machine',
  // choosing, adapting, explaining
  NO_CANDIDATES: 'no candidate models to rank',
  NO_RESULTS: 'no results to judge',
  NEED_TWO_DOMAINS: 'a domain-alignment method needs a source and a target domain',
  DEGENERATE_WEIGHTS: 'every importance weight is 0, so the source cannot be reweighted',
  VALIDATOR_NEEDS_DATA: 'an unsupervised validator could not score any candidate',
  NO_BACKGROUND: 'an explanation needs background data and the model records none',
  TOO_MANY_FEATURES: 'too many features for exact Shapley values',
  UNDERDETERMINED: 'too few coalitions to determine the Shapley values',
  // numerics
  SINGULAR_FIT: 'a least-squares fit is singular',
  SINGULAR_COVARIANCE: 'a covariance matrix is singular',
  SINGULAR_CONFUSION: 'a confusion matrix is singular',
  NOT_POSITIVE_DEFINITE: 'a matrix that must be positive definite is not',
  NOT_PROBABILITIES: 'values that must be probabilities are not',
  NO_CONVERGENCE: 'an iterative computation did not converge',
  // engine
  UNSUPPORTED_KERNEL_ATTR: "a wasm training kernel does not support an attribute the model uses",
  WORKER_FAILED: 'a worker thread stopped',
  POOL_CLOSED: 'the worker pool was used after it closed',
  NOT_A_WORKER: 'a worker entry point ran outside a worker thread',
} as const);

/**
 * A documented error code (see {@link ERROR_CODES}).
 *
 * @example
 * ```ts
 * const code: ErrorCode = 'BAD_OPTION';
 * ```
 */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Errors that transferkit shows to people.
 *
 * Every error names what was wrong, where, and how to fix it. The CLI prints
 * `message` and `hint`; `--json` mode prints `{ "error": { code, message, where, hint } }`.
 *
 * @example
 * ```ts
 * throw new TransferkitError('MISSING_LABEL', 'Label column "species" is not in the CSV', {
 *   where: 'data/penguins.csv',
 *   hint: 'Pass --label with one of: island, bill_length_mm, …',
 * });
 * ```
 */
export class TransferkitError extends Error {
  /** Stable, machine-readable code such as `BAD_CSV` or `UNKNOWN_LAYER` (see {@link ERROR_CODES}). */
  readonly code: ErrorCode;
  /** The file, row, column or layer the problem is in, when known. */
  readonly where?: string;
  /** What the user can do about it. */
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, opts: { where?: string; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TransferkitError';
    this.code = code;
    this.where = opts.where;
    this.hint = opts.hint;
  }

  /** A JSON-friendly view for `--json` output. */
  toJSON(): { code: ErrorCode; message: string; where?: string; hint?: string } {
    return { code: this.code, message: this.message, where: this.where, hint: this.hint };
  }
}

/**
 * Throws a {@link TransferkitError} when `condition` is false.
 *
 * @example
 * ```ts
 * check(rows > 0, 'EMPTY_DATA', 'The CSV has no data rows', { where: file });
 * ```
 */
export function check(
  condition: unknown,
  code: ErrorCode,
  message: string,
  opts: { where?: string; hint?: string } = {},
): asserts condition {
  if (!condition) throw new TransferkitError(code, message, opts);
}
