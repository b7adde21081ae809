/**
 * The dashboard's what-if explorer: a run's model is loaded once (and kept until its files
 * change or the server closes), with a background sample of its training data. For a tabular
 * model an edited row gets its prediction and Shapley values (exact up to 12 columns, KernelSHAP
 * beyond: the `shap` method of `explain`), and counterfactuals on request (`whatIf`); for an
 * image model a few training images get Grad-CAM heatmaps.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { subset, type Dataset, type TabularColumn } from '../data/dataset.ts';
import { TransferkitError } from '../errors.ts';
import { backgroundData } from '../explain/model/background-data.ts';
import { explainWith } from '../explain/model/explain.ts';
import type { ImageExplanation, ShapleyExplanation } from '../explain/model/explanation.ts';
import { imageOverlayPng } from '../explain/model/overlay.ts';
import { inputRows, modelProbs } from '../explain/model/model-view.ts';
import { whatIf } from '../explain/model/what-if.ts';
import type { CounterfactualResult } from '../explain/counterfactual/types.ts';
import { openModel } from '../models/model-handle.ts';
import type { TrainedModel } from '../models/trained-model.ts';
import { counterfactualChart } from '../report/charts/counterfactual.ts';
import type { VegaLiteSpec } from '../report/charts/render.ts';
import { shapWaterfallChart } from '../report/charts/shap.ts';
import { runDir } from './run-list.ts';
import { runFile } from './safe-path.ts';

/**
 * One input column of a tabular model, with its range in the background data and a starting value.
 *
 * @example
 * ```ts
 * const f: WhatIfFeature = { name: 'petal_length', kind: 'numeric', min: 1, max: 6.9, value: 1.4 };
 * ```
 */
export type WhatIfFeature =
  | { name: string; kind: 'numeric'; min: number; max: number; value: number }
  | { name: string; kind: 'categorical'; categories: string[]; value: string };

/**
 * What the explorer can do with a run's model.
 *
 * @example
 * ```ts
 * const s = await cache.schema('iris'); // { kind: 'tabular', classes: [...], features: [...] }
 * ```
 */
export interface WhatIfSchema {
  kind: 'tabular' | 'text' | 'image';
  classes: string[];
  /** Tabular models: the columns, starting at the first background row. */
  features?: WhatIfFeature[];
  /** Where the background rows came from. */
  background?: string;
}

/**
 * The model's answer for an edited row.
 *
 * @example
 * ```ts
 * const a = await cache.predict('iris', { petal_length: 5 });
 * a.predicted; // 'virginica'
 * ```
 */
export interface WhatIfAnswer {
  predicted: string;
  probabilities: Record<string, number>;
  /** Shapley values of the predicted class's probability, one per column, with base + Σ = output. */
  shap: { class: string; method: string; baseValue: number; output: number; values: Array<{ feature: string; value: number | string; shap: number }> };
  /** The Shapley values as a waterfall (Vega-Lite, the report's builder). */
  chart: VegaLiteSpec;
  seconds: number;
}

/**
 * Grad-CAM of a few images of an image run.
 *
 * @example
 * ```ts
 * const g = await cache.gradCam('mnist', 4); g.images[0].png; // 'data:image/png;base64,…'
 * ```
 */
export interface GradCamAnswer {
  images: Array<{ row: number; predicted: string; probability: number; actual?: string; png: string }>;
}

interface OpenRun {
  key: string;
  trained: TrainedModel;
  release: () => void;
  background?: { data: Dataset; source: string };
  images?: Dataset;
}

/** Models kept loaded at once (least recently used released first). */
const MAX_OPEN = 3;

/** Background rows kept for Shapley values and counterfactual ranges. */
const BACKGROUND_ROWS = 50;

/**
 * Models of the runs folder, loaded once each.
 *
 * @example
 * ```ts
 * const cache = new ModelCache('/home/me/runs');
 * const schema = await cache.schema('iris');
 * await cache.close();
 * ```
 */
export class ModelCache {
  private readonly open = new Map<string, Promise<OpenRun>>();
  /** Set by {@link ModelCache.close}: no model loads once the server is closing. */
  private closing = false;

  constructor(readonly root: string) {}

  /** What the explorer shows for run `name`. */
  async schema(name: string): Promise<WhatIfSchema> {
    const run = await this.load(name);
    const spec = run.trained.features;
    if (spec.kind !== 'tabular') return { kind: spec.kind, classes: run.trained.classes };
    const bg = await this.background(run);
    const cols = bg.data.features.kind === 'tabular' ? bg.data.features.columns : [];
    const col = (n: string) => cols.find((c) => c.name === n);
    const features: WhatIfFeature[] = [
      ...spec.numeric.map((n): WhatIfFeature => {
        const values = Array.from((col(n.name)?.values ?? []) as ArrayLike<number>).filter(Number.isFinite);
        return { name: n.name, kind: 'numeric', min: Math.min(...values), max: Math.max(...values), value: values[0] ?? n.mean };
      }),
      ...spec.categorical.map((c): WhatIfFeature => ({ name: c.name, kind: 'categorical', categories: c.categories, value: String(col(c.name)?.values[0] ?? c.categories[0]) })),
    ];
    return { kind: 'tabular', classes: run.trained.classes, features, background: bg.source };
  }

  /**
   * The prediction and Shapley values of a row of a tabular run (columns not given keep the
   * explorer's starting values).
   *
   * @throws TransferkitError `KIND_MISMATCH` (not a tabular model), `BAD_OPTION` (a value of the wrong type or category).
   */
  async predict(name: string, values: Record<string, unknown>): Promise<WhatIfAnswer> {
    const started = performance.now();
    const run = await this.load(name);
    const ds = await this.row(name, run, values);
    const probs = modelProbs(run.trained, inputRows(run.trained.features, ds));
    const classes = run.trained.classes;
    const best = probs.indexOf(Math.max(...probs));
    const bg = await this.background(run);
    const e = (await explainWith(run.trained, name, { model: run.trained, data: ds, method: 'shap', rows: [0], background: bg.data, backgroundSize: BACKGROUND_ROWS })) as ShapleyExplanation;
    const r = e.rows[0];
    return {
      predicted: classes[best],
      probabilities: Object.fromEntries(classes.map((c, i) => [c, probs[i]])),
      shap: {
        class: r.class,
        method: e.method,
        baseValue: r.baseValue,
        output: r.output,
        values: e.features.map((f, i) => ({ feature: f, value: r.featureValues?.[i] ?? '', shap: r.values[i] })),
      },
      chart: shapWaterfallChart(e, 0),
      seconds: (performance.now() - started) / 1000,
    };
  }

  /**
   * Counterfactuals of a row of a tabular run: small changes that make the model predict `desired`.
   *
   * @throws TransferkitError `KIND_MISMATCH` (not a tabular model), `UNKNOWN_CLASS`, `BAD_OPTION`.
   */
  async counterfactuals(
    name: string,
    values: Record<string, unknown>,
    opts: { desired?: string; immutable?: string[]; count?: number } = {},
  ): Promise<CounterfactualResult & { desired: string; predicted: string; features: string[]; chart: VegaLiteSpec }> {
    const run = await this.load(name);
    const ds = await this.row(name, run, values);
    const bg = await this.background(run);
    const res = await whatIf(run.trained, ds, 0, bg.data, { desired: opts.desired, immutable: opts.immutable, count: Math.min(5, Math.max(1, opts.count ?? 3)), seed: 0 });
    const features = ds.features.kind === 'tabular' ? ds.features.columns.map((c) => c.name) : [];
    return { ...res, features, chart: counterfactualChart({ row: 0, ...res }) };
  }

  /**
   * Grad-CAM heatmaps (the image and its heatmap side by side, red where the predicted class is raised; PNG data URLs) of the first `count`
   * training images of an image run.
   *
   * @throws TransferkitError `KIND_MISMATCH` (not an image model).
   */
  async gradCam(name: string, count = 4): Promise<GradCamAnswer> {
    const run = await this.load(name);
    const spec = run.trained.features;
    if (spec.kind !== 'image') throw new TransferkitError('KIND_MISMATCH', `Grad-CAM explains image models; the model of "${name}" takes ${spec.kind} data`, { where: name });
    if (!run.images) {
      const bg = await backgroundData(run.trained, undefined, { size: 16, seed: 0 });
      run.images = bg.data;
    }
    const images = run.images;
    // spread over the sample (data sorted by class would give one class only)
    const n = Math.min(count, 16, images.size);
    const rows = Array.from({ length: n }, (_, i) => Math.floor((i * images.size) / n));
    const e = (await explainWith(run.trained, name, { model: run.trained, data: images, method: 'gradcam', rows })) as ImageExplanation;
    const px = images.features.kind === 'image' ? images.features : undefined;
    const out: GradCamAnswer['images'] = [];
    for (const a of e.rows) {
      const one = subset(images, [a.row]);
      const img = one.features.kind === 'image' ? one.features.pixels : new Float32Array(0);
      const png = await imageOverlayPng(img, [a.height, a.width, px?.channels ?? 1], a.attributions, { title: `Grad-CAM: ${a.class}` });
      const label = images.labels[a.row];
      out.push({ row: a.row, predicted: a.class, probability: a.probability, ...(label >= 0 ? { actual: images.classes[label] } : {}), png: `data:image/png;base64,${png.toString('base64')}` });
    }
    return { images: out };
  }

  /**
   * The runs whose models are loaded (or loading) now, least recently used first; at most 3.
   *
   * @example
   * ```ts
   * cache.loaded(); // ['iris', 'wine']
   * ```
   */
  loaded(): string[] {
    return [...this.open.keys()];
  }

  /** Releases every loaded model. */
  async close(): Promise<void> {
    this.closing = true;
    const runs = [...this.open.values()];
    this.open.clear();
    for (const p of runs) (await p.catch(() => undefined))?.release();
  }

  /** The loaded model of run `name` (loaded again when its model files changed). */
  private async load(name: string): Promise<OpenRun> {
    if (this.closing) throw new TransferkitError('BAD_OPTION', 'The dashboard is shutting down: no model loads now', { where: name, hint: 'Start `transferkit serve` again.' });
    const dir = await runDir(this.root, name);
    // the model's files must lie inside the run folder (a link pointing out counts as missing)
    const files = await Promise.all(['model.json', 'transferkit.json'].map((f) => runFile(dir, join('model', f))));
    let meta = files.every((f) => f !== undefined) ? await stat(files[0]!).catch(() => null) : null;
    // and so must the weight files model.json lists
    if (meta && !(await weightsInside(dir, files[0]!))) meta = null;
    if (!meta) throw new TransferkitError('MODEL_NOT_FOUND', `The run "${name}" has no model yet (model/ is written when training ends)`, { where: name, hint: 'Wait for the run to finish, or resume it.' });
    const key = `${dir}:${meta.mtimeMs}`;
    const hit = this.open.get(name);
    if (hit) {
      const run = await hit.catch(() => undefined);
      if (run?.key === key) {
        // most recently used last
        this.open.delete(name);
        this.open.set(name, hit);
        return run;
      }
      if (this.open.get(name) === hit) this.open.delete(name);
      run?.release();
    }
    const loading = openModel(dir).then(({ trained, release }) => {
      // closed while loading: nothing keeps it
      if (this.closing) {
        release();
        throw new TransferkitError('BAD_OPTION', 'The dashboard is shutting down: no model loads now', { where: name });
      }
      return { key, trained, release } as OpenRun;
    });
    this.open.set(name, loading);
    loading.catch(() => {
      if (this.open.get(name) === loading) this.open.delete(name);
    });
    // at most MAX_OPEN models stay loaded: the least recently used is released
    while (this.open.size > MAX_OPEN) {
      const [oldest, p] = this.open.entries().next().value as [string, Promise<OpenRun>];
      this.open.delete(oldest);
      void p.then((r) => r.release(), () => undefined);
    }
    return loading;
  }

  private async background(run: OpenRun): Promise<{ data: Dataset; source: string }> {
    run.background ??= await backgroundData(run.trained, undefined, { size: BACKGROUND_ROWS, seed: 0 });
    return run.background;
  }

  /** A one-row dataset of the model's columns: the starting row, with the given values in place. */
  private async row(name: string, run: OpenRun, values: Record<string, unknown>): Promise<Dataset> {
    const schema = await this.schema(name);
    if (schema.kind !== 'tabular' || !schema.features) {
      throw new TransferkitError('KIND_MISMATCH', `The what-if explorer edits rows of tabular models; the model of "${name}" takes ${schema.kind} data`, { where: name });
    }
    const columns: TabularColumn[] = schema.features.map((f) => {
      const given = values[f.name];
      if (f.kind === 'numeric') {
        const v = given === undefined || given === '' ? f.value : Number(given);
        if (!Number.isFinite(v)) throw new TransferkitError('BAD_OPTION', `${f.name} must be a number, got ${JSON.stringify(given)}`, { where: f.name });
        return { name: f.name, type: 'numeric', values: Float64Array.of(v) };
      }
      const v = given === undefined ? f.value : String(given);
      if (!f.categories.includes(v)) throw new TransferkitError('BAD_OPTION', `${f.name} must be one of ${f.categories.join(', ')}, got ${JSON.stringify(given)}`, { where: f.name });
      return { name: f.name, type: 'categorical', values: [v] };
    });
    return { name: `${name} (edited row)`, size: 1, features: { kind: 'tabular', columns }, labels: Int32Array.of(-1), classes: run.trained.classes };
  }
}

/** Whether every weight file that `model.json` lists lies inside the run folder `dir` (its `model/`). */
async function weightsInside(dir: string, modelJson: string): Promise<boolean> {
  try {
    const manifest = (JSON.parse(await readFile(modelJson, 'utf8')) as { weightsManifest?: Array<{ paths?: string[] }> }).weightsManifest ?? [];
    const paths = manifest.flatMap((g) => g.paths ?? []);
    const found = await Promise.all(paths.map((p) => runFile(dir, join('model', p))));
    return found.every((f) => f !== undefined);
  } catch {
    return false;
  }
}
