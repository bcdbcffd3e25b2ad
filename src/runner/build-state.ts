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
 * Once the state table exists every run keeps it true, with or without the flag: before the
 * first action runs, every planned action that writes a table loses its row (one statement),
 * and when the run ends the versions they have then are written back (one more): the new one
 * of each action that succeeded, the recorded one of each that did not run (skipped as
 * unchanged, or after a failure upstream), none for one that failed. A run killed half-way
 * leaves no version for any table it planned to write, which it may have changed: the next run
 * builds them again. Two statements a run, instead of a delete and an insert around every
 * action (each a commit of its own on DuckDB, a DML job on BigQuery).
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
  /** When each version was built: recorded ones, replaced as actions run. */
  private readonly builtAt: Map<string, string>;
  /** The actions whose rows begin() took out of the state table, to be written back by finish(). */
  private readonly taken = new Set<string>();

  private constructor(
    private readonly engine: Engine,
    private readonly actions: Map<string, Action>,
    recorded: Map<string, { version: string; builtAt: string }>,
    private readonly bronzeVersions: Map<string, string>,
    private readonly existingTables: Set<string>,
    readonly skipUnchanged: boolean,
  ) {
    this.versions = new Map([...recorded].map(([name, row]) => [name, row.version]));
    this.builtAt = new Map([...recorded].map(([name, row]) => [name, row.builtAt]));
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
    const rows = await engine.query(`select action, version, built_at from ${engine.quoteTable(STATE_TABLE)}`, { actionName: "read build state" });
    const recorded = new Map(rows.map((row) => [String(row.action), { version: String(row.version), builtAt: String(row.built_at) }]));
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

  /**
   * Before any of the planned actions runs: the rows of those that write a table leave the
   * state table, so that a run killed half-way leaves no version for a table it may have
   * changed. finish() writes back the versions they have at the end.
   */
  async begin(planned: Action[]): Promise<void> {
    const names = planned.filter(writesTable).map((action) => action.name);
    for (const name of names) this.taken.add(name);
    const recorded = names.filter((name) => this.versions.has(name));
    if (recorded.length === 0) return;
    const list = recorded.map((name) => sqlText(this.engine, name)).join(", ");
    await this.engine.execute(`delete from ${this.engine.quoteTable(STATE_TABLE)} where action in (${list})`, { actionName: "update build state" });
  }

  /** Before the action changes its table: its recorded version no longer vouches for it. Returns that version. */
  forget(action: Action): string | undefined {
    const previous = this.versions.get(action.name);
    this.versions.delete(action.name);
    return previous;
  }

  /**
   * After the action succeeded: the version its table now has. A table or view: its
   * fingerprint. An incremental whose merge changed nothing: the version it had. Anything else
   * (an untracked input, a changed incremental, an operation's output): a new value, which no
   * later fingerprint matches.
   */
  remember(action: Action, outcome: ActionOutcome, known: { fingerprint?: string; previousVersion?: string }): void {
    if (!writesTable(action)) return;
    const keptItsContent =
      action.kind === "incremental" &&
      outcome.merged === true &&
      outcome.rowsAffected === 0 &&
      noStatements(action.compiled.incrementalPreOps, action.compiled.incrementalPostOps);
    const version = (keptItsContent ? known.previousVersion : known.fingerprint) ?? `run:${randomUUID()}`;
    this.versions.set(action.name, version);
    this.builtAt.set(action.name, new Date().toISOString());
    this.existingTables.add(action.name);
  }

  /**
   * When the run ends, however it ends: the versions of the actions begin() took out, as they
   * are now (one statement, so all of them or none).
   */
  async finish(): Promise<void> {
    const rows = [...this.taken]
      .filter((name) => this.versions.has(name))
      .map((name) => `(${[name, this.versions.get(name)!, this.builtAt.get(name) ?? new Date().toISOString()].map((value) => sqlText(this.engine, value)).join(", ")})`);
    this.taken.clear();
    if (rows.length === 0) return;
    await this.engine.execute(`insert into ${this.engine.quoteTable(STATE_TABLE)} (action, version, built_at) values ${rows.join(",\n")}`, { actionName: "update build state" });
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

}

/** Whether the action writes a table whose version is kept. */
function writesTable(action: Action): boolean {
  return action.kind === "table" || action.kind === "view" || action.kind === "incremental" || (action.kind === "operation" && action.compiled.hasOutput === true);
}

/** True when none of the lists holds a statement (Dataform leaves blank ones; the runner skips them too). */
export function noStatements(...lists: (string[] | undefined)[]): boolean {
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
