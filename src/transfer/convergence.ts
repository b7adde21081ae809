/**
 * Did training converge? A phase that ran its whole budget while its training loss was still
 * falling ended too soon; an L-BFGS head that stopped at its iteration limit did too. `fit`
 * reports these as warnings (in its result, `metrics.json` and the CLI output).
 *
 * @module
 */
import type { HeadChoice } from './linear-head.ts';
import type { Phase } from './strategies.ts';
import { formatRate, type EpochRecord } from './train.ts';

/** A phase whose mean training loss over its last epochs is below this share of the epochs before has not converged. */
export const STILL_FALLING = 0.95;

/**
 * Warnings about budgets that ended before the loss converged, one line each, for the phases in
 * `history` (the epochs trained in this call).
 *
 * @example
 * ```ts
 * convergenceWarnings(history, phases); // ['head phase: the training loss was still falling (1.62 → 1.49 over the last 3 epochs) when its 30 epochs ended; …']
 * ```
 */
export function convergenceWarnings(history: EpochRecord[], phases: Phase[], head?: HeadChoice): string[] {
  const out: string[] = [];
  if (head && !head.converged) out.push(`head: L-BFGS stopped after ${head.iterations} iterations before its gradient vanished; the head may be underfitted`);
  for (const phase of phases) {
    const records = history.filter((r) => r.phase === phase.name);
    // a phase that ended early (or was not run here) is not judged
    if (records.length === 0 || records.at(-1)!.epoch < phase.epochs) continue;
    const w = Math.max(3, Math.round(phase.epochs / 5));
    if (records.length < 2 * w) continue;
    const mean = (rs: EpochRecord[]) => rs.reduce((s, r) => s + r.loss, 0) / rs.length;
    const recent = mean(records.slice(-w));
    const before = mean(records.slice(-2 * w, -w));
    const accuracy = records.at(-1)!.accuracy;
    if (recent < STILL_FALLING * before && accuracy < 0.999) {
      out.push(
        `${phase.name} phase: the training loss was still falling (${before.toFixed(3)} → ${recent.toFixed(3)} over its last ${2 * w} epochs) when its ${phase.epochs} epochs at learning rate ${formatRate(phase.learningRate)} ended; more epochs (\`epochs\`) or a higher learning rate may fit better`,
      );
    }
  }
  return out;
}
