/**
 * Membership-inference risk of a trained classifier: how well an attacker who can query the
 * model tells its training examples (members) from held-out ones (non-members).
 */
import type { Dataset } from '../data/dataset.ts';
import { subset } from '../data/dataset.ts';
import { transformFeatures } from '../data/features.ts';
import { ensureEngine } from '../engine/backend.ts';
import { TransferkitError } from '../errors.ts';
import { argmaxRow } from '../measures/metrics.ts';
import { checkInputShape } from '../models/io.ts';
import { modelName, openModel, type ModelInput } from '../models/model-handle.ts';
import { predictProbs } from '../models/predict-probs.ts';
import { loadDataFor, type TrainedModel } from '../models/trained-model.ts';
import { createRng } from '../util/random.ts';
import { attackMetrics, type AttackMetrics } from './attack-roc.ts';
import { exampleLosses, logitConfidences, offlineLikelihoodScores } from './attack-scores.ts';
import { readAttackAuc, type RiskReading } from './risk-reading.ts';
import { isRunFolder, runMembers } from './run-members.ts';

/**
 * Options of {@link membershipRisk}.
 *
 * @example
 * ```ts
 * const opts: MembershipOptions = { model: 'runs/iris', members: 'train.csv', nonMembers: 'heldout.csv', label: 'species' };
 * ```
 */
export interface MembershipOptions {
  /** Run folder, model folder or zoo name, or a trained model in memory (`fit`'s `result.model`, left undisposed). */
  model: ModelInput;
  /** The examples the model trained on. Default, for a run folder: its training rows rebuilt from `config.json` (see `runMembers`). */
  members?: string | Dataset;
  /** Examples of the same distribution it did not train on. Default, for a run folder: its validation split or the rows `perClass` left out. */
  nonMembers?: string | Dataset;
  /** Label column of CSV data. */
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  /** At most this many examples of each side are used (a seeded random subset; default 5,000). */
  maxRows?: number;
  /** FPR bound of `tprAtLowFpr` (default 0.01). */
  lowFpr?: number;
  /** Seed of the subsets (default 0). */
  seed?: number;
}

/**
 * One attack's metrics with what it does and their plain-language reading.
 *
 * @example
 * ```ts
 * const { auc, reading } = (await membershipRisk({ model: 'runs/iris' })).attacks.loss;
 * ```
 */
export interface AttackResult extends AttackMetrics {
  /** What the attack does, in one line. */
  method: string;
  reading: RiskReading;
}

/**
 * What {@link membershipRisk} returns.
 *
 * @example
 * ```ts
 * const r: MembershipRisk = await membershipRisk({ model: 'runs/iris' });
 * console.log(r.attacks.loss.auc, r.reading.text);
 * ```
 */
export interface MembershipRisk {
  model: string;
  /** Where members and non-members came from. */
  source: string;
  members: SideSummary;
  nonMembers: SideSummary;
  attacks: { loss: AttackResult; likelihood: AttackResult };
  /** The reading of the stronger attack (higher AUC). */
  reading: RiskReading;
}

/**
 * Accuracy and mean loss of the model on one side: their gap is the overfitting the attacks exploit.
 *
 * @example
 * ```ts
 * const s: SideSummary = { data: 'train.csv', n: 60, accuracy: 1, meanLoss: 0.002 };
 * ```
 */
export interface SideSummary {
  data: string;
  n: number;
  accuracy: number;
  meanLoss: number;
}

/**
 * Measures membership-inference risk with two attacks that need only the model's class
 * probabilities and the true labels:
 *
 * - **loss** (Yeom et al. 2018, "Privacy risk in machine learning"): an example is called a
 *   member when its cross-entropy loss −log p(y|x) is low; the score is −loss.
 * - **likelihood** (shadow-free, offline likelihood ratio after LiRA, Carlini et al. 2022): the
 *   logit-scaled confidence φ = log p(y|x) − log(1 − p(y|x)) of each example is compared with
 *   a Gaussian fitted to the non-members' φ of its class (leave one out for the non-members
 *   themselves); the score is the z-score (φ − μ_y) / σ_y of the one-sided test "not trained
 *   on" (see `offlineLikelihoodScores`). It differs from the loss attack by calibrating per class.
 *
 * Each attack reports ROC AUC (exact Mann–Whitney with ties), the best advantage TPR − FPR, the
 * best balanced accuracy, TPR at 1% FPR, and a plain reading (see `readAttackAuc`). Members
 * and non-members must be labelled and of the same distribution: otherwise the attack measures
 * the shift between the two sets, not the model's memory.
 *
 * Errors: `MISSING_OPTION` (no members or non-members and none can be rebuilt from a run),
 * `NO_LABELS` (unlabelled examples), `TOO_FEW_EXAMPLES`, and those of loading model and data.
 *
 * @example
 * ```ts
 * const r = await membershipRisk({ model: 'runs/spam', members: 'train.jsonl', nonMembers: 'heldout.jsonl' });
 * console.log(r.attacks.loss.auc, r.attacks.likelihood.auc, r.reading.text);
 * ```
 */
export async function membershipRisk(opts: MembershipOptions): Promise<MembershipRisk> {
  await ensureEngine();
  const { trained, release } = await openModel(opts.model);
  try {
    let members = opts.members;
    let nonMembers = opts.nonMembers;
    let source = 'members and non-members as given';
    if ((members === undefined || nonMembers === undefined) && typeof opts.model === 'string' && isRunFolder(opts.model)) {
      const rebuilt = await runMembers(opts.model, trained.features);
      if (members === undefined) members = rebuilt.members;
      if (nonMembers === undefined) nonMembers = rebuilt.nonMembers;
      source = `rebuilt from the run folder: ${rebuilt.how}`;
    }
    if (members === undefined || nonMembers === undefined) {
      const missing = members === undefined ? 'members (the training data)' : 'non-members (held-out data of the same kind)';
      throw new TransferkitError('MISSING_OPTION', `Measuring membership risk needs ${missing}`, {
        where: members === undefined ? 'members option' : 'non-members option',
        hint:
          typeof opts.model === 'string' && isRunFolder(opts.model)
            ? 'This run trained on all its rows (no validation split, no per-class sample), so it held nothing out: pass held-out examples of the same data as non-members.'
            : 'Pass both: the data the model trained on, and data of the same kind it never saw.',
      });
    }
    const seed = opts.seed ?? 0;
    const maxRows = opts.maxRows ?? 5000;
    const m = await side(trained, members, opts, maxRows, seed, 'members');
    const n = await side(trained, nonMembers, opts, maxRows, seed + 1, 'non-members');
    const k = trained.classes.length;
    const lossM = exampleLosses(m.probs, m.ds.labels, k);
    const lossN = exampleLosses(n.probs, n.ds.labels, k);
    const lowFpr = opts.lowFpr ?? 0.01;
    const loss = attackMetrics(lossM.map((v) => -v), lossN.map((v) => -v), lowFpr);
    const z = offlineLikelihoodScores(logitConfidences(m.probs, m.ds.labels, k), m.ds.labels, logitConfidences(n.probs, n.ds.labels, k), n.ds.labels);
    const likelihood = attackMetrics(z.members, z.nonMembers, lowFpr);
    const attacks = {
      loss: { method: 'loss threshold (Yeom et al. 2018): low cross-entropy loss means member', ...loss, reading: readAttackAuc(loss.auc, loss.members, loss.nonMembers) },
      likelihood: {
        method: 'offline likelihood ratio without shadow models: z-score of the logit confidence against a Gaussian of the non-members of the same class',
        ...likelihood,
        reading: readAttackAuc(likelihood.auc, likelihood.members, likelihood.nonMembers),
      },
    };
    const stronger = attacks.likelihood.auc > attacks.loss.auc ? attacks.likelihood : attacks.loss;
    return {
      model: modelName(opts.model),
      source,
      members: summary(m.ds, m.probs, lossM, k),
      nonMembers: summary(n.ds, n.probs, lossN, k),
      attacks,
      reading: stronger.reading,
    };
  } finally {
    release();
  }
}

async function side(trained: TrainedModel, data: string | Dataset, opts: MembershipOptions, maxRows: number, seed: number, what: string): Promise<{ ds: Dataset; probs: Float32Array }> {
  let ds = await loadDataFor(trained, data, { label: opts.label, impute: opts.impute });
  const labelled = Array.from({ length: ds.size }, (_, i) => i).filter((i) => ds.labels[i] >= 0);
  if (labelled.length === 0) {
    throw new TransferkitError('NO_LABELS', `The ${what} (${ds.name}) have no labels`, { where: ds.name, hint: 'Membership attacks compare the loss on the true class: give every example its label.' });
  }
  if (labelled.length < ds.size || labelled.length > maxRows) {
    const rows = labelled.length > maxRows ? createRng(seed).shuffle(labelled).slice(0, maxRows).sort((a, b) => a - b) : labelled;
    ds = subset(ds, rows);
  }
  const x = transformFeatures(trained.features, ds);
  checkInputShape(trained.model, x.shape.slice(1), ds.name);
  return { ds, probs: predictProbs(trained.model, x) };
}

function summary(ds: Dataset, probs: Float32Array, losses: Float64Array, k: number): SideSummary {
  let correct = 0;
  let total = 0;
  for (let i = 0; i < ds.size; i++) {
    if (argmaxRow(probs, i, k) === ds.labels[i]) correct++;
    total += losses[i];
  }
  return { data: ds.name, n: ds.size, accuracy: correct / ds.size, meanLoss: total / ds.size };
}
