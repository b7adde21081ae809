/**
 * The local web dashboard (`transferkit serve`): a Hono application over a runs folder, with
 * training jobs in child processes, a what-if explorer and Grad-CAM, bound to 127.0.0.1 unless
 * told otherwise (then every request needs the printed token).
 *
 * @example
 * ```ts
 * import { startServer } from './serve/index.ts';
 * const server = await startServer({ runs: 'runs', port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 *
 * @module
 */
export { startServer, DEFAULT_PORT, type ServeOptions, type RunningServer } from './server.ts';
export { createServeApp, type ServeApp, type ServeAppOptions } from './app.ts';
export { admit, isLoopback, newToken, sameToken, TOKEN_COOKIE, type RequestCredentials } from './auth.ts';
export { fileInside, folderInside, safeParts } from './safe-path.ts';
export { listRuns, runDetail, runDir, type RunDetail, type RunStatus, type RunSummary } from './run-list.ts';
export { predictionsPage, MAX_PAGE, type PredictionPage, type PredictionQuery, type StoredPrediction } from './predictions.ts';
export { listCurves, curveDetail, type CurveSummary } from './curves.ts';
export { JobManager, type CurveRequest, type FitRequest, type JobEvent, type JobInfo, type JobStatus } from './jobs.ts';
export { ModelCache, type GradCamAnswer, type WhatIfAnswer, type WhatIfFeature, type WhatIfSchema } from './what-if.ts';
export { compareRuns, runCharts } from './run-charts.ts';
