/**
 * Reading a membership-attack AUC in plain words.
 */
import { nullAucStdError } from './attack-roc.ts';

/**
 * How much a model leaks membership, as read from an attack's AUC.
 *
 * @example
 * ```ts
 * const level: LeakLevel = 'some';
 * ```
 */
export type LeakLevel = 'none' | 'slight' | 'some' | 'high' | 'very high';

/**
 * A plain-language reading of an attack AUC.
 *
 * @example
 * ```ts
 * const r: RiskReading = readAttackAuc(0.66, 100, 100);
 * r.level; // 'some'
 * ```
 */
export interface RiskReading {
  level: LeakLevel;
  /** One or two sentences for people. */
  text: string;
  /** Whether the AUC is more than 2 null standard errors above 0.5 (see `nullAucStdError`). */
  significant: boolean;
}

/**
 * Reads an attack AUC for people. Bands: below 0.55 no measurable leak; 0.55–0.6 slight;
 * 0.6–0.7 some; 0.7–0.8 high; 0.8 and above very high. An AUC within 2 null standard errors of
 * 0.5 for these sample sizes (±0.08 for 100 members and 100 non-members) is read as no
 * measurable leak whatever its band, since chance alone gives such values.
 *
 * @example
 * ```ts
 * readAttackAuc(0.52, 500, 500).level; // 'none'
 * readAttackAuc(0.9, 100, 100).text;   // 'Very high: …'
 * ```
 */
export function readAttackAuc(auc: number, members: number, nonMembers: number): RiskReading {
  const se = nullAucStdError(members, nonMembers);
  const significant = auc - 0.5 > 2 * se;
  const pct = Math.round(auc * 100);
  if (!significant || auc < 0.55) {
    return {
      level: 'none',
      significant,
      text: `No measurable leak: the attack tells training examples from held-out ones about as well as a coin (AUC ${auc.toFixed(3)}; chance gives 0.5 ± ${(2 * se).toFixed(3)} with ${members} members and ${nonMembers} non-members).`,
    };
  }
  const odds = `given one training example and one held-out example, the attack picks the training one ${pct}% of the time (50% is guessing)`;
  if (auc < 0.6) return { level: 'slight', significant, text: `Slight leak: ${odds}. Little to worry about for most data, but the model fits its training examples a bit better than new ones.` };
  if (auc < 0.7) return { level: 'some', significant, text: `Some leak: ${odds}. Someone with the model and a person's record can guess whether it was in the training data better than chance; regularise more or train on more data if the data is sensitive.` };
  if (auc < 0.8) return { level: 'high', significant, text: `High leak: ${odds}. The model has memorised much of its training data; do not release it trained on sensitive records without stronger regularisation or differential privacy.` };
  return { level: 'very high', significant, text: `Very high leak: ${odds}. The model memorises its training examples; treat it as exposing them.` };
}
