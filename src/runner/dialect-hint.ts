/**
 * Why an action failed on DuckDB, when the reason is that its SQL is BigQuery's: DuckDB
 * reports only its own parser or binder error, so the user is told that the statement is
 * BigQuery dialect (BigQuery's own parser, ZetaSQL, as `c360 check` runs it, accepts it),
 * with the action, its file and the line there.
 */
import fs from "node:fs";
import path from "node:path";
import type { Action } from "../graph/actions.js";

/** DuckDB errors a BigQuery-only construct produces: syntax, or a function or type DuckDB does not have. */
export const DIALECT_FAILURE = /Parser Error|syntax error|Catalog Error: (Scalar Function|Aggregate Function|Table Function|Type) with name|Binder Error: No function matches/i;

/** The SQL statements of an action, as they were compiled. */
function statementsOf(action: Action): string[] {
  switch (action.kind) {
    case "table":
    case "view":
    case "incremental":
      return [...(action.compiled.preOps ?? []), action.compiled.query, ...(action.compiled.postOps ?? [])].filter((sql): sql is string => Boolean(sql?.trim()));
    case "operation":
      return action.compiled.queries ?? [];
    case "assertion":
      return [action.compiled.query];
    case "test":
      return [action.compiled.testQuery];
    default:
      return [];
  }
}

/** The line of the action's file that DuckDB's "LINE n: …" excerpt points at, when it appears exactly once. */
export function lineInFile(projectDir: string, fileName: string, duckDbMessage: string): number | undefined {
  const excerpt = /LINE \d+: (.*)/.exec(duckDbMessage)?.[1]?.replace(/^\.\.\./, "").replace(/\.\.\.$/, "").trim();
  const file = path.join(projectDir, fileName);
  if (!excerpt || !fileName || !fs.existsSync(file)) return undefined;
  const matches = fs
    .readFileSync(file, "utf8")
    .split(/\r?\n/)
    .flatMap((text, index) => (text.includes(excerpt) ? [index + 1] : []));
  return matches.length === 1 ? matches[0] : undefined;
}

export interface BigQueryParser {
  parsesAsBigQuery(sql: string): Promise<boolean>;
}

/**
 * The hint to add to a DuckDB failure, or undefined when the failure does not look like a
 * dialect problem or the SQL is not valid BigQuery either (then it is simply wrong).
 */
export async function bigQueryOnlyHint(action: Action, duckDbMessage: string, projectDir: string, parser: BigQueryParser): Promise<string | undefined> {
  if (!DIALECT_FAILURE.test(duckDbMessage)) return undefined;
  const statements = statementsOf(action);
  if (statements.length === 0) return undefined;
  for (const sql of statements) if (!(await parser.parsesAsBigQuery(sql))) return undefined;
  const line = lineInFile(projectDir, action.fileName, duckDbMessage);
  const where = action.fileName ? ` (${action.fileName}${line ? `, line ${line}` : ""})` : "";
  return (
    `${action.name}${where} is BigQuery SQL that DuckDB cannot run: BigQuery's parser accepts it, DuckDB's does not. ` +
    "Run it on a BigQuery target, or write that construct in SQL both engines run; `c360 check` analyzes it as BigQuery."
  );
}
