import { defineConfig } from "vitest/config";
import { longestFirstSequencer } from "./tests/helpers/longest-first-sequencer.js";

/**
 * Test files that build on DuckDB, run the CLI or the stock Dataform CLI, or read generated
 * folders: the integration project. Every other test file is a unit test (fast, no engine).
 * A new slow test file belongs here (or, if it takes minutes, in SLOW below).
 */
const INTEGRATION = [
  "tests/cli/**/*.test.ts",
  "tests/marts/**/*.test.ts",
  "tests/staging/**/*.test.ts",
  "tests/identity/**/*.test.ts",
  "tests/reporting/**/*.test.ts",
  "tests/includes/**/*.test.ts",
  "tests/browser/**/*.test.ts",
  "tests/dashboard/**/*.test.ts",
  "tests/loader/atomic-load.test.ts",
  "tests/**/*.e2e.test.ts",
  "tests/**/*.integration.test.ts",
  "tests/loader/fast-load.test.ts",
  "tests/loader/index.test.ts",
  "tests/loader/stagers.test.ts",
  "tests/compile/compile.test.ts",
  "tests/check/check-project.test.ts",
  "tests/tools/generator/generate-landing.test.ts",
  "tests/runner/build-state.test.ts",
  "tests/runner/model-fits.test.ts",
];

/**
 * The longest files of `npm test` (a quiet 2-core machine, longest first): they start first in
 * their project, so none of them starts last and keeps one core busy after the other is done
 * (see tests/helpers/longest-first-sequencer.ts). Measure again when a file grows long.
 */
const START_FIRST = [
  "tests/staging/incremental.test.ts",
  "tests/browser/pages.e2e.test.ts",
  "tests/identity/components.test.ts",
  "tests/loader/fast-load.test.ts",
  "tests/cli/cli.e2e.test.ts",
  "tests/marts/predictive-generated.test.ts",
  "tests/loader/atomic-load.test.ts",
  "tests/diff/diff.integration.test.ts",
  "tests/staging/as-of.test.ts",
  "tests/cli/query-concurrency.e2e.test.ts",
  "tests/check/check-project.test.ts",
  "tests/runner/model-fits.test.ts",
  "tests/loader/stagers.test.ts",
  "tests/loader/index.test.ts",
  "tests/compile/graph-cache.test.ts",
];

/**
 * Suites too slow for `npm test` (minutes: large generated folders, long fault trials): the
 * slow project, run by `npm run test:slow` and by CI (.ci/run), never by `npm test`.
 */
const SLOW = ["tests/**/*.slow.test.ts"];

const EXCLUDED = ["**/node_modules/**", "tests/fixtures/**"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB and the ZetaSQL service use native threads; forks keep them isolated per file.
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core machine.
    // The tests wait on DuckDB and subprocesses often enough that one worker per core pays.
    maxWorkers: 2,
    reporters: ["default", "./tests/helpers/closing-line-reporter.ts"],
    sequence: { sequencer: longestFirstSequencer(START_FIRST) },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/**/*.test.ts"],
          exclude: [...EXCLUDED, ...INTEGRATION, ...SLOW],
          globalSetup: ["./tests/helpers/temporary-folder-setup.ts"],
          // Each worker imports the framework once for all its unit files rather than once per
          // file (about three times faster); unit files change no global state they do not restore.
          isolate: false,
          // Runs first: a broken unit fails the run in seconds.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: INTEGRATION,
          exclude: [...EXCLUDED, ...SLOW],
          // The seeds database is built and the repository checked once per run, in the run's
          // temporary folder; the CLI is bundled once for the tests that start it as a process.
          globalSetup: ["./tests/helpers/temporary-folder-setup.ts", "./tests/helpers/cli-bundle-setup.ts", "./tests/helpers/seeds-database-setup.ts"],
          // A beforeAll may wait for that build: on a busy machine it takes more than a minute.
          hookTimeout: 300_000,
          // As for the unit files: one import of the framework, the engines and the harnesses'
          // compiled projects per worker, shared by its files (each still opens its own databases).
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "slow",
          include: SLOW,
          exclude: EXCLUDED,
          globalSetup: ["./tests/helpers/temporary-folder-setup.ts", "./tests/helpers/seeds-database-setup.ts"],
          hookTimeout: 300_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
