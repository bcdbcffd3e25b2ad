/** Runs the c360 CLI in a subprocess, as a user would. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "./project.js";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  const tsx = path.join(REPO_ROOT, "node_modules/.bin/tsx");
  const result = spawnSync(tsx, [path.join(REPO_ROOT, "scripts/c360.ts"), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
