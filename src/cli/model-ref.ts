/**
 * How the CLI's help names a model reference: every option that takes a model accepts the same
 * forms, resolved by one function (`resolveModelRef`).
 */

/** The forms a model reference takes, for option help texts. */
export const MODEL_REF_FORMS = 'run folder, zoo name (see `transferkit models`), model folder, model.json or .onnx file';
