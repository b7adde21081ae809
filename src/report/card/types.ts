/**
 * The model card of a run, in the sections of Mitchell et al. 2019, "Model Cards for Model
 * Reporting" (FAT* '19): model details, intended use, factors, metrics, evaluation data,
 * training data, quantitative analyses, ethical considerations, caveats and recommendations.
 *
 * Nothing is invented: a fact the run does not record is a string that starts with
 * `unknown` and says why, or a `null` number.
 *
 * @module
 */

/**
 * The `format` tag of a card; a reader can switch on it.
 *
 * @example
 * ```ts
 * if (json.format === MODEL_CARD_FORMAT) render(json);
 * ```
 */
export const MODEL_CARD_FORMAT = 'transferkit-model-card@1';

/**
 * Who made the model, what it is, and how to cite it.
 *
 * @example
 * ```ts
 * const d: ModelDetails['baseModel'] = 'fashion-cnn (built-in zoo model)';
 * ```
 */
export interface ModelDetails {
  /** The model's name (`--name`, else the run folder's name). */
  name: string;
  /** Version (`--model-version`, else `unknown (…)`). */
  version: string;
  /** When the run started (its `config.json` `createdAt`). */
  date: string;
  /** One line: the kind of model, e.g. "3-class tabular classifier: scratch MLP". */
  type: string;
  /** The pretrained model it was transferred from, or `none (trained from scratch)`. */
  baseModel: string;
  /** How it was trained: the transfer strategy (`extract`, `finetune`, …) or the adaptation method. */
  strategy: string;
  /** The classifier on top: e.g. "linear softmax fitted by L-BFGS (C = 0.1, 5-fold CV)". */
  head: string;
  /** What trained each phase (ONNX engine, TF.js, L-BFGS) or how an adaptation run computes. */
  engine: string;
  /** The transferkit version that wrote the card. */
  transferkitVersion: string;
  /** `image`, `tabular` or `text`. */
  dataKind: string;
  /** The classes it predicts, in output order. */
  classes: string[];
  /** The licence of the model (`--licence`, else a note on what it follows from). */
  licence: string;
  /** How to cite it (`--citation`). */
  citation: string;
  /** Whom to ask about it (`--contact`). */
  contact: string;
}

/**
 * What the model is for, as its author states it.
 *
 * @example
 * ```ts
 * const u: IntendedUse = { primaryUses: 'triage of support tickets', outOfScope: 'automated refusals', stated: true };
 * ```
 */
export interface IntendedUse {
  primaryUses: string;
  outOfScope: string;
  /** False when the author stated neither (both fields then say so). */
  stated: boolean;
}

/**
 * Factors the performance may vary with: the data kind and the groups audited.
 *
 * @example
 * ```ts
 * const f: Factors = { dataKind: 'tabular', groups: ['sex'], notes: ['groups from audit.json'] };
 * ```
 */
export interface Factors {
  dataKind: string;
  /** Sensitive or grouping attributes a group audit (`audit.json`) looked at; empty when none was run. */
  groups: string[];
  notes: string[];
}

/**
 * One metric with its 95% interval and how the interval was found.
 *
 * @example
 * ```ts
 * const m: Measure = { name: 'accuracy', value: 0.9, low: 0.83, high: 0.94, interval: 'Wilson score, 95%' };
 * ```
 */
export interface Measure {
  name: string;
  /** Null when the run does not record it. */
  value: number | null;
  low: number | null;
  high: number | null;
  /** How the interval was computed, or why there is none. */
  interval: string;
}

/**
 * The performance measures and on which data they were taken.
 *
 * @example
 * ```ts
 * const s: MetricsSection = { evaluatedOn: 'validation data', n: 150, measures: [], notes: [] };
 * ```
 */
export interface MetricsSection {
  /** Which data the measures come from (validation, labelled target, or — flagged — training data). */
  evaluatedOn: string;
  /** Number of scored examples; null when unknown. */
  n: number | null;
  measures: Measure[];
  notes: string[];
}

/**
 * Count and share of one class in a dataset.
 *
 * @example
 * ```ts
 * const c: ClassCount = { class: 'setosa', count: 50, share: 1 / 3 };
 * ```
 */
export interface ClassCount {
  class: string;
  count: number;
  share: number;
}

/**
 * A dataset as the card describes it.
 *
 * @example
 * ```ts
 * const d: DataDescription = { name: 'builtin:iris', description: "Fisher's iris flowers", size: 150, classBalance: [], notes: [] };
 * ```
 */
export interface DataDescription {
  name: string;
  description: string;
  /** Examples; null when unknown. */
  size: number | null;
  /** Labelled examples per class (empty when unknown). */
  classBalance: ClassCount[];
  notes: string[];
}

/**
 * The data the measures were taken on.
 *
 * @example
 * ```ts
 * const e: EvaluationData = { role: 'validation', name: 'builtin:iris (15% split)', description: '…', size: 23, classBalance: [], notes: [] };
 * ```
 */
export interface EvaluationData extends DataDescription {
  /** `validation`, `test`, `labelled target`, `training (no held-out data)`. */
  role: string;
}

/**
 * Where the knowledge transferred from: the base model, its card and its data.
 *
 * @example
 * ```ts
 * const s: SourceDescription = { model: 'fashion-cnn', description: 'Small CNN …', data: 'Fashion-MNIST …', card: 'models/fashion-cnn/MODEL_CARD.md', notes: [] };
 * ```
 */
export interface SourceDescription {
  model: string;
  description: string;
  /** What the base model (or the adaptation's source domain) was trained on. */
  data: string;
  /** Path of the base model's own card, when it has one. */
  card: string | null;
  notes: string[];
}

/**
 * The target data it was trained on, and the source it transferred from.
 *
 * @example
 * ```ts
 * const t: TrainingData['source']['model'] = 'none (trained from scratch)';
 * ```
 */
export interface TrainingData {
  target: DataDescription;
  source: SourceDescription;
}

/**
 * One class's row of the per-class table, with a Wilson interval on its recall.
 *
 * @example
 * ```ts
 * const r: PerClassRow = { class: 'a', precision: 1, recall: 0.9, recallLow: 0.6, recallHigh: 0.98, f1: 0.95, support: 10 };
 * ```
 */
export interface PerClassRow {
  class: string;
  precision: number;
  recall: number;
  recallLow: number | null;
  recallHigh: number | null;
  f1: number;
  support: number;
}

/**
 * A group fairness audit (`audit.json`) as the card shows it.
 *
 * @example
 * ```ts
 * const g: GroupAnalysis = { sensitive: ['sex'], positive: 'approved', privileged: 'male', columns: ['selectionRate'], rows: [], measures: [], flags: [], warnings: [] };
 * ```
 */
export interface GroupAnalysis {
  sensitive: string[];
  positive: string;
  /** The reference group of ratio measures such as disparate impact, when the audit names one. */
  privileged: string | null;
  /** The per-group numbers present, in table order. */
  columns: string[];
  rows: Array<{ group: string; count: number; values: Record<string, number | null> }>;
  /** Aggregate measures; `value` null where the audit found them undefined. */
  measures: Array<{ name: string; value: number | null; low: number | null; high: number | null }>;
  flags: string[];
  warnings: string[];
}

/**
 * Domain shift between the source and the target, and after adaptation.
 *
 * @example
 * ```ts
 * const s: ShiftAnalysis = { from: 'metrics.json (adapt)', measures: [{ name: 'proxy A-distance', before: 1.2, after: 0.1, meaning: '0 same … 2 separable' }], notes: [] };
 * ```
 */
export interface ShiftAnalysis {
  /** The file the numbers come from. */
  from: string;
  measures: Array<{ name: string; before: number | null; after: number | null; meaning: string }>;
  notes: string[];
}

/**
 * Did the transfer (or the adaptation) help? The negative-transfer verdict.
 *
 * @example
 * ```ts
 * const v: VerdictAnalysis = { kind: 'helped', text: 'transfer helped by 14.2 ± 3.1 points', from: '../../curve.json' };
 * ```
 */
export interface VerdictAnalysis {
  /** `helped`, `no-difference`, `negative`, or for adaptation `improved` / `no change` / `worse`. */
  kind: string;
  text: string;
  from: string;
}

/**
 * Per-class, per-group, shift and verdict analyses.
 *
 * @example
 * ```ts
 * const q: QuantitativeAnalyses = { perClass: [], groups: null, shift: null, verdict: null, notes: [] };
 * ```
 */
export interface QuantitativeAnalyses {
  perClass: PerClassRow[];
  groups: GroupAnalysis | null;
  shift: ShiftAnalysis | null;
  verdict: VerdictAnalysis | null;
  notes: string[];
}

/**
 * A membership-inference check (`privacy.json`) as the card shows it.
 *
 * @example
 * ```ts
 * const p: PrivacyAnalysis = { lossAttackAuc: 0.52, lossAttackAdvantage: 0.04, likelihoodRatioAuc: 0.55, reading: 'low risk' };
 * ```
 */
export interface PrivacyAnalysis {
  lossAttackAuc: number;
  lossAttackAdvantage: number | null;
  likelihoodRatioAuc: number | null;
  reading: string;
}

/**
 * Risks of use: inherited bias, membership inference, and other considerations.
 *
 * @example
 * ```ts
 * const e: EthicalConsiderations = { inheritedBias: '…', privacy: null, considerations: [] };
 * ```
 */
export interface EthicalConsiderations {
  inheritedBias: string;
  privacy: PrivacyAnalysis | null;
  considerations: string[];
}

/**
 * What a user should know before relying on the model, and what to do about it.
 *
 * @example
 * ```ts
 * const c: CaveatsAndRecommendations = { caveats: ['measured on the training data'], recommendations: ['evaluate on held-out data'] };
 * ```
 */
export interface CaveatsAndRecommendations {
  caveats: string[];
  recommendations: string[];
}

/**
 * A model card: what {@link buildModelCard} returns, `model_card.json` holds and
 * `MODEL_CARD.md` renders.
 *
 * @example
 * ```ts
 * const card: ModelCard = await buildModelCard('runs/iris');
 * console.log(card.metrics.measures[0]); // { name: 'accuracy', value: …, low: …, high: …, interval: … }
 * ```
 */
export interface ModelCard {
  format: typeof MODEL_CARD_FORMAT;
  generatedAt: string;
  run: { folder: string; kind: 'fit' | 'adapt' };
  modelDetails: ModelDetails;
  intendedUse: IntendedUse;
  factors: Factors;
  metrics: MetricsSection;
  evaluationData: EvaluationData;
  trainingData: TrainingData;
  quantitativeAnalyses: QuantitativeAnalyses;
  ethicalConsiderations: EthicalConsiderations;
  caveatsAndRecommendations: CaveatsAndRecommendations;
}
