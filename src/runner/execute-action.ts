/**
 * What running one action means, the way Dataform runs it on BigQuery: tables are
 * replaced atomically, views replaced, incrementals created or merged, operations run as
 * written, assertions pass when their query returns no rows.
 */
import type { Engine, StatementResult } from "../engines/engine.js";
import { ExecutionError } from "../errors.js";
import type { Action } from "../graph/actions.js";
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
}

const ASSERTION_SAMPLE_ROWS = 5;

export async function executeAction(engine: Engine, action: Action, options: ExecuteOptions): Promise<ActionOutcome> {
  const statementOptions = { actionName: action.name };
  let engineSeconds = 0;
  const timed = async (work: Promise<StatementResult>): Promise<StatementResult> => {
    const result = await work;
    engineSeconds += result.seconds;
    return result;
  };
  const runAll = async (statements: string[] = []): Promise<void> => {
    for (const statement of statements) if (statement.trim()) await timed(engine.execute(statement, statementOptions));
  };

  switch (action.kind) {
    case "table": {
      await engine.ensureSchema(action.target.schema, action.target.database);
      await runAll(action.compiled.preOps);
      const result = await timed(engine.createTableAs(action.target, action.compiled.query, layoutOf(action), statementOptions));
      await runAll(action.compiled.postOps);
      return { rowsAffected: result.rowsAffected, engineSeconds };
    }
    case "view": {
      await engine.ensureSchema(action.target.schema, action.target.database);
      await runAll(action.compiled.preOps);
      const result = await timed(engine.createView(action.target, action.compiled.query, statementOptions));
      await runAll(action.compiled.postOps);
      return { rowsAffected: result.rowsAffected, engineSeconds };
    }
    case "incremental": {
      await engine.ensureSchema(action.target.schema, action.target.database);
      const exists = (await engine.describeTable(action.target)) !== undefined;
      const rebuild = !exists || (options.fullRefresh && !action.compiled.protected);
      if (rebuild) {
        await runAll(action.compiled.preOps);
        const result = await timed(engine.createTableAs(action.target, action.compiled.query, layoutOf(action), statementOptions));
        await runAll(action.compiled.postOps);
        return { rowsAffected: result.rowsAffected, engineSeconds };
      }
      // Later runs change the table in one transaction: all of the increment or none of it.
      return engine.transaction(async () => {
        await runAll(action.compiled.incrementalPreOps);
        const query = action.compiled.incrementalQuery || action.compiled.query;
        const uniqueKey = action.compiled.uniqueKey ?? [];
        const result = await timed(
          uniqueKey.length > 0
            ? engine.mergeInto(action.target, query, uniqueKey, statementOptions)
            : engine.insertInto(action.target, query, statementOptions),
        );
        await runAll(action.compiled.incrementalPostOps);
        return { rowsAffected: result.rowsAffected, engineSeconds, merged: true };
      });
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
  }
}

function layoutOf(action: Action & { kind: "table" | "view" | "incremental" }) {
  return { partitionBy: action.compiled.bigquery?.partitionBy, clusterBy: action.compiled.bigquery?.clusterBy };
}
