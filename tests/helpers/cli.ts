/**
 * Runs the c360 CLI for end-to-end tests, two ways:
 * - runCli: in a subprocess, as a user runs the bin: the run's bundle of the source under test
 *   (tests/helpers/cli-bundle-setup.ts, bundled as dist/ is), or, outside the integration
 *   project, scripts/c360.ts with tsx (about 1 s of start-up each). Keep it for what only a
 *   process shows: the bin itself, its exit status, signals.
 * - runCliInProcess: main(argv) in the test's own process, with stdout and stderr captured and
 *   the exit code main returns; the same parsing, commands and output, without the start-up.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { format } from "node:util";
import { inject } from "vitest";
import { waitUntilBuiltSync } from "./build-markers.js";
import { REPO_ROOT } from "./project.js";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { timeoutMs?: number } = {}): CliResult {
  const bundle = inject("cliBin");
  // The global setup bundles it in the background (cli-bundle-setup.ts).
  if (bundle) waitUntilBuiltSync("bundled CLI", bundle);
  // `--import tsx` resolves tsx from the working directory, so the CLI runs from the repository.
  const bin = bundle ? [bundle] : ["--import", "tsx", path.join(REPO_ROOT, "scripts/c360.ts")];
  const result = spawnSync(process.execPath, [...bin, ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

type Write = typeof process.stdout.write;

/** One in-process run at a time: the capture replaces the process's stdout and stderr writers. */
let running: Promise<unknown> = Promise.resolve();

/**
 * Calls the CLI's main(args) in this process as runCli runs the bin: output captured (not a
 * terminal, no colour), the exit code returned as status. Runs one at a time; the process's
 * exit code, writers, console and environment are restored after each run.
 */
export function runCliInProcess(args: string[]): Promise<CliResult> {
  const run = running.then(() => captureMain(args));
  running = run.catch(() => undefined);
  return run;
}

async function captureMain(args: string[]): Promise<CliResult> {
  if (process.cwd() !== REPO_ROOT) throw new Error(`runCliInProcess runs the CLI from ${REPO_ROOT}, not ${process.cwd()}`);
  const output = { stdout: "", stderr: "" };
  const saved = {
    stdoutWrite: process.stdout.write,
    stderrWrite: process.stderr.write,
    stdoutTty: Object.getOwnPropertyDescriptor(process.stdout, "isTTY"),
    stderrTty: Object.getOwnPropertyDescriptor(process.stderr, "isTTY"),
    console: { log: console.log, info: console.info, warn: console.warn, error: console.error },
    exitCode: process.exitCode,
    noColor: process.env.NO_COLOR,
    forceColor: process.env.FORCE_COLOR,
  };
  const capture = (stream: "stdout" | "stderr"): Write =>
    ((chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) => {
      output[stream] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encodingOrCallback === "string" ? encodingOrCallback : "utf8");
      const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      done?.();
      return true;
    }) as Write;
  process.stdout.write = capture("stdout");
  process.stderr.write = capture("stderr");
  // yargs prints help and messages through console, which vitest intercepts: route it as node would.
  const print = (stream: "stdout" | "stderr") => (...values: unknown[]) => void (output[stream] += `${format(...values)}\n`);
  Object.assign(console, { log: print("stdout"), info: print("stdout"), warn: print("stderr"), error: print("stderr") });
  Object.defineProperty(process.stdout, "isTTY", { value: false, configurable: true, writable: true });
  Object.defineProperty(process.stderr, "isTTY", { value: false, configurable: true, writable: true });
  process.env.NO_COLOR = "1";
  process.env.FORCE_COLOR = "0";
  try {
    // Imported on first use: files that only spawn the bin do not load every command.
    const { main } = await import("../../src/cli/main.js");
    const status = await main(args);
    return { status, ...output };
  } finally {
    process.stdout.write = saved.stdoutWrite;
    process.stderr.write = saved.stderrWrite;
    Object.assign(console, saved.console);
    restoreProperty(process.stdout, "isTTY", saved.stdoutTty);
    restoreProperty(process.stderr, "isTTY", saved.stderrTty);
    restoreEnvironment("NO_COLOR", saved.noColor);
    restoreEnvironment("FORCE_COLOR", saved.forceColor);
    process.exitCode = saved.exitCode;
  }
}

function restoreProperty(target: object, name: string, descriptor: PropertyDescriptor | undefined): void {
  if (descriptor) Object.defineProperty(target, name, descriptor);
  else delete (target as Record<string, unknown>)[name];
}

function restoreEnvironment(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
