/**
 * Builds this repository's real DAG (bronze → silver → identity → gold) on an in-memory
 * DuckDB over a landing folder, the way `c360 build` does: the loader fills bronze, the
 * runner executes the compiled actions with their assertions.
 */
import path from "node:path";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import type { Row } from "../../src/engines/engine.js";
import type { IndirectSelection } from "../../src/graph/selection.js";
import { loadLandingFolder } from "../../src/loader/index.js";
import type { ActionResult } from "../../src/runner/results.js";
import { BUILD_KINDS, type CompiledProject, executeActions } from "../../src/runner/session.js";
import { compiledProject, PROJECT_SOURCES, REPO_ROOT } from "../helpers/project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";
import { openSeedsDatabase } from "../helpers/seeds-database.js";
import { SILVER_VARS } from "../staging/silver-project.js";

export const FIXTURE_LANDING = path.join(REPO_ROOT, "tests/fixtures/landing");

/**
 * The silver tests' vars: the seeds database (built with these) is the silver tests' fixture
 * too (SilverBuild.ofSharedFixture), so the two must not differ.
 */
export const GOLD_VARS = SILVER_VARS;

/** The published tables of METRICS.md (customer_identity_map is built by identity). */
export const GOLD_TABLES = [
  "customer_information",
  "customer_transactions",
  "customer_interactions",
  "customer_aggregated_metrics",
  "customer_360",
  "kpi_summary",
  "customer_model_parameters",
] as const;

const compiledRepository = new Map<string, CompiledProject>();

export class GoldBuild {
  private constructor(readonly engine: DuckDbEngine) {}

  static async open(databasePath = ":memory:"): Promise<GoldBuild> {
    const options = { connections: 1, threads: 1 };
    return new GoldBuild(databasePath === ":memory:" ? await openMemoryEngine(options) : await DuckDbEngine.open(databasePath, options));
  }

  /**
   * The fixture landing folder built, from the seeds database the test run builds once
   * (tests/helpers/seeds-database.ts): an in-memory copy, so a test may change it freely.
   */
  static async ofSeeds(): Promise<GoldBuild> {
    return new GoldBuild(await openSeedsDatabase());
  }

  /** Opens an engine (in memory unless a file is named), loads the landing folder and builds every action; throws when any action fails. */
  static async build(landingDir: string, vars: Record<string, string> = {}, databasePath = ":memory:"): Promise<GoldBuild> {
    const build = await GoldBuild.open(databasePath);
    try {
      await loadLandingFolder(build.engine, landingDir, PROJECT_SOURCES, { fullRefresh: true });
      const failures = (await build.run({ vars })).filter((result) => result.status !== "success");
      if (failures.length > 0) throw new Error(`build failed:\n${failures.map(describeFailure).join("\n")}`);
      return build;
    } catch (error) {
      await build.close();
      throw error;
    }
  }

  /** The repository compiled with these vars (memoized: tests never change the repository's files). */
  compile(vars: Record<string, string> = {}): CompiledProject {
    const allVars = { ...GOLD_VARS, ...vars };
    const key = JSON.stringify(Object.entries(allVars).sort());
    let project = compiledRepository.get(key);
    if (!project) compiledRepository.set(key, (project = compiledProject(REPO_ROOT, allVars)));
    return project;
  }

  /** Runs the selected actions (all by default) and returns every result, failed or not. */
  async run(options: { select?: string[]; exclude?: string[]; indirect?: IndirectSelection; vars?: Record<string, string> } = {}): Promise<ActionResult[]> {
    return executeActions(this.engine, this.compile(options.vars), BUILD_KINDS, {
      select: options.select,
      exclude: options.exclude,
      selection: { indirect: options.indirect ?? "eager" },
      threads: 1,
    });
  }

  async query(sql: string): Promise<Row[]> {
    return this.engine.query(sql);
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}

export function describeFailure(result: ActionResult): string {
  return `${result.name}: ${result.status} ${result.error ?? result.skippedBecause ?? ""} ${JSON.stringify(result.sample ?? [])}`;
}

/** Rows keyed by a column, for comparing per-customer expectations. */
export function byKey(rows: Row[], key: string): Map<string, Row> {
  return new Map(rows.map((row) => [String(row[key]), row]));
}
