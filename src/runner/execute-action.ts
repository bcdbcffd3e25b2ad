/**
 * What running one action means, the way Dataform runs it on BigQuery: tables are
 * replaced atomically, views replaced, incrementals created or merged, operations run as
 * written, assertions pass when their query returns no rows.
 */
import { type Engine, runAtomically, type StatementResult, type TableMetadata } from "../engines/engine.js";
import { ExecutionError } from "../errors.js";
import type { CompiledTable } from "../compile/graph-types.js";
import type { Action } from "../graph/actions.js";
import { noStatements } from "./build-state.js";
import { type JitSettings, resolveJitAction } from "./jit-action.js";
import { onSchemaChangeOf, planSchemaChange } from "./schema-change.js";
import { executeUnitTest } from "./unit-tests.js";

export interface ActionOutcome {
  rowsAffected?: number;
  /** Seconds the engine spent on the action's statements. */
  engineSeconds: number;
  /** For incrementals: true when the run merged (or inserted) into the existing table instead of creating it. */
  merged?: boolean;
  /** For assertions: how many rows violated it, and a sample of them. */
  failingRows?: number;
  sample?: Record<string, unknown>[];
  /** What the user should know although the action succeeded (e.g. a model that could not be fitted). */
  warnings?: string[];
}

export interface ExecuteOptions {
  fullRefresh: boolean;
  /** Where JiT actions' code is evaluated; without it a JiT action fails, naming why. */
  jit?: JitSettings;
  /** The project's defaultReservation (BigQuery jobs of actions without their own `reservation`). */
  defaultReservation?: string;
}

const ASSERTION_SAMPLE_ROWS = 5;

export async function executeAction(engine: Engine, planned: Action, options: ExecuteOptions): Promise<ActionOutcome> {
  const action = await resolveJitAction(engine, planned, options.jit);
  const reservation = ("actionDescriptor" in action.compiled ? action.compiled.actionDescriptor?.reservation : undefined) || options.defaultReservation || undefined;
  const statementOptions = { actionName: action.name, reservation };
  let engineSeconds = 0;
  const timed = async (work: Promise<StatementResult>): Promise<StatementResult> => {
    const result = await work;
    engineSeconds += result.seconds;
    return result;
  };
  const runAll = async (statements: string[] = []): Promise<void> => {
    for (const statement of statements) if (statement.trim()) await timed(engine.execute(statement, statementOptions));
  };

  const warnings: string[] = [];
  /** Dataform documents a table or view after building it (tables.patch on BigQuery; COMMENT ON on DuckDB). */
  const documented = async (outcome: ActionOutcome, created: boolean): Promise<ActionOutcome> => {
    if (action.kind !== "table" && action.kind !== "view" && action.kind !== "incremental") return outcome;
    const metadata = metadataOf(action.compiled);
    if (metadata) {
      // Created just now and no post-operation since: nothing has described it yet.
      const set = await engine.setMetadata(action.target, metadata, { ...statementOptions, created: created && noStatements(action.compiled.postOps) });
      if (set.warning) warnings.push(set.warning);
    }
    return warnings.length > 0 ? { ...outcome, warnings: [...(outcome.warnings ?? []), ...warnings] } : outcome;
  };
  /**
   * A table created, then its post-operations run, then documented. Without post-operations the
   * table and its descriptions commit together where the engine has transactions: one commit
   * (on DuckDB one sync of its log) instead of two, and never a new table without its descriptions.
   */
  const createDocumented = async (table: Action & { kind: "table" | "view" | "incremental" }): Promise<ActionOutcome> => {
    const create = async (): Promise<ActionOutcome> => {
      const result = await timed(engine.createTableAs(table.target, table.compiled.query, layoutOf(table), statementOptions));
      await runAll(table.compiled.postOps);
      return documented({ rowsAffected: result.rowsAffected, engineSeconds }, true);
    };
    return noStatements(table.compiled.postOps) && metadataOf(table.compiled) ? runAtomically(engine, create) : create();
  };

  switch (action.kind) {
    case "table": {
      await engine.ensureSchema(action.target.schema, action.target.database);
      await runAll(action.compiled.preOps);
      return createDocumented(action);
    }
    case "view": {
      await engine.ensureSchema(action.target.schema, action.target.database);
      await runAll(action.compiled.preOps);
      const result = await timed(engine.createView(action.target, action.compiled.query, { ...statementOptions, materialized: action.compiled.materialized }));
      if (result.warning) warnings.push(result.warning);
      await runAll(action.compiled.postOps);
      return documented({ rowsAffected: result.rowsAffected, engineSeconds }, true);
    }
    case "incremental": {
      await engine.ensureSchema(action.target.schema, action.target.database);
      const targetColumns = await engine.describeTable(action.target);
      const rebuild = targetColumns === undefined || (options.fullRefresh && !action.compiled.protected);
      if (rebuild) {
        await runAll(action.compiled.preOps);
        return createDocumented(action);
      }
      // Later runs change the table in one transaction where the engine has them: all of the increment or none of it.
      const merged = await runAtomically(engine, async () => {
        await runAll(action.compiled.incrementalPreOps);
        const query = action.compiled.incrementalQuery || action.compiled.query;
        const uniqueKey = action.compiled.uniqueKey ?? [];
        // Described just above, unless a pre-operation may have changed its columns since.
        let columns = noStatements(action.compiled.incrementalPreOps) ? targetColumns : await engine.describeTable(action.target);
        if (columns) {
          const plan = planSchemaChange(action.name, onSchemaChangeOf(action.compiled.onSchemaChange), columns, await engine.queryColumns(query, statementOptions), uniqueKey);
          if (plan.warning) warnings.push(plan.warning);
          if (plan.add.length > 0 || plan.drop.length > 0) {
            await timed(engine.alterColumns(action.target, plan, statementOptions));
            columns = await engine.describeTable(action.target);
          }
        }
        const { updatePartitionFilter, incrementalPredicates } = action.compiled.bigquery ?? {};
        const result = await timed(
          uniqueKey.length > 0
            ? engine.mergeInto(action.target, query, uniqueKey, { ...statementOptions, filters: { updatePartitionFilter, incrementalPredicates }, targetColumns: columns })
            : engine.insertInto(action.target, query, { ...statementOptions, targetColumns: columns }),
        );
        await runAll(action.compiled.incrementalPostOps);
        return { rowsAffected: result.rowsAffected, engineSeconds, merged: true };
      });
      return documented(merged, false);
    }
    case "operation": {
      if (action.compiled.hasOutput) await engine.ensureSchema(action.target.schema, action.target.database);
      await runAll(action.compiled.queries);
      return { engineSeconds };
    }
    case "assertion": {
      const started = performance.now();
      const sample = await engine.query(`select * from (\n${action.compiled.query}\n) as assertion_rows limit ${ASSERTION_SAMPLE_ROWS}`, statementOptions);
      let failingRows = 0;
      if (sample.length > 0) {
        const counted = await engine.query(`select count(*) as failing_rows from (\n${action.compiled.query}\n) as assertion_rows`, statementOptions);
        failingRows = Number(counted[0]?.failing_rows ?? sample.length);
      }
      engineSeconds += (performance.now() - started) / 1000;
      return { engineSeconds, failingRows, sample };
    }
    case "test":
      return executeUnitTest(engine, action);
    case "declaration":
      throw new ExecutionError(action.name, "a declaration is not executed by the runner");
    case "notebook":
      throw new ExecutionError(action.name, "a notebook is not executed by the runner (it is listed and skipped)");
  }
}

/** The action's documentation, or undefined when it has none to set. */
export function metadataOf(compiled: CompiledTable): TableMetadata | undefined {
  const descriptor = compiled.actionDescriptor;
  const columns = (descriptor?.columns ?? [])
    .filter((column) => column.description !== undefined && (column.path?.length ?? 0) > 0)
    .map((column) => ({ path: column.path!, description: column.description! }));
  const labels = descriptor?.bigqueryLabels ?? compiled.bigquery?.labels;
  const hasLabels = labels !== undefined && Object.keys(labels).length > 0;
  if (descriptor?.description === undefined && columns.length === 0 && !hasLabels) return undefined;
  return { description: descriptor?.description, columns, labels: hasLabels ? labels : undefined };
}

function layoutOf(action: Action & { kind: "table" | "view" | "incremental" }) {
  return { partitionBy: action.compiled.bigquery?.partitionBy, clusterBy: action.compiled.bigquery?.clusterBy };
}
