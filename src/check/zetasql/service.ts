/**
 * Runs the ZetaSQL local service as a child process on a loopback port and talks to it
 * over gRPC. One service per analyzer; stop() ends the process and waits for its exit,
 * and an exit hook kills it should the caller forget, so no run leaves it behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import { C360Error } from "../../errors.js";
import { requireZetaSqlDependency, zetaSqlPackageDir, zetaSqlServerBinary } from "./binary.js";
import type { AnalyzeRequest, AnalyzeResponse, ParseRequest, ParseResponse } from "./protos.js";

const HOST = "127.0.0.1";
const DEFAULT_START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 2_000;
const PORT_ATTEMPTS = 3;
const OUTPUT_TAIL_CHARS = 2_000;
/** Resolved ASTs of large models exceed gRPC's 4 MB default. */
const MESSAGE_LIMIT_BYTES = 256 * 1024 * 1024;

interface GrpcError extends Error {
  code?: number;
  details?: string;
}
type Callback<T> = (error: GrpcError | null, response?: T) => void;

/** The generated client's methods c360 calls (structural, so no types leak from @grpc). */
interface LocalServiceClient {
  analyze(request: AnalyzeRequest, callback: Callback<AnalyzeResponse>): unknown;
  parse(request: ParseRequest, callback: Callback<ParseResponse>): unknown;
  waitForReady(deadline: number, callback: (error?: Error) => void): void;
  close(): void;
}
type ClientConstructor = new (address: string, credentials: unknown, options: Record<string, number>) => LocalServiceClient;

interface GrpcModule {
  credentials: { createInsecure(): unknown };
  loadPackageDefinition(definition: unknown): { zetasql: { local_service: { ZetaSqlLocalService: ClientConstructor } } };
}
interface ProtoLoaderModule {
  loadSync(file: string, options: Record<string, unknown>): unknown;
}

/** gRPC status INVALID_ARGUMENT: how the service reports SQL it rejects. */
const INVALID_ARGUMENT = 3;

/** The SQL was rejected: the analyzer's message, e.g. "Unrecognized name: x [at 3:5]". */
export class ZetaSqlRejection extends Error {}

let clientConstructor: ClientConstructor | undefined;

/** Loading the ~400 .proto files takes ~0.4 s: once per process. */
function localServiceClient(): ClientConstructor {
  if (!clientConstructor) {
    const grpc = requireZetaSqlDependency<GrpcModule>("@grpc/grpc-js");
    const protoLoader = requireZetaSqlDependency<ProtoLoaderModule>("@grpc/proto-loader");
    const definition = protoLoader.loadSync("local_service.proto", {
      includeDirs: [`${zetaSqlPackageDir()}/protos`],
      defaults: true,
      oneofs: true,
      enums: String,
      longs: String,
    });
    clientConstructor = grpc.loadPackageDefinition(definition).zetasql.local_service.ZetaSqlLocalService;
  }
  return clientConstructor;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface ZetaSqlServiceOptions {
  startTimeoutMs?: number;
}

export class ZetaSqlService {
  private stopped = false;
  private readonly exitHook = (): void => {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  };

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: LocalServiceClient,
    private readonly output: { text: string },
    /** Milliseconds from spawn until the service answered. */
    readonly startupMs: number,
    readonly port: number,
  ) {
    process.once("exit", this.exitHook);
  }

  static async start(options: ZetaSqlServiceOptions = {}): Promise<ZetaSqlService> {
    const binary = zetaSqlServerBinary();
    const Client = localServiceClient();
    let lastError: unknown;
    // The port is free when probed but another process may take it before the server binds.
    for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      const port = await freeLoopbackPort();
      const started = performance.now();
      const child = spawn(binary, [HOST, String(port)], { stdio: ["ignore", "pipe", "pipe"] });
      const output = { text: "" };
      const collect = (chunk: Buffer): void => {
        output.text = (output.text + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
      };
      child.stdout?.on("data", collect);
      child.stderr?.on("data", collect);
      const client = new Client(`${HOST}:${port}`, requireZetaSqlDependency<GrpcModule>("@grpc/grpc-js").credentials.createInsecure(), {
        "grpc.max_send_message_length": MESSAGE_LIMIT_BYTES,
        "grpc.max_receive_message_length": MESSAGE_LIMIT_BYTES,
        // The client usually connects before the server listens: retry within milliseconds, not gRPC's default second.
        "grpc.initial_reconnect_backoff_ms": 20,
        "grpc.max_reconnect_backoff_ms": 100,
      });
      try {
        await waitUntilServing(child, client, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
        return new ZetaSqlService(child, client, output, performance.now() - started, port);
      } catch (error) {
        lastError = error;
        client.close();
        await terminate(child);
      }
    }
    throw new C360Error(`The ZetaSQL analyzer did not start: ${lastError instanceof Error ? lastError.message : String(lastError)}`, {
      cause: lastError,
    });
  }

  /** Analyzes one statement or expression; a rejection of the SQL throws ZetaSqlRejection. */
  analyze(request: AnalyzeRequest): Promise<AnalyzeResponse> {
    return this.call((callback) => this.client.analyze(request, callback));
  }

  parse(request: ParseRequest): Promise<ParseResponse> {
    return this.call((callback) => this.client.parse(request, callback));
  }

  get running(): boolean {
    return !this.stopped && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.client.close();
    await terminate(this.child);
    process.removeListener("exit", this.exitHook);
  }

  private call<T>(invoke: (callback: Callback<T>) => unknown): Promise<T> {
    if (this.stopped) return Promise.reject(new C360Error("The ZetaSQL analyzer has been stopped."));
    return new Promise((resolve, reject) => {
      invoke((error, response) => {
        if (!error) return resolve(response as T);
        if (error.code === INVALID_ARGUMENT) return reject(new ZetaSqlRejection(error.details ?? error.message));
        const exited = this.child.exitCode !== null || this.child.signalCode !== null;
        const detail = exited ? ` The service exited (${this.child.exitCode ?? this.child.signalCode}); its last output:\n${this.output.text}` : "";
        reject(new C360Error(`The ZetaSQL analyzer failed: ${error.details ?? error.message}.${detail}`, { cause: error }));
      });
    });
  }
}

function waitUntilServing(child: ChildProcess, client: LocalServiceClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null): void => reject(new Error(`the service exited early (${code ?? signal})`));
    child.once("exit", onExit);
    child.once("error", reject);
    client.waitForReady(Date.now() + timeoutMs, (error) => {
      child.removeListener("exit", onExit);
      child.removeListener("error", reject);
      if (error) reject(new Error(`no answer on the gRPC port within ${timeoutMs} ms (${error.message})`));
      else resolve();
    });
  });
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
function terminate(child: ChildProcess): Promise<void> {
  // A process that never spawned (pid undefined) emits no exit event.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
