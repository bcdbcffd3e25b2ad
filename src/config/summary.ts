/**
 * The end-of-build summary a project declares in c360.json (`summary`): a title, one line
 * per query, and notes printed as written. src/reporting/project-summary.ts runs and prints it.
 */
export interface SummaryLineConfig {
  label: string;
  /** The query, or its lines; `${ref('name')}` stands for an action's table. */
  sql: string | string[];
  /** Round decimal values to this many places for printing. */
  decimals?: number;
  /** Printed when the query returns no row (default "none"). */
  empty?: string;
}

export interface SummaryConfig {
  title: string;
  lines: SummaryLineConfig[];
  notes?: string[];
}
