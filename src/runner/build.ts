/**
 * One build, as every caller runs it (`c360 build`, `run`, `test`, the benchmark):
 * compile the project for its target, load the project's landing sources into bronze (when
 * asked and when it declares any: a project without sources has no load step), then run
 * the actions and their tests. Callers say what to print and time through callbacks; the
 * order of the steps and what each is given live here only.
 */
import type { ProjectContext } from "../config/project.js";
import { bronzeTableName } from "../config/landing-sources.js";
import type { Engine } from "../engines/engine.js";
import type { FileLoadReport, LoadReport } from "../loader/index.js";
import type { ActionResult } from "./results.js";
import { BUILD_KINDS, type CompiledProject, compileForTarget, executeActions, type ExecutionOptions, RUN_KINDS, TEST_KINDS } from "./session.js";

/**
 * Which actions to execute:
 * - build: tables, views, operations and their tests in one plan, each test right after
 *   what it guards (a failed test skips what depends on the data it guards);
 * - run / test: only the actions, or only the assertions and unit tests;
 * - run-then-test: every action, then every test as a phase of its own (timed apart).
 */
export type BuildSteps = "build" | "run" | "test" | "run-then-test";

export interface LoadStepOptions {
  fullRefresh?: boolean;
  verifyChecksums?: boolean;
  /** false: always the framework's parsers (LoadOptions.engineReader). */
  engineReader?: boolean;
  /** Before the load starts (e.g. to say which folder is read). */
  onStart?: (landingDir: string) => void;
  /** Once the parts to read are known (LoadOptions.onPlan). */
  onPlan?: (toRead: { parts: number; bytes: number }) => void;
  onFile?: (report: FileLoadReport) => void;
}

export interface PhaseTiming {
  phase: "compile" | "load" | "run" | "test" | "build";
  seconds: number;
}

export interface BuildOptions {
  engine: Engine;
  steps: BuildSteps;
  /** Load the landing folder first (skipped, with load undefined in the outcome, when the project declares no sources). */
  load?: LoadStepOptions | false;
  /**
   * Without a load step: refuse to run when bronze and the load manifest disagree (a load did
   * not complete; ARCHITECTURE.md "a run trusts only a complete load"). Default true.
   */
  checkBronze?: boolean;
  /** A project already compiled for this target (e.g. the benchmark's incremental build); compiled here otherwise. */
  project?: CompiledProject;
  execution: Omit<ExecutionOptions, "bronzeTables">;
  onCompiled?: (project: CompiledProject) => void;
  onLoaded?: (report: LoadReport) => void;
  onPhase?: (timing: PhaseTiming) => void;
}

export interface BuildOutcome {
  project: CompiledProject;
  load?: LoadReport;
  /** Every executed action's result, in the order they finished (run's before test's for run-then-test). */
  results: ActionResult[];
  /** run-then-test: the two phases' results apart. */
  runResults: ActionResult[];
  testResults: ActionResult[];
  phases: PhaseTiming[];
}

/** The load step alone (also `c360 seed`): the project's landing sources from its landing folder into bronze. */
export async function loadProjectSources(engine: Engine, context: ProjectContext, step: LoadStepOptions): Promise<LoadReport> {
  step.onStart?.(context.landingDir);
  // Loaded on demand: commands that only compile or run need none of the parsers.
  const { loadLandingFolder } = await import("../loader/index.js");
  return loadLandingFolder(engine, context.landingDir, context.landingSources, {
    fullRefresh: step.fullRefresh,
    verifyChecksums: step.verifyChecksums,
    engineReader: step.engineReader,
    onPlan: step.onPlan,
    onFile: step.onFile,
  });
}

async function timed<T>(phase: PhaseTiming["phase"], phases: PhaseTiming[], onPhase: BuildOptions["onPhase"], work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const value = await work();
  const timing = { phase, seconds: (performance.now() - started) / 1000 };
  phases.push(timing);
  onPhase?.(timing);
  return value;
}

export async function runBuild(context: ProjectContext, options: BuildOptions): Promise<BuildOutcome> {
  const { engine, onPhase } = options;
  const phases: PhaseTiming[] = [];
  const project = options.project ?? (await timed("compile", phases, onPhase, () => compileForTarget(context)));
  options.onCompiled?.(project);

  const bronzeTables = context.landingSources.map(bronzeTableName);
  let load: LoadReport | undefined;
  const loadStep = options.load;
  if (loadStep && context.landingSources.length > 0) {
    load = await timed("load", phases, onPhase, () => loadProjectSources(engine, context, loadStep));
    options.onLoaded?.(load);
  } else if (options.checkBronze ?? true) {
    const { assertBronzeMatchesManifest } = await import("../loader/consistency.js");
    await assertBronzeMatchesManifest(engine, bronzeTables);
  }

  const execution: ExecutionOptions = { ...options.execution, bronzeTables };
  const execute = (phase: PhaseTiming["phase"], kinds: typeof RUN_KINDS) => timed(phase, phases, onPhase, () => executeActions(engine, project, kinds, execution));
  let runResults: ActionResult[] = [];
  let testResults: ActionResult[] = [];
  let results: ActionResult[];
  switch (options.steps) {
    case "build":
      results = await execute("build", BUILD_KINDS);
      break;
    case "run":
      results = runResults = await execute("run", RUN_KINDS);
      break;
    case "test":
      results = testResults = await execute("test", TEST_KINDS);
      break;
    case "run-then-test":
      runResults = await execute("run", RUN_KINDS);
      testResults = await execute("test", TEST_KINDS);
      results = [...runResults, ...testResults];
      break;
  }
  return { project, load, results, runResults, testResults, phases };
}
