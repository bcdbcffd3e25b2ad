/**
 * A contract-test double of the BigQuery REST API: only the calls the engine makes
 * (datasets get/insert/list, tables get/list, jobs insert/get/cancel, getQueryResults,
 * multipart load-job upload, copy jobs), on 127.0.0.1, recording every request. It does not
 * run SQL: each test says what a statement's job returns. Load and copy jobs do change its
 * tables (tableRows), as BigQuery would when they succeed, so that a test can follow a load. Contract tests check that the
 * engine speaks BigQuery's REST protocol as documented; only a real project can show that
 * BigQuery accepts the SQL and computes the right rows.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";

export interface RecordedRequest {
  method: string;
  /** Path after /bigquery/v2 (or /upload/bigquery/v2 for uploads). */
  path: string;
  query: Record<string, string>;
  body?: unknown;
  /** Upload requests: the job resource part and the data part. */
  upload?: { job: unknown; data: string };
  authorization?: string;
}

export interface FieldSchema {
  name: string;
  type: string;
  mode?: string;
  description?: string;
  fields?: FieldSchema[];
}

/** What a query job does, decided per statement by the test. */
export interface JobOutcome {
  /** getQueryResults answers jobComplete: false this many times first. */
  pendingPolls?: number;
  schema?: FieldSchema[];
  /** Rows in REST form ({f: [{v}]}) are built from these plain values (strings, null, arrays, nested). */
  rows?: unknown[][];
  numDmlAffectedRows?: number;
  totalBytesProcessed?: number;
  error?: { reason: string; message: string };
  /** A table the statement creates (CREATE … AS), as tables.get will then return it. */
  creates?: { dataset: string; table: string; resource: TableResource };
}

export interface TableResource {
  type: "TABLE" | "VIEW" | "MATERIALIZED_VIEW";
  numRows?: string;
  schema: { fields: FieldSchema[] };
  description?: string;
  labels?: Record<string, string>;
}

interface StoredJob {
  resource: { jobReference: { projectId: string; jobId: string; location: string }; configuration: Record<string, unknown> };
  outcome: JobOutcome;
  polls: number;
  cancelled: boolean;
  /** Its effect on the tables (load, copy) was applied when it finished. */
  applied?: boolean;
  /** Load jobs: the uploaded rows. */
  uploaded?: Record<string, unknown>[];
}

interface TableReference {
  projectId: string;
  datasetId: string;
  tableId: string;
}

interface LoadConfiguration {
  destinationTable: TableReference;
  schema: { fields: FieldSchema[] };
  writeDisposition: "WRITE_TRUNCATE" | "WRITE_APPEND";
}

interface CopyConfiguration {
  sourceTables: TableReference[];
  destinationTable: TableReference;
  writeDisposition: "WRITE_TRUNCATE" | "WRITE_APPEND" | "WRITE_EMPTY";
}

interface ScriptedFailure {
  method: string;
  path: RegExp;
  status: number;
  reason: string;
  message: string;
}

const MAX_REQUESTS = 3000;

function tableKey(reference: TableReference): string {
  return `${reference.projectId}.${reference.datasetId}.${reference.tableId}`;
}

function restCell(value: unknown): { v: unknown } {
  if (value === null || value === undefined) return { v: null };
  if (Array.isArray(value)) return { v: value.map((element) => (Array.isArray(element) ? { v: { f: element.map(restCell) } } : restCell(element))) };
  if (typeof value === "object") return { v: { f: Object.values(value as object).map(restCell) } };
  return { v: String(value) };
}

function parseMultipart(contentType: string, body: Buffer): { job: unknown; data: string } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no multipart boundary in ${contentType}`);
  const parts = body
    .toString("utf8")
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => part.slice(part.indexOf("\r\n\r\n") + 4).replace(/\r\n$/, ""));
  return { job: JSON.parse(parts[0]), data: parts[1] };
}

export class BigQueryContractServer {
  readonly requests: RecordedRequest[] = [];
  readonly datasets = new Map<string, { location: string }>();
  readonly tables = new Map<string, TableResource>();
  readonly jobs = new Map<string, StoredJob>();
  readonly failures: ScriptedFailure[] = [];
  /** Rows of the tables that load and copy jobs wrote, by project.dataset.table (as objects). */
  readonly tableRows = new Map<string, Record<string, unknown>[]>();
  /**
   * Decides each query job's outcome from its SQL (default: success, no rows). It may answer
   * later (a promise), e.g. to estimate a dry run's bytes with the ZetaSQL analyzer
   * (tools/bigquery-bytes/).
   */
  onQuery: (sql: string) => JobOutcome | Promise<JobOutcome> = () => ({});
  /** Decides each load or copy job's outcome from its configuration (default: success). */
  onOtherJob: (configuration: Record<string, unknown>) => JobOutcome = () => ({});
  /** The next job insert is stored, but answered with a 502 as if the answer were lost. */
  loseNextInsertAnswer = false;
  private server?: http.Server;

  get endpoint(): string {
    const address = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => this.handle(request, Buffer.concat(chunks), response));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((error) => (error ? reject(error) : resolve())));
  }

  /** Forgets every request, dataset, table, job and scripted answer (between tests). */
  reset(): void {
    this.requests.length = 0;
    this.datasets.clear();
    this.tables.clear();
    this.tableRows.clear();
    this.jobs.clear();
    this.failures.length = 0;
    this.onQuery = () => ({});
    this.onOtherJob = () => ({});
    this.loseNextInsertAnswer = false;
  }

  /** The next `times` requests matching method and path get this error answer. */
  failNext(method: string, path: RegExp, status: number, reason: string, times = 1): void {
    for (let index = 0; index < times; index++) this.failures.push({ method, path, status, reason, message: `scripted ${reason}` });
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && path.test(request.path));
  }

  private handle(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): void {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const isUpload = url.pathname.startsWith("/upload/bigquery/v2/");
    const path = url.pathname.replace(/^\/(upload\/)?bigquery\/v2/, "");
    const recorded: RecordedRequest = {
      method: request.method ?? "GET",
      path,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization,
    };
    if (isUpload) recorded.upload = parseMultipart(request.headers["content-type"] ?? "", body);
    else if (body.length > 0) recorded.body = JSON.parse(body.toString("utf8"));
    this.requests.push(recorded);
    const send = (status: number, payload: unknown): void => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    };
    const error = (status: number, reason: string, message: string): void =>
      send(status, { error: { code: status, message, errors: [{ reason, message }] } });
    if (this.requests.length > MAX_REQUESTS) return error(500, "internalError", "contract server request limit reached");

    const failure = this.failures.findIndex((candidate) => candidate.method === recorded.method && candidate.path.test(path));
    if (failure >= 0) {
      const [scripted] = this.failures.splice(failure, 1);
      return error(scripted.status, scripted.reason, scripted.message);
    }
    this.route(recorded, send, error).catch((caught: unknown) => error(500, "internalError", `contract server: ${(caught as Error).message}`));
  }

  private async route(request: RecordedRequest, send: (status: number, payload: unknown) => void, error: (status: number, reason: string, message: string) => void): Promise<void> {
    const { method, path } = request;
    let match: RegExpExecArray | null;
    if ((match = /^\/projects\/([^/]+)\/datasets$/.exec(path)) && method === "POST") {
      const body = request.body as { datasetReference: { datasetId: string }; location: string };
      const key = `${match[1]}.${body.datasetReference.datasetId}`;
      if (this.datasets.has(key)) return error(409, "duplicate", `Already Exists: Dataset ${key}`);
      this.datasets.set(key, { location: body.location });
      return send(200, { ...body, id: key });
    }
    if ((match = /^\/projects\/([^/]+)\/datasets$/.exec(path)) && method === "GET") {
      const datasets = [...this.datasets.keys()].filter((key) => key.startsWith(`${match![1]}.`)).map((key) => ({ datasetReference: { datasetId: key.split(".")[1] } }));
      return send(200, { datasets });
    }
    if ((match = /^\/projects\/([^/]+)\/datasets\/([^/]+)$/.exec(path)) && method === "GET") {
      const dataset = this.datasets.get(`${match[1]}.${match[2]}`);
      return dataset ? send(200, { location: dataset.location }) : error(404, "notFound", `Not found: Dataset ${match[1]}:${match[2]}`);
    }
    if ((match = /^\/projects\/([^/]+)\/datasets\/([^/]+)\/tables$/.exec(path)) && method === "GET") {
      if (!this.datasets.has(`${match[1]}.${match[2]}`)) return error(404, "notFound", `Not found: Dataset ${match[1]}:${match[2]}`);
      const prefix = `${match[1]}.${match[2]}.`;
      const names = [...this.tables.keys()].filter((key) => key.startsWith(prefix)).sort();
      // One table per page, so that paging is exercised.
      const start = request.query.pageToken ? Number(request.query.pageToken) : 0;
      const page = names.slice(start, start + 1).map((key) => {
        const [projectId, datasetId, tableId] = key.split(".");
        return { tableReference: { projectId, datasetId, tableId } };
      });
      return send(200, { tables: page, nextPageToken: start + 1 < names.length ? String(start + 1) : undefined });
    }
    if ((match = /^\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(path)) && method === "GET") {
      const table = this.tables.get(`${match[1]}.${match[2]}.${match[3]}`);
      return table ? send(200, table) : error(404, "notFound", `Not found: Table ${match[1]}:${match[2]}.${match[3]}`);
    }
    if ((match = /^\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(path)) && method === "PATCH") {
      // tables.patch: the fields sent replace the table's (a schema is replaced whole, and
      // may only add descriptions or columns: a dropped or retyped field is refused).
      const key = `${match[1]}.${match[2]}.${match[3]}`;
      const table = this.tables.get(key);
      if (!table) return error(404, "notFound", `Not found: Table ${match[1]}:${match[2]}.${match[3]}`);
      const patch = request.body as Partial<TableResource>;
      const fields = patch.schema?.fields;
      if (fields) {
        const sent = new Map(fields.map((field) => [field.name, field]));
        const changed = table.schema.fields.find((field) => sent.get(field.name)?.type !== field.type);
        if (changed) return error(400, "invalid", `Provided Schema does not match Table ${key}. Field ${changed.name} is missing or has changed type.`);
      }
      const updated = { ...table, ...patch, schema: patch.schema ?? table.schema };
      this.tables.set(key, updated);
      return send(200, updated);
    }
    if (/^\/projects\/([^/]+)\/jobs$/.test(path) && method === "POST") {
      const resource = (request.upload?.job ?? request.body) as StoredJob["resource"];
      const { jobId } = resource.jobReference;
      if (this.jobs.has(jobId)) return error(409, "duplicate", `Already Exists: Job ${jobId}`);
      if (resource.configuration.dryRun) {
        const outcome = await this.onQuery((resource.configuration.query as { query: string }).query);
        if (outcome.error) return error(400, outcome.error.reason, outcome.error.message);
        const bytes = String(outcome.totalBytesProcessed ?? 0);
        // A dry run of a query reports its result's schema, as BigQuery's does (statistics.query.schema).
        const schema = outcome.schema ? { schema: { fields: outcome.schema } } : {};
        return send(200, { ...resource, status: { state: "DONE" }, statistics: { totalBytesProcessed: bytes, query: { totalBytesProcessed: bytes, ...schema } } });
      }
      const lines = request.upload ? request.upload.data.split("\n").filter(Boolean) : [];
      const outcome: JobOutcome = request.upload
        ? { rows: lines.map((line) => [line]), ...this.onOtherJob(resource.configuration) }
        : resource.configuration.query
          ? await this.onQuery((resource.configuration.query as { query: string }).query)
          : this.onOtherJob(resource.configuration);
      const uploaded = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      this.jobs.set(jobId, { resource, outcome, polls: 0, cancelled: false, uploaded });
      if (this.loseNextInsertAnswer) {
        this.loseNextInsertAnswer = false;
        return error(502, "backendError", "answer lost on the way back");
      }
      return send(200, { ...resource, status: { state: "RUNNING" } });
    }
    if ((match = /^\/projects\/([^/]+)\/jobs\/([^/]+)\/cancel$/.exec(path)) && method === "POST") {
      const job = this.jobs.get(match[2]);
      if (!job) return error(404, "notFound", `Not found: Job ${match[2]}`);
      job.cancelled = true;
      return send(200, { job: this.jobResource(job) });
    }
    if ((match = /^\/projects\/([^/]+)\/jobs\/([^/]+)$/.exec(path)) && method === "GET") {
      const job = this.jobs.get(match[2]);
      return job ? send(200, this.jobResource(job)) : error(404, "notFound", `Not found: Job ${match[2]}`);
    }
    if ((match = /^\/projects\/([^/]+)\/queries\/([^/]+)$/.exec(path)) && method === "GET") {
      const job = this.jobs.get(match[2]);
      if (!job) return error(404, "notFound", `Not found: Job ${match[2]}`);
      if (!this.isDone(job)) {
        job.polls++;
        return send(200, { jobReference: job.resource.jobReference, jobComplete: false });
      }
      const failure = this.failureOf(job);
      if (failure) return error(400, failure.reason, failure.message);
      const rows = (job.outcome.rows ?? []).map((row) => ({ f: row.map(restCell) }));
      const pageSize = Number(request.query.maxResults ?? rows.length);
      const start = request.query.pageToken ? Number(request.query.pageToken) : 0;
      const page = rows.slice(start, start + pageSize);
      return send(200, {
        jobReference: job.resource.jobReference,
        jobComplete: true,
        schema: { fields: job.outcome.schema ?? [] },
        totalRows: String(rows.length),
        rows: pageSize === 0 ? undefined : page,
        pageToken: pageSize > 0 && start + pageSize < rows.length ? String(start + pageSize) : undefined,
        numDmlAffectedRows: job.outcome.numDmlAffectedRows === undefined ? undefined : String(job.outcome.numDmlAffectedRows),
      });
    }
    error(400, "invalid", `contract server does not implement ${method} ${path}`);
  }

  /** What a finished load or copy job does to the tables. */
  private applyJob(job: StoredJob): void {
    const { load, copy } = job.resource.configuration as { load?: LoadConfiguration; copy?: CopyConfiguration };
    if (load) {
      const key = tableKey(load.destinationTable);
      const kept = load.writeDisposition === "WRITE_APPEND" ? (this.tableRows.get(key) ?? []) : [];
      const rows = [...kept, ...(job.uploaded ?? [])];
      this.tableRows.set(key, rows);
      this.tables.set(key, { type: "TABLE", numRows: String(rows.length), schema: load.schema });
    }
    if (copy) {
      const [source] = copy.sourceTables;
      const resource = this.tables.get(tableKey(source));
      if (!resource) throw new Error(`copy job: no table ${tableKey(source)}`);
      this.tables.set(tableKey(copy.destinationTable), { ...resource });
      this.tableRows.set(tableKey(copy.destinationTable), [...(this.tableRows.get(tableKey(source)) ?? [])]);
    }
  }

  private isDone(job: StoredJob): boolean {
    return job.cancelled || job.polls >= (job.outcome.pendingPolls ?? 0);
  }

  private failureOf(job: StoredJob): { reason: string; message: string } | undefined {
    if (job.cancelled) return { reason: "stopped", message: "Job execution was cancelled: User requested cancellation" };
    return job.outcome.error;
  }

  private jobResource(job: StoredJob): unknown {
    const done = this.isDone(job);
    const failure = done ? this.failureOf(job) : undefined;
    if (done && !failure && job.outcome.creates) {
      const { dataset, table, resource } = job.outcome.creates;
      this.tables.set(`${job.resource.jobReference.projectId}.${dataset}.${table}`, resource);
    }
    if (done && !failure && !job.applied) {
      job.applied = true;
      this.applyJob(job);
    }
    const load = job.resource.configuration.load ? { outputRows: String(job.outcome.rows?.length ?? 0) } : undefined;
    return {
      ...job.resource,
      status: done ? { state: "DONE", ...(failure ? { errorResult: failure, errors: [failure] } : {}) } : { state: "RUNNING" },
      statistics: {
        startTime: "1719748800000",
        endTime: "1719748801500",
        totalBytesProcessed: String(job.outcome.totalBytesProcessed ?? 0),
        query: job.resource.configuration.query
          ? {
              totalBytesProcessed: String(job.outcome.totalBytesProcessed ?? 0),
              numDmlAffectedRows: job.outcome.numDmlAffectedRows === undefined ? undefined : String(job.outcome.numDmlAffectedRows),
            }
          : undefined,
        load,
      },
    };
  }
}

/**
 * One server for the test file that calls it: started before its tests, stopped after them,
 * and reset before each test, so every test starts from an empty double. Call it before the
 * file's own beforeEach hooks (they run in the order they are registered).
 */
export function contractServerForFile(): BigQueryContractServer {
  const server = new BigQueryContractServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => server.reset());
  return server;
}
