/**
 * Worker-thread entry of {@link runAllAndScore}: starts this thread's engine (the backend the
 * main thread uses) and runs each {@link RunSpec} it is sent.
 *
 * @module
 */
import { initEngine, type BackendName } from '../engine/backend.ts';
import { serveJobs } from '../engine/worker-pool.ts';
import { runAndScore, type RunSpec } from './experiment.ts';

serveJobs(async (spec: RunSpec & { backend?: BackendName }, emit) => {
  await initEngine({ backend: spec.backend });
  return runAndScore({ ...spec, callbacks: { onStep: (_phase, done, total) => emit({ done, total }) } });
});
