/**
 * Job labels, so a run's cost can be found in INFORMATION_SCHEMA.JOBS and billing exports:
 * c360_project (the Dataform project), c360_action (the action that issued the job) and
 * c360_run_id (one build). BigQuery allows lower-case letters, digits, _ and - (up to 63
 * characters); anything else becomes _.
 */
import { randomUUID } from "node:crypto";

const MAX_LABEL_LENGTH = 63;

export function labelValue(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "_")
    .slice(0, MAX_LABEL_LENGTH);
}

/** Sortable by time and unique: 20240630t120000z-1a2b3c4d. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "z").toLowerCase();
  return `${stamp}-${randomUUID().slice(0, 8)}`;
}

export function jobLabels(projectName: string, runId: string, actionName: string | undefined): Record<string, string> {
  const labels: Record<string, string> = { c360_project: labelValue(projectName), c360_run_id: labelValue(runId) };
  if (actionName) labels.c360_action = labelValue(actionName);
  return labels;
}
