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
 * - a bronze table of the landing catalog: a hash of the load manifest's parts for it.
 * A table or view is skipped only when its version equals the recorded one and it exists.
 *
 * Early cutoff: where the engine can digest a table's content (Engine.contentDigest), a
 * rebuilt table that some table or view reads also records that digest (one more scan of
 * it), and what reads it sees the digest instead of the version. A table rebuilt to the content it had (new orders that bring no new identifier
 * leave the identity graph as it was) then leaves everything downstream of it unchanged.
 *
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
import type { CompiledTable } from "../compile/graph-types.js";
import type { Engine, LoadColumn, TableRef } from "../engines/engine.js";
import type { Action } from "../graph/actions.js";
import { bronzeSchema, LANDING_SOURCES } from "../loader/catalog.js";
import { readManifest, sqlText } from "../loader/manifest.js";
import type { ActionOutcome } from "./execute-action.js";

export const STATE_TABLE: TableRef = { schema: "c360_meta", name: "action_state" };

const STATE_COLUMNS: LoadColumn[] = [
  { name: "action", type: "text" },
  { name: "version", type: "text" },
  { name: "content", type: "text" },
  { name: "built_at", type: "text" },
];

/** Functions whose result changes from one run to the next although nothing upstream did. */
const VOLATILE_SQL = /\b(current_(date|time|timestamp|datetime)|localtime(stamp)?|now|rand|random|uuid|gen_random_uuid|generate_uuid|session_user)\b/i;

export type SkipDecision = { skip: true; version: string } | { skip: false; version?: string };

/** What the state holds for one action: its version and, where digested, its content's. */
interface BuiltVersion {
  version: string;
  content?: string;
}

export class BuildState {
  /** State writes one at a time: concurrent actions would otherwise race on one small table. */
  private writes: Promise<unknown> = Promise.resolve();
  /** Actions some table or view reads: only their digests can let a reader be skipped. */
  private readonly readBySkippable: Set<string>;

  private constructor(
    private readonly engine: Engine,
    private readonly actions: Map<string, Action>,
    /** Recorded versions, replaced as actions run. */
    private readonly built: Map<string, BuiltVersion>,
    private readonly bronzeVersions: Map<string, string>,
    private readonly existingTables: Set<string>,
    readonly skipUnchanged: boolean,
  ) {
    const readers = [...actions.values()].filter((action) => action.kind === "table" || action.kind === "view");
    this.readBySkippable = new Set(readers.flatMap((action) => action.dependencies));
  }

  /** The state of the warehouse; undefined when there is none to keep (no state table, no flag). */
  static async open(engine: Engine, actions: Map<string, Action>, options: { skipUnchanged: boolean }): Promise<BuildState | undefined> {
    const columns = await engine.describeTable(STATE_TABLE);
    if (!columns && !options.skipUnchanged) return undefined;
    const current = columns !== undefined && STATE_COLUMNS.every((column, index) => columns[index]?.name === column.name);
    if (!current) {
      // Missing, or written by another version: the state is a cache, so it starts afresh (everything is rebuilt once).
      await engine.ensureSchema(STATE_TABLE.schema);
      await engine.load({ target: STATE_TABLE, columns: STATE_COLUMNS, rows: [], mode: "replace" });
    }
    const rows = await engine.query(`select action, version, content from ${engine.quoteTable(STATE_TABLE)}`, { actionName: "read build state" });
    const built = new Map(rows.map((row) => [String(row.action), { version: String(row.version), content: row.content === null ? undefined : String(row.content) }]));
    const existingTables = new Set((await engine.listTables()).map((table) => `${table.schema}.${table.name}`));
    return new BuildState(engine, actions, built, await bronzeTableVersions(engine), existingTables, options.skipUnchanged);
  }

  /** Whether the action can be skipped, and the version it has (or will have once built). */
  decide(action: Action): SkipDecision {
    if (action.kind !== "table" && action.kind !== "view") return { skip: false };
    const version = this.fingerprint(action);
    const skippable =
      this.skipUnchanged &&
      version !== undefined &&
      version === this.built.get(action.name)?.version &&
      this.existingTables.has(`${action.target.schema}.${action.target.name}`) &&
      (action.compiled.preOps ?? []).every((statement) => !statement.trim()) &&
      (action.compiled.postOps ?? []).every((statement) => !statement.trim()) &&
      !VOLATILE_SQL.test(action.compiled.query);
    return skippable ? { skip: true, version } : { skip: false, version };
  }

  /** Before the action changes its table: its recorded version no longer vouches for it. Returns what was recorded. */
  async forget(action: Action): Promise<BuiltVersion | undefined> {
    const previous = this.built.get(action.name);
    if (previous === undefined) return undefined;
    this.built.delete(action.name);
    await this.write(`delete from ${this.engine.quoteTable(STATE_TABLE)} where action = ${sqlText(this.engine, action.name)}`);
    return previous;
  }

  /**
   * After the action succeeded: the version its table now has. A table or view: its
   * fingerprint. An incremental whose merge changed nothing: what it had. Anything else (an
   * untracked input, a changed incremental, an operation's output): a new value, which no
   * later fingerprint matches. A table is digested too where the engine can. Returns the
   * engine seconds the digest took.
   */
  async remember(action: Action, outcome: ActionOutcome, known: { fingerprint?: string; previous?: BuiltVersion }): Promise<number> {
    const writesTable = action.kind === "table" || action.kind === "view" || action.kind === "incremental" || (action.kind === "operation" && action.compiled.hasOutput);
    if (!writesTable) return 0;
    const keptItsContent =
      action.kind === "incremental" &&
      outcome.merged === true &&
      outcome.rowsAffected === 0 &&
      [...(action.compiled.incrementalPreOps ?? []), ...(action.compiled.incrementalPostOps ?? [])].every((statement) => !statement.trim());
    let entry: BuiltVersion;
    let seconds = 0;
    if (keptItsContent && known.previous) {
      entry = known.previous;
    } else {
      entry = { version: known.fingerprint ?? `run:${randomUUID()}` };
      if (action.kind === "table" && this.readBySkippable.has(action.name) && this.engine.contentDigest) {
        const digest = await this.engine.contentDigest(action.target, { actionName: action.name });
        entry.content = `content:${digest.digest}`;
        seconds = digest.seconds;
      }
    }
    this.built.set(action.name, entry);
    this.existingTables.add(`${action.target.schema}.${action.target.name}`);
    const values = [action.name, entry.version, entry.content, new Date().toISOString()].map((value) => (value === undefined ? "null" : sqlText(this.engine, value)));
    await this.write(`insert into ${this.engine.quoteTable(STATE_TABLE)} (action, version, content, built_at) values (${values.join(", ")})`);
    return seconds;
  }

  /** A hash of the table's definition and its inputs' versions; undefined when an input has none (untracked). */
  private fingerprint(action: Action & { compiled: CompiledTable }): string | undefined {
    const inputs: [string, string][] = [];
    for (const dependency of [...action.dependencies].sort()) {
      const version = this.versionSeenDownstream(dependency);
      if (version === undefined) return undefined;
      inputs.push([dependency, version]);
    }
    const { compiled } = action;
    const definition = { kind: action.kind, target: action.target, query: compiled.query, bigquery: compiled.bigquery ?? null, inputs };
    return createHash("sha256").update(JSON.stringify(definition)).digest("hex");
  }

  /** What a reader of `name` depends on: its content digest where there is one, else its version. */
  private versionSeenDownstream(name: string): string | undefined {
    if (this.actions.get(name)?.kind === "declaration") return this.bronzeVersions.get(name);
    const entry = this.built.get(name);
    return entry?.content ?? entry?.version;
  }

  private write(sql: string): Promise<unknown> {
    const next = this.writes.then(() => this.engine.execute(sql, { actionName: "update build state" }));
    // The chain goes on after a failure; the failure itself reaches the caller.
    this.writes = next.catch(() => undefined);
    return next;
  }
}

/** Bronze tables of the landing catalog, by schema.name: a hash of the parts the manifest lists for each (empty tables included). */
async function bronzeTableVersions(engine: Engine): Promise<Map<string, string>> {
  const manifest = await readManifest(engine);
  const versions = new Map<string, string>();
  for (const source of LANDING_SOURCES) {
    const table = `${bronzeSchema(source)}.${source.table}`;
    const parts = manifest
      .filter((entry) => entry.bronzeTable === table)
      .map((entry) => `${entry.file}\t${entry.sha256}\t${entry.records}`)
      .sort();
    versions.set(table, `bronze:${createHash("sha256").update(parts.join("\n")).digest("hex")}`);
  }
  return versions;
}
