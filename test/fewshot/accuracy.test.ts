/**
 * A real-data bar: fashion-cnn features (pretrained on clothing) make 5-way 5-shot MNIST digit
 * episodes clearly easier for prototypes than raw pixels. Measured with these settings (100
 * episodes, 15 queries, seed 1): prototypes 85.3 ± 1.2%, raw-pixel prototypes 76.6 ± 1.4%; the bars
 * leave about 4 points of margin.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateFewShot, RAW_BASELINE } from '../../src/choose/episodes/run.ts';
import { initEngine } from '../../src/engine/backend.ts';

await initEngine({ backend: 'wasm' });

describe('few-shot accuracy on real data', () => {
  it('5-way 5-shot MNIST: prototypes on fashion-cnn features ≥ 81% and ≥ 5 points above raw pixels', async () => {
    const res = await evaluateFewShot({ base: 'fashion-cnn', data: 'builtin:mnist', ways: 5, shots: [5], queries: 15, episodes: 100, methods: ['prototypes'], seed: 1 });
    const [table] = res.tables;
    const proto = table.rows.find((r) => r.name === 'prototypes')!;
    const raw = table.rows.find((r) => r.name === RAW_BASELINE)!;
    console.log(`prototypes ${(100 * proto.mean).toFixed(2)} ± ${(100 * proto.interval).toFixed(2)}, raw ${(100 * raw.mean).toFixed(2)} ± ${(100 * raw.interval).toFixed(2)}`);
    assert.ok(proto.mean >= 0.81, `prototypes ${proto.mean}`);
    assert.ok(proto.mean - raw.mean >= 0.05, `prototypes ${proto.mean} vs raw ${raw.mean}`);
    assert.equal(res.space, 'fashion-cnn at "flatten" (3136-d)');
  });
});
