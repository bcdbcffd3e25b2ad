/**
 * Model fits as nodes of the DAG (c360.json `fits`, ARCHITECTURE.md "Models fitted in
 * TypeScript, scored in SQL"). The project declares the output as an ordinary table whose
 * query gives one row per parameter with null values (what stock Dataform builds: "not
 * fitted"); after that table is built, the runner reads the input action's table, fits the
 * model in TypeScript and fills in the rows' value, log_likelihood, customers and converged,
 * in one transaction. Actions that ref() the output therefore run after the fit.
 */
import type { Engine } from "../engines/engine.js";
import { ConfigError, ExecutionError } from "../errors.js";
import type { Action } from "../graph/actions.js";
import { fitPurchaseModels, type ParameterRow, type PurchaseModelColumns } from "../models/purchase-models.js";

/** One entry of c360.json `fits` (src/config/schemas/c360.schema.json). */
export interface ModelFitConfig {
  model: "bgnbd_gamma_gamma";
  /** The action whose table holds one row per customer (name as `c360 compile` lists it, or its table name alone). */
  input: string;
  /** The table action whose rows the fit fills in. */
  output: string;
  columns: PurchaseModelColumns;
  minimumRepeatBuyers?: number;
  horizon?: number;
}

/** The columns of the output table the fit writes; the project's query may add others (they are kept). */
export const FIT_OUTPUT_COLUMNS = ["model", "parameter", "value", "log_likelihood", "customers", "converged"] as const;

export interface FitOutcome {
  warnings: string[];
}

/** The fits keyed by output action name, checked against the graph: throws ConfigError naming the c360.json key. */
export function resolveModelFits(fits: readonly ModelFitConfig[], actions: Map<string, Action>, configFile = "c360.json"): Map<string, { fit: ModelFitConfig; input: Action }> {
  const resolved = new Map<string, { fit: ModelFitConfig; input: Action }>();
  fits.forEach((fit, index) => {
    const key = (name: string) => `/fits/${index}/${name}`;
    const input = findAction(actions, fit.input, configFile, key("input"));
    const output = findAction(actions, fit.output, configFile, key("output"));
    if (output.kind !== "table") throw new ConfigError(configFile, [`${key("output")}: '${fit.output}' is a ${output.kind}; a fit fills in a table action`]);
    if (!output.dependencies.includes(input.name)) {
      throw new ConfigError(configFile, [`${key("output")}: '${output.name}' must ref() the fit's input '${input.name}', so that it is built after it`]);
    }
    resolved.set(output.name, { fit, input });
  });
  return resolved;
}

function findAction(actions: Map<string, Action>, name: string, configFile: string, key: string): Action {
  const exact = actions.get(name);
  if (exact) return exact;
  const byTable = [...actions.values()].filter((action) => action.target.name === name && action.kind !== "assertion" && action.kind !== "test");
  if (byTable.length === 1) return byTable[0];
  throw new ConfigError(configFile, [`${key}: no action '${name}' in the compiled project${byTable.length > 1 ? ` (ambiguous: ${byTable.map((action) => action.name).join(", ")})` : ""}`]);
}

/** Runs the fit of an output action that was just built, and fills in its rows. */
export async function runModelFit(engine: Engine, output: Action, fit: ModelFitConfig, input: Action): Promise<FitOutcome> {
  const columns = (await engine.describeTable(output.target))?.map((column) => column.name.toLowerCase()) ?? [];
  const missing = FIT_OUTPUT_COLUMNS.filter((column) => !columns.includes(column));
  if (missing.length > 0) throw new ExecutionError(output.name, `a fit's output table needs the columns ${FIT_OUTPUT_COLUMNS.join(", ")}; missing: ${missing.join(", ")}`);
  const result = await fitPurchaseModels(engine, input.target, { columns: fit.columns, minimumRepeatBuyers: fit.minimumRepeatBuyers ?? 20, horizon: fit.horizon }, output.name);
  // One statement: atomic on both engines (BigQuery has no multi-statement transaction here).
  const updated = await engine.execute(updateStatement(engine.quoteTable(output.target), result.rows), { actionName: output.name });
  if (updated.rowsAffected !== undefined && updated.rowsAffected !== result.rows.length) {
    throw new ExecutionError(output.name, `the fit has ${result.rows.length} parameter rows to fill in but the table's query gave ${updated.rowsAffected} of them: it must give one row per (model, parameter)`);
  }
  return { warnings: result.warnings };
}

/** A float as a SQL literal both dialects read as FLOAT64 / DOUBLE and round-trip exactly (exponent notation: the shortest digits that identify it). */
export function floatLiteral(value: number | null): string {
  if (value === null) return "null";
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return value.toExponential();
}

/** update … set column = case (model, parameter) … end, …: every parameter row in one statement. */
export function updateStatement(table: string, rows: readonly ParameterRow[]): string {
  const key = (row: ParameterRow) => `model = '${row.model}' and parameter = '${row.parameter}'`;
  const column = (render: (row: ParameterRow) => string): string => {
    const values = rows.map(render);
    // A CASE whose branches are all NULL would be typed INT64 on BigQuery: a constant stays a literal.
    if (values.every((value) => value === values[0])) return values[0];
    return `case ${rows.map((row, index) => `when ${key(row)} then ${values[index]}`).join(" ")} end`;
  };
  const matched = rows.map((row) => `(${key(row)})`).join(" or ");
  return (
    `update ${table} set value = ${column((row) => floatLiteral(row.value))}, log_likelihood = ${column((row) => floatLiteral(row.logLikelihood))}, ` +
    `customers = ${column((row) => String(Math.round(row.customers)))}, converged = ${column((row) => String(row.converged))} where ${matched}`
  );
}
