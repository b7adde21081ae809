/**
 * The defaults suite (issue 12): transfer tasks nobody tuned for, each run with transferkit's
 * plain defaults (what a user gets with no tuning flags) beside the best recipe found for it and
 * a reference (training from scratch for `fit` tasks, `source-only` for `adapt` tasks).
 *
 * Every task file under `scripts/suite/` exports one or more {@link SuiteTask}s; `run.ts` runs
 * them and writes `results/suite/summary.json` and the README table.
 */

/** One scored way of doing a task. */
export interface Scored {
  /** Short name of the recipe, e.g. `extract (defaults)`, `finetune lr 3e-4 cut flatten`, `self-train`. */
  name: string;
  /** Accuracy on the task's held-out test data (never used to choose anything). */
  accuracy: number;
  /** Wall-clock seconds of this recipe (fit tasks). */
  seconds?: number;
}

/** What one task measured. */
export interface SuiteResult {
  /** Task id, e.g. `fashion→mnist-10`. */
  task: string;
  kind: 'fit' | 'adapt';
  /** One line: source, target, labels per class, protocol. */
  description: string;
  /** What a user gets with no tuning flags: `fit`'s defaults (the strategy named in `defaultsName`), or `adapt --method auto`. */
  defaults: Scored;
  /** Scratch (fit tasks) or source-only (adapt tasks). */
  reference: Scored;
  /** Every recipe tried, defaults and reference included. */
  candidates: Scored[];
  /** What auto chose and why, warnings, etc. */
  notes: string[];
  /** Wall-clock seconds of the whole task. */
  seconds: number;
}

/** Options every task receives. */
export interface SuiteOptions {
  /** Seed of the data draws and the training runs. */
  seed: number;
  /** Fewer recipes and smaller test sets, for a quick look (not for the committed table). */
  quick: boolean;
  /** Progress lines. */
  say: (line: string) => void;
  /** Only the plain-defaults recipes (fit tasks), e.g. to compare training engines. */
  defaultsOnly?: boolean;
}

/** One task of the suite. */
export interface SuiteTask {
  /** Task id (unique across the suite). */
  name: string;
  kind: 'fit' | 'adapt';
  /** Seeds to average over by default (cheap, noisy tasks use more); `--seeds` overrides. */
  seeds?: number[];
  run(opts: SuiteOptions): Promise<SuiteResult>;
}

/** The best of a result's candidates. */
export function bestOf(r: SuiteResult): Scored {
  return r.candidates.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
}
