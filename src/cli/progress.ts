import cliProgress from 'cli-progress';

/** Progress reporting for long work: a bar on a terminal, plain log lines otherwise. */
export interface Progress {
  /** Shows `done` of `total` for the current task. */
  update(task: string, done: number, total: number): void;
  /** Prints a line of progress text (on stderr, so `--json` stdout stays clean). */
  log(line: string): void;
  /** Removes the bar. */
  stop(): void;
}

/**
 * Creates a progress reporter on stderr: a live bar when stderr is a terminal, otherwise
 * plain lines at most every 10% (so CI logs stay short). `quiet` silences everything.
 *
 * @example
 * ```ts
 * const p = createProgress();
 * p.update('fine-tuning', 3, 10);
 * p.stop();
 * ```
 */
export function createProgress(opts: { quiet?: boolean; tty?: boolean } = {}): Progress {
  if (opts.quiet) return { update() {}, log() {}, stop() {} };
  const tty = opts.tty ?? (Boolean(process.stderr.isTTY) && !process.env.CI);
  if (!tty) return plainProgress();
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{task} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(task, done, total) {
      if (!started) {
        bar.start(total, done, { task });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { task });
      }
    },
    log(line) {
      if (started) bar.stop();
      started = false;
      process.stderr.write(line + '\n');
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

function plainProgress(): Progress {
  let lastTask = '';
  let lastDecile = -1;
  return {
    update(task, done, total) {
      const decile = Math.floor((10 * done) / Math.max(1, total));
      if (task !== lastTask) lastDecile = -1;
      // short tasks are covered by their own log lines; long ones get a line every 10%
      if (decile !== lastDecile && total >= 50) {
        process.stderr.write(`${task}: ${done}/${total}\n`);
      }
      lastTask = task;
      lastDecile = decile;
    },
    log(line) {
      process.stderr.write(line + '\n');
    },
    stop() {},
  };
}
