/**
 * Opens the BigQuery engine for a target of c360.json: project, location (datasets are
 * created there and jobs run there), credentials from application-default credentials.
 */
import { BigQuery, type BigQueryOptions } from "@google-cloud/bigquery";
import { errorMessage } from "../../errors.js";
import { BigQueryEngine } from "./bigquery-engine.js";
import { verifyCredentials } from "./credentials.js";
import { JobRunner } from "./jobs.js";
import { jobLabels, newRunId } from "./labels.js";
import { BigQueryRest } from "./rest.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";

export { BigQueryEngine } from "./bigquery-engine.js";
export { BigQueryCredentialsError } from "./credentials.js";
export { type DryRunAction, type DryRunReport, formatDryRunReport, ON_DEMAND_USD_PER_TIB } from "./dry-run.js";

export interface BigQueryTarget {
  project: string;
  location: string;
  /** Applied at compile time (Dataform's schemaSuffix); the engine receives suffixed names. */
  datasetSuffix?: string;
}

export interface BigQueryEngineOptions {
  /** Parallel actions (the runner's limit); BigQuery itself needs no pool. */
  threads?: number;
  /** Dry-run every statement: nothing is created, loaded or changed; see dryRunReport(). */
  dryRun?: boolean;
  /** Value of the c360_project label (default "c360"). */
  projectName?: string;
  /** Value of the c360_run_id label (default: a new time-ordered id). */
  runId?: string;
  /** Another endpoint than https://bigquery.googleapis.com (contract tests: http://127.0.0.1:PORT). */
  apiEndpoint?: string;
  /** Credentials other than application-default credentials (contract tests pass a fixed token). */
  authClient?: BigQueryOptions["authClient"];
  retry?: Partial<RetryPolicy>;
  /** Long-poll window of each wait for a job (default 10 s). */
  pollTimeoutMs?: number;
  /**
   * On Ctrl-C, cancel the running jobs and then call onInterrupted (default: exit 130).
   * Default true; the handler is removed by close().
   */
  cancelOnInterrupt?: boolean;
  onInterrupted?: () => void;
  /** Where retry and cancellation notices go (default stderr). */
  log?: (message: string) => void;
}

const DEFAULT_POLL_TIMEOUT_MS = 10_000;

export async function openBigQueryEngine(target: BigQueryTarget, options: BigQueryEngineOptions = {}): Promise<BigQueryEngine> {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const client = new BigQuery({
    projectId: target.project,
    location: target.location,
    apiEndpoint: options.apiEndpoint,
    authClient: options.authClient,
    // Retries are the engine's own (retry.ts): explicit, bounded and tested.
    retryOptions: { autoRetry: false, maxRetries: 0 },
  });
  if (!options.authClient) await verifyCredentials(client, target.project);

  const retryPolicy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const rest = new BigQueryRest(client, target.project, retryPolicy, (what, error, attempt, delayMs) =>
    log(`BigQuery: ${what} failed (${errorMessage(error)}); retry ${attempt} of ${retryPolicy.maxAttempts - 1} in ${(delayMs / 1000).toFixed(1)} s`),
  );
  const projectName = options.projectName ?? "c360";
  const runId = options.runId ?? newRunId();
  const jobs = new JobRunner(rest, {
    location: target.location,
    pollTimeoutMs: options.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS,
    labels: (actionName) => jobLabels(projectName, runId, actionName),
  });
  const engine = new BigQueryEngine(rest, jobs, { project: target.project, location: target.location, dryRun: options.dryRun ?? false });

  if (options.cancelOnInterrupt ?? true) {
    const onInterrupted = options.onInterrupted ?? (() => process.exit(130));
    const handler = (): void => {
      const running = jobs.runningJobs.length;
      log(`Interrupted: cancelling ${running} running BigQuery job(s)…`);
      void engine.cancelRunningJobs().then(({ failed }) => {
        for (const failure of failed) log(`Could not cancel job ${failure.jobId}: ${failure.message}`);
        onInterrupted();
      });
    };
    process.once("SIGINT", handler);
    engine.onClose(() => process.removeListener("SIGINT", handler));
  }
  return engine;
}
