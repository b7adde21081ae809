/**
 * Worker-thread entry of {@link runAllAndScore}: starts this thread's engine (the backend and
 * training engine the main thread uses) and runs each {@link RunSpec} it is sent.
 *
 * @module
 */
import { initEngine, type BackendName, type TrainingEngine } from '../engine/backend.ts';
import { serveJobs } from '../engine/worker-pool.ts';
import { runAndScore, type RunSpec } from './experiment.ts';

serveJobs(async (spec: RunSpec & { backend?: BackendName; training?: TrainingEngine }, emit) => {
  await initEngine({ backend: spec.backend, training: spec.training });
  return runAndScore({ ...spec, callbacks: { onStep: (_phase, done, total) => emit({ done, total }) } });
});
