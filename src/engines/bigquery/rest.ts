/**
 * The BigQuery REST calls the engine makes, through @google-cloud/bigquery's authenticated
 * request layer (endpoint, credentials, user agent) with the client's own retries turned
 * off: retries are ours (retry.ts), explicit and bounded.
 */
import fs from "node:fs";
import type { BigQuery } from "@google-cloud/bigquery";
import { type RetryPolicy, withRetry } from "./retry.js";

export interface RestRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path under /bigquery/v2/projects/{project}, e.g. "/jobs" or "/datasets/raw/tables". */
  path: string;
  /** Another project than the engine's (datasets of a table in another project). */
  projectId?: string;
  qs?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
}

/** What the REST layer rejects with: HTTP status and BigQuery's error reasons. */
export interface ApiErrorShape {
  code?: number | string;
  message: string;
  errors?: { reason?: string; message?: string; location?: string }[];
}

export function isNotFound(error: unknown): boolean {
  return (error as ApiErrorShape | undefined)?.code === 404;
}

export function isAlreadyExists(error: unknown): boolean {
  return (error as ApiErrorShape | undefined)?.code === 409;
}

type Callback = (error: Error | null, body?: unknown) => void;
interface RequestingClient {
  request(options: Record<string, unknown>, callback: Callback): void;
  makeAuthenticatedRequest(options: Record<string, unknown>, callback: Callback): void;
  apiEndpoint: string;
}

function definedOnly(qs: RestRequest["qs"]): Record<string, string | number | boolean> | undefined {
  if (!qs) return undefined;
  return Object.fromEntries(Object.entries(qs).filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined));
}

export class BigQueryRest {
  private readonly client: RequestingClient;

  constructor(
    client: BigQuery,
    readonly project: string,
    readonly retryPolicy: RetryPolicy,
    private readonly onRetry?: (what: string, error: unknown, attempt: number, delayMs: number) => void,
  ) {
    this.client = client as unknown as RequestingClient;
  }

  /** One call, no retry. */
  requestOnce<T>(request: RestRequest): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client.request(
        {
          method: request.method,
          uri: request.path,
          projectId: request.projectId,
          qs: definedOnly(request.qs),
          json: request.json ?? (request.method === "GET" ? undefined : {}),
        },
        (error, body) => (error ? reject(error) : resolve(body as T)),
      );
    });
  }

  /** A call that is safe to repeat (reads, and writes made idempotent by a client-chosen id). */
  request<T>(request: RestRequest): Promise<T> {
    return withRetry(this.retryPolicy, () => this.requestOnce<T>(request), (error, attempt, delay) =>
      this.onRetry?.(`${request.method} ${request.path}`, error, attempt, delay),
    );
  }

  /**
   * jobs.insert with the job's data in the request (a multipart media upload), as the load
   * jobs of local files go. The file is re-read on each attempt.
   */
  uploadJob<T>(job: unknown, dataFile: string): Promise<T> {
    const uri = `${this.client.apiEndpoint}/upload/bigquery/v2/projects/${encodeURIComponent(this.project)}/jobs`;
    return withRetry(
      this.retryPolicy,
      () =>
        new Promise<T>((resolve, reject) => {
          this.client.makeAuthenticatedRequest(
            {
              method: "POST",
              uri,
              qs: { uploadType: "multipart" },
              multipart: [
                { "Content-Type": "application/json", body: JSON.stringify(job) },
                { "Content-Type": "application/octet-stream", body: fs.createReadStream(dataFile) },
              ],
            },
            (error, body) => (error ? reject(error) : resolve(body as T)),
          );
        }),
      (error, attempt, delay) => this.onRetry?.("upload load job", error, attempt, delay),
    );
  }
}
