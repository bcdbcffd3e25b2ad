/**
 * `--skip-unchanged`: a table or view whose compiled SQL and inputs are those of its last
 * build already holds what building it again would write, so it is not built again (make's
 * rule; what dbt users select by hand with `state:modified+ source_status:fresher+`).
 *
 * Every built table, view and incremental gets a version, kept in the warehouse
 * (c360_meta.action_state) beside what it describes:
 * - a table or view: a hash of its kind, target, SQL, layout and its inputs' versions, so
 *   it changes when anything upstream changed (a Merkle hash over the DAG);
 * - an incremental or an operation's output: a new value at every run (its content depends
 *   on its own history, and its queries may not be idempotent), except an incremental whose
 *   merge changed no row and that has no incremental pre/post operations: it keeps its version;
 * - a bronze table the loader fills (a landing source of the project): a hash of the load
 *   manifest's parts for it.
 * A table or view is skipped only when its version equals the recorded one and it exists.
 * Never skipped: incrementals, operations, assertions, unit tests, actions with pre/post
 * operations, SQL calling a clock or a random function, and anything reading a declaration
 * the loader does not track (its changes cannot be seen). A table changed behind c360's back,
 * or read without ref(), is not seen either: that is why the flag is opt-in.
 *
 * Once the state table exists every run keeps it true, with or without the flag: an action
 * loses its row before it executes and gets its new version after it succeeded, so an
 * interrupted run leaves no version for a table it may have changed.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Engine, LoadColumn, TableRef } from "../engines/engine.js";
import type { CompiledTable } from "../compile/graph-types.js";
import { type Action, actionName } from "../graph/actions.js";
import type { ActionOutcome } from "./execute-action.js";
import { readManifest, sqlText } from "../loader/manifest.js";

export const STATE_TABLE: TableRef = { schema: "c360_meta", name: "action_state" };

const STATE_COLUMNS: LoadColumn[] = [
  { name: "action", type: "text" },
  { name: "version", type: "text" },
  { name: "built_at", type: "text" },
];

/** Functions whose result changes from one run to the next although nothing upstream did. */
const VOLATILE_SQL = /\b(current_(date|time|timestamp|datetime)|localtime(stamp)?|now|rand|random|uuid|gen_random_uuid|generate_uuid|session_user)\b/i;

export type SkipDecision = { skip: true; version: string } | { skip: false; version?: string };

export class BuildState {
  /** Versions of this run: recorded ones, replaced as actions run. */
  private readonly versions: Map<string, string>;
  /** State writes one at a time: concurrent actions would otherwise race on one small table. */
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly engine: Engine,
    private readonly actions: Map<string, Action>,
    recorded: Map<string, string>,
    private readonly bronzeVersions: Map<string, string>,
    private readonly existingTables: Set<string>,
    readonly skipUnchanged: boolean,
  ) {
    this.versions = new Map(recorded);
  }

  /** The state of the warehouse; undefined when there is none to keep (no state table, no flag). */
  /** `bronzeTables`: schema.name of the tables the loader fills (the project's landing sources); their versions come from the load manifest. */
  static async open(engine: Engine, actions: Map<string, Action>, options: { skipUnchanged: boolean; bronzeTables?: readonly string[] }): Promise<BuildState | undefined> {
    const exists = (await engine.describeTable(STATE_TABLE)) !== undefined;
    if (!exists && !options.skipUnchanged) return undefined;
    if (!exists) {
      await engine.ensureSchema(STATE_TABLE.schema);
      await engine.load({ target: STATE_TABLE, columns: STATE_COLUMNS, rows: [], mode: "replace" });
    }
    const rows = await engine.query(`select action, version from ${engine.quoteTable(STATE_TABLE)}`, { actionName: "read build state" });
    const recorded = new Map(rows.map((row) => [String(row.action), String(row.version)]));
    const existingTables = new Set((await engine.listTables()).map(actionName));
    return new BuildState(engine, actions, recorded, await bronzeTableVersions(engine, options.bronzeTables ?? []), existingTables, options.skipUnchanged);
  }

  /** Whether the action can be skipped, and the version it has (or will have once built). */
  decide(action: Action): SkipDecision {
    if (action.kind !== "table" && action.kind !== "view") return { skip: false };
    // A JiT action's SQL is only known at run time, from the warehouse's answers.
    if (action.compiled.jitCode) return { skip: false };
    const version = this.fingerprint(action);
    const recorded = this.versions.get(action.name);
    const skippable =
      this.skipUnchanged &&
      version !== undefined &&
      version === recorded &&
      this.existingTables.has(action.name) &&
      noStatements(action.compiled.preOps, action.compiled.postOps) &&
      !VOLATILE_SQL.test(action.compiled.query);
    return skippable ? { skip: true, version } : { skip: false, version };
  }

  /** Before the action changes its table: its recorded version no longer vouches for it. Returns that version. */
  async forget(action: Action): Promise<string | undefined> {
    const previous = this.versions.get(action.name);
    if (previous === undefined) return undefined;
    this.versions.delete(action.name);
    await this.write(`delete from ${this.engine.quoteTable(STATE_TABLE)} where action = ${sqlText(this.engine, action.name)}`);
    return previous;
  }

  /**
   * After the action succeeded: the version its table now has. A table or view: its
   * fingerprint. An incremental whose merge changed nothing: the version it had. Anything else
   * (an untracked input, a changed incremental, an operation's output): a new value, which no
   * later fingerprint matches.
   */
  async remember(action: Action, outcome: ActionOutcome, known: { fingerprint?: string; previousVersion?: string }): Promise<void> {
    const writesTable = action.kind === "table" || action.kind === "view" || action.kind === "incremental" || (action.kind === "operation" && action.compiled.hasOutput);
    if (!writesTable) return;
    const keptItsContent =
      action.kind === "incremental" &&
      outcome.merged === true &&
      outcome.rowsAffected === 0 &&
      noStatements(action.compiled.incrementalPreOps, action.compiled.incrementalPostOps);
    const version = (keptItsContent ? known.previousVersion : known.fingerprint) ?? `run:${randomUUID()}`;
    this.versions.set(action.name, version);
    this.existingTables.add(action.name);
    const row = [action.name, version, new Date().toISOString()].map((value) => sqlText(this.engine, value));
    await this.write(`insert into ${this.engine.quoteTable(STATE_TABLE)} (action, version, built_at) values (${row.join(", ")})`);
  }

  /** A hash of the table's definition and its inputs' versions; undefined when an input has none (untracked). */
  private fingerprint(action: Action & { compiled: CompiledTable }): string | undefined {
    const inputs: [string, string][] = [];
    for (const dependency of [...action.dependencies].sort()) {
      const version = this.versionOf(dependency);
      if (version === undefined) return undefined;
      inputs.push([dependency, version]);
    }
    const { compiled } = action;
    const definition = { kind: action.kind, target: action.target, query: compiled.query, bigquery: compiled.bigquery ?? null, inputs };
    return createHash("sha256").update(JSON.stringify(definition)).digest("hex");
  }

  private versionOf(name: string): string | undefined {
    if (this.actions.get(name)?.kind === "declaration") return this.bronzeVersions.get(name);
    return this.versions.get(name);
  }

  private write(sql: string): Promise<unknown> {
    const next = this.writes.then(() => this.engine.execute(sql, { actionName: "update build state" }));
    // The chain goes on after a failure; the failure itself reaches the caller.
    this.writes = next.catch(() => undefined);
    return next;
  }
}

/** True when none of the lists holds a statement (Dataform leaves blank ones; the runner skips them too). */
function noStatements(...lists: (string[] | undefined)[]): boolean {
  return lists.every((statements) => (statements ?? []).every((statement) => !statement.trim()));
}

/** Bronze tables by schema.name: a hash of the parts the manifest lists for each (empty tables included). */
async function bronzeTableVersions(engine: Engine, bronzeTables: readonly string[]): Promise<Map<string, string>> {
  if (bronzeTables.length === 0) return new Map();
  const manifest = await readManifest(engine);
  const versions = new Map<string, string>();
  for (const table of bronzeTables) {
    const parts = manifest
      .filter((entry) => entry.bronzeTable === table)
      .map((entry) => `${entry.file}\t${entry.sha256}\t${entry.records}`)
      .sort();
    versions.set(table, `bronze:${createHash("sha256").update(parts.join("\n")).digest("hex")}`);
  }
  return versions;
}
