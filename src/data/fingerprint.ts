/**
 * A content hash of a dataset in memory, so a run folder that records only a description of
 * the data it trained on can tell that data from other data later (a resumed experiment checks
 * each run's recorded hash against the data it would give that run now).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Dataset } from './dataset.ts';

/**
 * The SHA-256 (hex) of a dataset's examples, labels and class names (not its name or domain):
 * equal for the same data, different when any value, label, class or the order changes.
 *
 * @example
 * ```ts
 * datasetFingerprint(sample) === datasetFingerprint(sampleAgain); // true when they hold the same data
 * ```
 */
export function datasetFingerprint(ds: Dataset): string {
  const h = createHash('sha256');
  const bytes = (a: ArrayBufferView) => h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const text = (s: string) => h.update(`${s.length}:${s}`);
  text(ds.features.kind);
  h.update(String(ds.size));
  bytes(ds.labels);
  for (const c of ds.classes) text(c);
  const f = ds.features;
  if (f.kind === 'image') {
    h.update(`${f.height}x${f.width}x${f.channels}`);
    bytes(f.pixels);
  } else if (f.kind === 'tabular') {
    for (const c of f.columns) {
      text(c.name);
      text(c.type);
      if (c.type === 'numeric') bytes(c.values);
      else for (const v of c.values) text(v ?? '');
    }
  } else {
    for (const t of f.texts) text(t);
  }
  return h.digest('hex');
}
