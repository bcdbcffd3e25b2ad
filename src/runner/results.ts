/** What a run did, action by action: the content of target/run_results.json. */
import fs from "node:fs";
import path from "node:path";

export type ActionStatus = "success" | "failed" | "skipped";

export interface ActionResult {
  name: string;
  kind: string;
  fileName: string;
  status: ActionStatus;
  seconds: number;
  /** Engine time of the action's statements; seconds - engineSeconds is framework overhead. */
  engineSeconds: number;
  rowsAffected?: number;
  error?: string;
  /** True when --skip-unchanged found the table or view as its last build left it, with the same SQL and inputs, and did not build it again (status success). */
  unchanged?: boolean;
  /** For a skipped action: the failed action upstream that caused it. */
  skippedBecause?: string;
  /** For assertions: number of violating rows and a few of them. */
  failingRows?: number;
  sample?: Record<string, unknown>[];
  /** Warnings of an action that succeeded (e.g. a model fit that could not be made: its columns are null). */
  warnings?: string[];
}

export interface RunResults {
  command: string;
  target: string;
  startedAt: string;
  elapsedSeconds: number;
  results: ActionResult[];
}

export function summarize(results: ActionResult[]): Record<ActionStatus, number> {
  const counts: Record<ActionStatus, number> = { success: 0, failed: 0, skipped: 0 };
  for (const result of results) counts[result.status]++;
  return counts;
}

export function writeRunResults(targetDir: string, runResults: RunResults): string {
  fs.mkdirSync(targetDir, { recursive: true });
  const file = path.join(targetDir, "run_results.json");
  fs.writeFileSync(file, JSON.stringify(runResults, null, 2) + "\n");
  return file;
}
