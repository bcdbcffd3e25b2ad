/**
 * Dataform unit tests (`type: "test"`): the model's query with its inputs replaced by
 * fixtures, compared with the expected rows. Reports like Dataform: row counts, column
 * names, and the rows missing or unexpected. Row order is not significant.
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

/**
 * Differences between actual and expected rows, or an empty list when they agree, worded
 * like Dataform's unit-test messages (rows numbered from 0; columns compared as a set).
 * Rows are compared as multisets: each expected row is matched with an equal actual row,
 * and what is left over is reported as missing (expected, not seen) or unexpected (seen,
 * not expected), each under its index in its own result. One wrong cell is one missing and
 * one unexpected row, whatever the row order.
 */
export function diffRows(actual: Row[], expected: Row[]): string[] {
  const problems: string[] = [];
  if (actual.length !== expected.length) problems.push(`Expected ${expected.length} rows, but saw ${actual.length} rows.`);
  if (actual.length === 0 || expected.length === 0) return problems;
  const actualColumns = Object.keys(actual[0]);
  const expectedColumns = Object.keys(expected[0]);
  const sameColumns = actualColumns.length === expectedColumns.length && expectedColumns.every((column) => actualColumns.includes(column));
  if (!sameColumns) {
    problems.push(`Expected columns "${expectedColumns.join(",")}", but saw "${actualColumns.join(",")}".`);
    return problems;
  }
  const unmatched = new Map<string, number[]>();
  actual.forEach((row, index) => {
    const key = rowKey(row, expectedColumns);
    unmatched.set(key, [...(unmatched.get(key) ?? []), index]);
  });
  for (const [index, row] of expected.entries()) {
    const candidates = unmatched.get(rowKey(row, expectedColumns));
    if (candidates && candidates.length > 0) candidates.shift();
    else problems.push(`Missing expected row ${index}: ${describeRow(row, expectedColumns)}`);
  }
  const unexpected = [...unmatched.values()].flat().sort((left, right) => left - right);
  for (const index of unexpected) problems.push(`Unexpected row ${index}: ${describeRow(actual[index], expectedColumns)}`);
  return problems;
}

function describeRow(row: Row, columns: string[]): string {
  return `{${columns.map((column) => `${column}: ${canonical(row[column])}`).join(", ")}}`;
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
