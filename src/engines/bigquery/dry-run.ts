/**
 * `--dry-run` on BigQuery: every statement is sent as a dry-run job, which validates it
 * and reports the bytes it would process without running it or costing anything. The
 * recorder sums them per action and estimates the on-demand price.
 */

/**
 * On-demand (pay-as-you-go) query price in US dollars per TiB processed: Google's list
 * price for the US and EU multi-regions since July 2023. Other regions, editions
 * (capacity) pricing and the first free TiB per month are not taken into account, and
 * BigQuery bills at least 10 MB per table a query references: this is an estimate.
 */
export const ON_DEMAND_USD_PER_TIB = 6.25;
const BYTES_PER_TIB = 1024 ** 4;

export interface DryRunAction {
  actionName: string;
  statements: number;
  bytesProcessed: number;
}

export interface DryRunReport {
  actions: DryRunAction[];
  totalBytes: number;
  usdPerTib: number;
  estimatedUsd: number;
}

export function estimateUsd(bytes: number): number {
  return (bytes / BYTES_PER_TIB) * ON_DEMAND_USD_PER_TIB;
}

export class DryRunRecorder {
  private readonly actions = new Map<string, DryRunAction>();

  record(actionName: string, bytesProcessed: number): void {
    const entry = this.actions.get(actionName) ?? { actionName, statements: 0, bytesProcessed: 0 };
    entry.statements++;
    entry.bytesProcessed += bytesProcessed;
    this.actions.set(actionName, entry);
  }

  report(): DryRunReport {
    const actions = [...this.actions.values()];
    const totalBytes = actions.reduce((sum, action) => sum + action.bytesProcessed, 0);
    return { actions, totalBytes, usdPerTib: ON_DEMAND_USD_PER_TIB, estimatedUsd: estimateUsd(totalBytes) };
  }
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(2)} ${units[unit]}`;
}

export function formatDryRunReport(report: DryRunReport): string {
  const width = Math.max(6, ...report.actions.map((action) => action.actionName.length));
  const lines = report.actions.map((action) => `  ${action.actionName.padEnd(width)}  ${formatBytes(action.bytesProcessed).padStart(11)}  (${action.statements} statement(s))`);
  lines.push(
    `  ${"total".padEnd(width)}  ${formatBytes(report.totalBytes).padStart(11)}  ≈ $${report.estimatedUsd.toFixed(4)} on demand at $${report.usdPerTib}/TiB`,
  );
  return ["Dry run: bytes each action would process", ...lines].join("\n");
}
