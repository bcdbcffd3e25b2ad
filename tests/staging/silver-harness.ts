/**
 * Builds the real silver (staging + identity) DAG of this repository on an in-memory
 * DuckDB over a landing folder: the loader fills bronze, the runner executes the compiled
 * actions. The project is compiled from a temporary copy holding only the layers under
 * test (sources, staging, identity, their assertions, includes), so gold work in progress
 * elsewhere in the tree cannot break these tests.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect } from "vitest";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import type { Row } from "../../src/engines/engine.js";
import { loadLandingFolder } from "../../src/loader/index.js";
import type { ActionResult } from "../../src/runner/results.js";
import { BUILD_KINDS, type CompiledProject, executeActions } from "../../src/runner/session.js";
import { compiledProject, PROJECT_SOURCES } from "../helpers/project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";
import { openSeedsDatabase } from "../helpers/seeds-database.js";
import { FIXTURE_LANDING, SILVER_SELECTION, SILVER_VARS, writeSilverProject } from "./silver-project.js";

export { FIXTURE_LANDING, SILVER_VARS } from "./silver-project.js";

/**
 * Under the run's temporary folder (tests/helpers/temporary-folder-setup.ts), removed when the
 * run ends. No per-file cleanup hook: test files may share this module (vitest isolate: false),
 * and then they share the copied project and its compiled forms too.
 */
let temporaryRoot: string | undefined;
/** One copy of the silver layers per worker: no test changes it, every build compiles it. */
let sharedProject: string | undefined;
/** Compiled projects by folder and vars: compiling is the slowest step of a small build. */
const compiled = new Map<string, CompiledProject>();

/** A fresh folder under one temporary root, removed with the run's temporary folder. */
export function temporaryFolder(prefix: string): string {
  temporaryRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), "c360-silver-tests-"));
  return fs.mkdtempSync(path.join(temporaryRoot, prefix));
}

/** A temporary copy of the repository's silver layers; returns its folder. */
export function copySilverProject(): string {
  return writeSilverProject(temporaryFolder("project-"));
}

/** Writes a landing folder (paths relative to it → file content). */
export function writeLanding(files: Record<string, string>, folder = temporaryFolder("landing-")): string {
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(folder, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return folder;
}

export const COUNTRIES_CSV = [
  "alpha2,alpha3,name",
  "US,USA,United States of America",
  "GB,GBR,United Kingdom",
  "IT,ITA,Italy",
  "DE,DEU,Germany",
  "FR,FRA,France",
  "CA,CAN,Canada",
  'KR,KOR,"Korea, Republic of"',
  "",
].join("\n");

export interface BuildOptions {
  select?: string[];
  /** Actions left out of the selection (say, a save, as if the build had failed before it). */
  exclude?: string[];
  fullRefresh?: boolean;
  vars?: Record<string, string>;
}

export class SilverBuild {
  private constructor(
    readonly engine: DuckDbEngine,
    readonly projectDir: string,
  ) {}

  static async open(projectDir = (sharedProject ??= copySilverProject())): Promise<SilverBuild> {
    return new SilverBuild(await openMemoryEngine({ connections: 1, threads: 1 }), projectDir);
  }

  /** A build of the fixture landing folder, run (default: staging and identity); throws when an action fails. */
  static async ofFixture(options: BuildOptions = {}): Promise<SilverBuild> {
    const build = await SilverBuild.open();
    await build.load(FIXTURE_LANDING);
    await build.run(options);
    return build;
  }

  /**
   * The fixture landing folder built, from the seeds database the test run builds once
   * (tests/helpers/seeds-database.ts): an in-memory copy, which a test may change. Its staging
   * and identity tables are those of ofFixture() (SILVER_VARS are the seeds build's vars); the
   * gold tables beside them are the seeds build's too. Actions run on it (assertionRows) are
   * compiled from the silver project, as every SilverBuild's are.
   */
  static async ofSharedFixture(): Promise<SilverBuild> {
    return new SilverBuild(await openSeedsDatabase(), sharedProject ??= copySilverProject());
  }

  /** Loads the landing folder (new parts only unless fullRefresh) into bronze. */
  async load(landingDir: string, fullRefresh = false): Promise<void> {
    await loadLandingFolder(this.engine, landingDir, PROJECT_SOURCES, { fullRefresh });
  }

  /** The project compiled with these vars (memoized: the copied project never changes). */
  compile(vars: Record<string, string> = {}): CompiledProject {
    const allVars = { ...SILVER_VARS, ...vars };
    const key = JSON.stringify([this.projectDir, Object.entries(allVars).sort()]);
    let project = compiled.get(key);
    if (!project) compiled.set(key, (project = compiledProject(this.projectDir, allVars)));
    return project;
  }

  /** Runs the selected actions (default: staging and identity, with their assertions) and returns every result. */
  async results(options: BuildOptions = {}): Promise<ActionResult[]> {
    const project = this.compile(options.vars);
    return executeActions(this.engine, project, BUILD_KINDS, {
      select: options.select ?? SILVER_SELECTION,
      exclude: options.exclude,
      // Only the tests whose every input is selected: eager selection would add gold
      // assertions that also read staging tables, and the harness builds no gold.
      selection: { indirect: "cautious" },
      threads: 1,
      fullRefresh: options.fullRefresh ?? false,
    });
  }

  /** Like results(), but throws when any action fails or is skipped. */
  async run(options: BuildOptions = {}): Promise<ActionResult[]> {
    const results = await this.results(options);
    const failures = results.filter((result) => result.status !== "success");
    if (failures.length > 0) {
      const lines = failures.map((failure) => `${failure.name}: ${failure.status} ${failure.error ?? failure.skippedBecause ?? ""} ${JSON.stringify(failure.sample ?? [])}`);
      throw new Error(`build failed:\n${lines.join("\n")}`);
    }
    return results;
  }

  /** The failing rows of one standalone assertion of c360_assertions ([] when it passes). */
  async assertionRows(name: string): Promise<Record<string, unknown>[]> {
    const [result] = await this.results({ select: [name] });
    expect(result.name).toBe(`c360_assertions.${name}`);
    return result.status === "success" ? [] : (result.sample ?? []);
  }

  async query(sql: string): Promise<Row[]> {
    return this.engine.query(sql);
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}

/**
 * For test files that open a build per test: returns an opener whose builds are closed
 * after each test of the calling file (call it while the file is collected).
 */
export function buildsClosedAfterEachTest(): () => Promise<SilverBuild> {
  let builds: SilverBuild[] = [];
  afterEach(async () => {
    for (const build of builds) await build.close();
    builds = [];
  });
  return async () => {
    const build = await SilverBuild.open();
    builds.push(build);
    return build;
  };
}
