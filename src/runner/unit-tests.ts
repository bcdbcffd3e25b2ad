/**
 * Dataform unit tests (`type: "test"`): the model's query with its inputs replaced by
 * fixtures, compared with the expected rows. Reports like Dataform: row counts, column
 * names, and per-row/column differences. Row order is not significant.
 */
import type { Engine, Row } from "../engines/engine.js";
import type { Action } from "../graph/actions.js";
import type { ActionOutcome } from "./execute-action.js";

export class UnitTestFailure extends Error {}

function canonical(value: unknown): string {
  return value === null || value === undefined ? "null" : typeof value === "object" ? JSON.stringify(value) : String(value);
}

function rowKey(row: Row, columns: string[]): string {
  return columns.map((column) => canonical(row[column])).join("\u0001");
}

/** Differences between actual and expected rows, or an empty list when they agree. */
export function diffRows(actual: Row[], expected: Row[]): string[] {
  const problems: string[] = [];
  const actualColumns = Object.keys(actual[0] ?? expected[0] ?? {});
  const expectedColumns = Object.keys(expected[0] ?? actual[0] ?? {});
  if (actual.length !== expected.length) problems.push(`expected ${expected.length} row(s), got ${actual.length}`);
  if (actualColumns.join(",") !== expectedColumns.join(",")) {
    problems.push(`expected columns [${expectedColumns.join(", ")}], got [${actualColumns.join(", ")}]`);
    return problems;
  }
  const sortRows = (rows: Row[]) => [...rows].sort((left, right) => rowKey(left, actualColumns).localeCompare(rowKey(right, actualColumns)));
  const sortedActual = sortRows(actual);
  const sortedExpected = sortRows(expected);
  for (let index = 0; index < Math.max(sortedActual.length, sortedExpected.length); index++) {
    const actualRow = sortedActual[index];
    const expectedRow = sortedExpected[index];
    if (!actualRow || !expectedRow) {
      problems.push(`row ${index + 1}: ${actualRow ? `unexpected ${JSON.stringify(actualRow)}` : `missing ${JSON.stringify(expectedRow)}`}`);
      continue;
    }
    for (const column of actualColumns) {
      if (canonical(actualRow[column]) !== canonical(expectedRow[column])) {
        problems.push(`row ${index + 1}, column ${column}: expected ${canonical(expectedRow[column])}, got ${canonical(actualRow[column])}`);
      }
    }
  }
  return problems;
}

export async function executeUnitTest(engine: Engine, action: Action & { kind: "test" }): Promise<ActionOutcome> {
  const started = performance.now();
  const options = { actionName: action.name };
  const [actual, expected] = await Promise.all([
    engine.query(action.compiled.testQuery, options),
    engine.query(action.compiled.expectedOutputQuery, options),
  ]);
  const problems = diffRows(actual, expected);
  if (problems.length > 0) throw new UnitTestFailure(`unit test ${action.compiled.name} failed:\n    ${problems.join("\n    ")}`);
  return { engineSeconds: (performance.now() - started) / 1000, rowsAffected: actual.length };
}
