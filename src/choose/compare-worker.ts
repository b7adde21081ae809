/**
 * Worker-thread entry of {@link compareStrategies}' parallel runs: starts this thread's engine
 * (the backend the main thread uses) and runs each {@link CompareJob} it is sent.
 *
 * @module
 */
import { initEngine, type BackendName } from '../engine/backend.ts';
import { serveJobs } from '../engine/worker-pool.ts';
import { runCompareJob, type CompareJob } from './compare-job.ts';

serveJobs(async (job: CompareJob & { backend: BackendName }, emit) => {
  await initEngine({ backend: job.backend });
  return runCompareJob(job, { onStep: (_phase, done, total) => emit({ done, total }) });
});
