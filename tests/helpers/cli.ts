/** Runs the c360 CLI in a subprocess, as a user would. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "./project.js";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { timeoutMs?: number } = {}): CliResult {
  // `--import tsx` resolves tsx from the working directory, so the CLI runs from the repository.
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts/c360.ts"), ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
