/**
 * Choosing the training engine: default onnx (not explicit), env TRANSFERKIT_ENGINE, the
 * thread's setting (initEngine({ training }), the CLI's --engine), and jobs sent to workers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initEngine } from '../../src/engine/backend.ts';
import { setTrainingEngine, trainingEngine, trainingSetting } from '../../src/engine/training-engine.ts';
import { buildProgram } from '../../src/cli/program.ts';
import { runJobs } from '../../src/engine/worker-pool.ts';

test('default onnx, then env TRANSFERKIT_ENGINE, then the setting; bad names are BAD_OPTION', async () => {
  const saved = process.env.TRANSFERKIT_ENGINE;
  try {
    delete process.env.TRANSFERKIT_ENGINE;
    setTrainingEngine(undefined);
    assert.deepEqual(trainingEngine(), { engine: 'onnx', explicit: false, source: 'default' });
    process.env.TRANSFERKIT_ENGINE = 'tfjs';
    assert.deepEqual(trainingEngine(), { engine: 'tfjs', explicit: true, source: 'env TRANSFERKIT_ENGINE' });
    await initEngine({ backend: 'cpu', training: 'onnx' });
    assert.deepEqual(trainingEngine(), { engine: 'onnx', explicit: true, source: 'setting' });
    assert.equal(trainingSetting(), 'onnx');
    process.env.TRANSFERKIT_ENGINE = 'pytorch';
    setTrainingEngine(undefined);
    assert.throws(() => trainingEngine(), (e: Error & { code?: string }) => e.code === 'BAD_OPTION' && /Unknown training engine "pytorch"/.test(e.message));
    assert.throws(() => setTrainingEngine('torch' as 'onnx'), /Valid engines: onnx, tfjs/);
  } finally {
    if (saved === undefined) delete process.env.TRANSFERKIT_ENGINE;
    else process.env.TRANSFERKIT_ENGINE = saved;
    setTrainingEngine(undefined);
  }
});

test('the CLI applies --engine before the command runs', async () => {
  const program = await buildProgram(['doctor', '--json', '--engine', 'tfjs']);
  const doctor = program.commands.find((c) => c.name() === 'doctor')!;
  // replace the action: only the preAction hook matters here
  doctor.action(() => undefined);
  try {
    await program.parseAsync(['node', 'transferkit', 'doctor', '--engine', 'tfjs']);
    assert.equal(trainingSetting(), 'tfjs');
    await assert.rejects(program.parseAsync(['node', 'transferkit', 'doctor', '--engine', 'torch']), /engine/);
  } finally {
    setTrainingEngine(undefined);
  }
});

test('runJobs sends the setting to worker threads with each job', async () => {
  setTrainingEngine('tfjs');
  try {
    const fixture = new URL('./fixtures/training-worker.ts', import.meta.url);
    const results = await runJobs([{}, {}], { threads: 2, worker: fixture, here: async () => trainingEngine() });
    for (const r of results) assert.deepEqual(r, { engine: 'tfjs', explicit: true, source: 'setting' });
  } finally {
    setTrainingEngine(undefined);
  }
});
