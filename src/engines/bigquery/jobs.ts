/**
 * Query and load jobs: insert with a client-chosen job id (so a retried insert cannot
 * run a statement twice), wait for completion by long-polling getQueryResults, read the
 * final status and statistics, and cancel whatever is still running on request. A job
 * that fails for a transient reason (backendError, rateLimitExceeded) runs again as a new job.
 */
import { randomUUID } from "node:crypto";
import { ExecutionError } from "../../errors.js";
import type { ColumnInfo, QueryResult, Row } from "../engine.js";
import { type ApiErrorShape, type BigQueryRest, isAlreadyExists } from "./rest.js";
import { backoffDelayMs, isRetryableReason, sleep } from "./retry.js";
import { convertRows, schemaToColumns, type TableFieldSchema } from "./values.js";

export interface JobReference {
  projectId: string;
  jobId: string;
  location: string;
}

interface ErrorProto {
  reason?: string;
  location?: string;
  message?: string;
}

export interface JobResource {
  jobReference: JobReference;
  status?: { state?: "PENDING" | "RUNNING" | "DONE"; errorResult?: ErrorProto; errors?: ErrorProto[] };
  statistics?: {
    startTime?: string;
    endTime?: string;
    totalBytesProcessed?: string;
    /** schema: the result's, reported by a successful dry run of a GoogleSQL query. */
    query?: { totalBytesProcessed?: string; totalBytesBilled?: string; numDmlAffectedRows?: string; statementType?: string; schema?: { fields?: TableFieldSchema[] } };
    load?: { outputRows?: string };
  };
}

interface QueryResultsPage {
  jobComplete?: boolean;
  schema?: { fields: TableFieldSchema[] };
  rows?: { f: { v: unknown }[] }[];
  pageToken?: string;
}

export interface JobSettings {
  location: string;
  /** Long-poll window of each getQueryResults call. */
  pollTimeoutMs: number;
  labels: (actionName: string | undefined) => Record<string, string>;
}

const ROWS_PER_PAGE = 10_000;

export function jobSeconds(job: JobResource): number {
  const { startTime, endTime } = job.statistics ?? {};
  return startTime && endTime ? (Number(endTime) - Number(startTime)) / 1000 : 0;
}

function describeFailure(job: JobResource): string {
  const main = job.status?.errorResult;
  const messages = new Set([main?.message, ...(job.status?.errors ?? []).map((error) => error.message)].filter(Boolean));
  const { projectId, location, jobId } = job.jobReference;
  return `${[...messages].join("; ")} (job ${projectId}:${location}.${jobId})`;
}

export class JobRunner {
  /** Jobs inserted and not yet seen finished, for cancellation. */
  private readonly running = new Map<string, JobReference>();

  constructor(
    private readonly rest: BigQueryRest,
    private readonly settings: JobSettings,
  ) {}

  /** The labels every job of this run carries, for the given action. */
  labels(actionName: string | undefined): Record<string, string> {
    return this.settings.labels(actionName);
  }

  get runningJobs(): JobReference[] {
    return [...this.running.values()];
  }

  newReference(): JobReference {
    return { projectId: this.rest.project, jobId: `c360_${randomUUID().replaceAll("-", "")}`, location: this.settings.location };
  }

  /** Runs a query job to completion; throws ExecutionError naming the action when it fails. */
  async runQuery(sql: string, actionName: string | undefined, extra: { dryRun?: boolean; configuration?: Record<string, unknown> } = {}): Promise<JobResource> {
    return this.runJob(actionName, (jobReference) => ({
      jobReference,
      configuration: {
        query: { query: sql, useLegacySql: false },
        labels: this.labels(actionName),
        ...(extra.dryRun ? { dryRun: true } : {}),
        ...extra.configuration,
      },
    }), extra.dryRun ?? false);
  }

  /** Inserts jobs made by `insert` until one succeeds, fails for good, or attempts run out. */
  async runJob(
    actionName: string | undefined,
    makeJob: (reference: JobReference) => unknown,
    dryRun = false,
    insert: (job: unknown) => Promise<JobResource> = (job) => this.rest.request<JobResource>({ method: "POST", path: "/jobs", json: job }),
  ): Promise<JobResource> {
    const policy = this.rest.retryPolicy;
    for (let attempt = 1; ; attempt++) {
      const reference = this.newReference();
      const job = makeJob(reference) as { configuration?: { query?: { query?: string } } };
      const statement = job.configuration?.query?.query;
      let inserted: JobResource;
      try {
        inserted = await insert(job);
      } catch (error) {
        // The insert reached BigQuery on an attempt whose answer was lost: the job exists.
        if (!isAlreadyExists(error)) throw new ExecutionError(actionName ?? "statement", (error as ApiErrorShape).message ?? String(error), { cause: error, statement });
        inserted = { jobReference: reference };
      }
      if (dryRun) return inserted;
      const finished = job.configuration?.query ? await this.waitForQuery(inserted.jobReference ?? reference) : await this.waitForOtherJob(inserted.jobReference ?? reference);
      const failure = finished.status?.errorResult;
      if (!failure) return finished;
      if (isRetryableReason(failure.reason) && attempt < policy.maxAttempts) {
        await sleep(backoffDelayMs(policy, attempt));
        continue;
      }
      throw new ExecutionError(actionName ?? "statement", describeFailure(finished), { statement });
    }
  }

  /** Long-polls a query job until it is done, then returns its final resource (status, statistics). */
  async waitForQuery(reference: JobReference): Promise<JobResource> {
    this.running.set(reference.jobId, reference);
    try {
      for (;;) {
        try {
          const page = await this.rest.request<QueryResultsPage>({
            method: "GET",
            path: `/queries/${encodeURIComponent(reference.jobId)}`,
            qs: { location: reference.location, timeoutMs: this.settings.pollTimeoutMs, maxResults: 0 },
          });
          if (page.jobComplete) break;
        } catch (error) {
          // getQueryResults answers a failed job with the job's error: its status says more.
          const job = await this.getJob(reference);
          if (job.status?.state === "DONE") return job;
          throw error;
        }
      }
      return await this.getJob(reference);
    } finally {
      this.running.delete(reference.jobId);
    }
  }

  /** Load jobs have no query results to long-poll: poll their status with growing pauses. */
  async waitForOtherJob(reference: JobReference): Promise<JobResource> {
    this.running.set(reference.jobId, reference);
    try {
      for (let pauseMs = Math.min(this.settings.pollTimeoutMs, 250); ; pauseMs = Math.min(pauseMs * 2, 5_000)) {
        const job = await this.getJob(reference);
        if (job.status?.state === "DONE") return job;
        await sleep(pauseMs);
      }
    } finally {
      this.running.delete(reference.jobId);
    }
  }

  getJob(reference: JobReference): Promise<JobResource> {
    return this.rest.request<JobResource>({ method: "GET", path: `/jobs/${encodeURIComponent(reference.jobId)}`, qs: { location: reference.location } });
  }

  /** All rows of a finished query job, page by page. */
  async readResult(reference: JobReference): Promise<QueryResult> {
    const rows: Row[] = [];
    let columns: ColumnInfo[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.rest.request<QueryResultsPage>({
        method: "GET",
        path: `/queries/${encodeURIComponent(reference.jobId)}`,
        qs: { location: reference.location, maxResults: ROWS_PER_PAGE, pageToken, "formatOptions.useInt64Timestamp": true },
      });
      rows.push(...convertRows(page.schema?.fields ?? [], page.rows));
      columns = schemaToColumns(page.schema?.fields ?? []);
      pageToken = page.pageToken;
    } while (pageToken);
    return { columns, rows };
  }

  /** Asks BigQuery to cancel every running job; returns the ids it could not cancel, with why. */
  async cancelRunning(): Promise<{ cancelled: string[]; failed: { jobId: string; message: string }[] }> {
    const jobs = this.runningJobs;
    const outcomes = await Promise.allSettled(
      jobs.map((job) => this.rest.requestOnce({ method: "POST", path: `/jobs/${encodeURIComponent(job.jobId)}/cancel`, qs: { location: job.location } })),
    );
    const cancelled: string[] = [];
    const failed: { jobId: string; message: string }[] = [];
    outcomes.forEach((outcome, index) => {
      if (outcome.status === "fulfilled") cancelled.push(jobs[index].jobId);
      else failed.push({ jobId: jobs[index].jobId, message: (outcome.reason as Error).message });
    });
    return { cancelled, failed };
  }
}
