import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mitigateModel } from '../../src/audit/mitigate/run.ts';
import { toLayersModel } from '../../src/adapt/linear.ts';
import { fitFeatures, transformFeatures } from '../../src/data/features.ts';
import { loadDataset } from '../../src/data/load.ts';
import { ensureEngine } from '../../src/engine/backend.ts';
import { TransferkitError } from '../../src/errors.ts';
import { fitSoftmax } from '../../src/measures/logistic.ts';
import { denseRows } from '../../src/measures/rows.ts';
import type { TrainedModel } from '../../src/models/trained-model.ts';

const HMDA = fileURLToPath(new URL('../../datasets/hmda/hmda.csv', import.meta.url));

test('mitigateModel: a trained classifier on builtin:hmda, sensitive column afam', { skip: !existsSync(HMDA) && 'datasets/hmda/hmda.csv is absent' }, async (t) => {
  await ensureEngine();
  const ds = await loadDataset('builtin:hmda');
  const features = fitFeatures(ds);
  const { x, shape } = transformFeatures(features, ds);
  const linear = fitSoftmax(denseRows(Float64Array.from(x), shape[0], shape[1]), ds.labels, ds.classes.length, { C: 10 });
  const trained: TrainedModel = { model: toLayersModel(linear), classes: ds.classes, features, dir: '(memory)' };
  try {
    const r = await mitigateModel({ model: trained, data: ds, sensitive: 'afam', method: 'threshold', constraint: 'demographic_parity' });
    t.diagnostic(`model on builtin:hmda, threshold/DP: DP ${r.before.demographicParityDifference.toFixed(4)} → ${r.after.demographicParityDifference.toFixed(4)}, accuracy ${r.before.accuracy.toFixed(4)} → ${r.after.accuracy.toFixed(4)}`);
    assert.equal(r.positive, 'yes');
    assert.equal(r.sensitive, 'afam');
    assert.equal(r.trainRows + r.testRows, ds.size);
    assert.equal(r.testRows, Math.round(0.3 * ds.size));
    assert.deepEqual(r.after.groups.map((g) => g.group), ['no', 'yes']);
    assert.ok(r.after.demographicParityDifference <= 0.5 * r.before.demographicParityDifference);
    const again = await mitigateModel({ model: trained, data: ds, sensitive: 'afam', method: 'threshold' });
    assert.deepEqual(again.after, r.after, 'seeded: the same split and report');
    const rw = await mitigateModel({ model: trained, data: ds, sensitive: 'afam', method: 'reweigh' });
    assert.ok(rw.notes.some((n) => n.includes('change of model')), 'retraining is compared with the model as it is, and says so');
    await assert.rejects(
      mitigateModel({ model: trained, data: ds, sensitive: 'race', method: 'threshold' }),
      (e: unknown) => e instanceof TransferkitError && e.code === 'MISSING_COLUMN',
    );
  } finally {
    trained.model.dispose();
  }
});
