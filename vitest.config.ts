import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: ["**/node_modules/**", "tests/fixtures/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB and the ZetaSQL service use native threads; forks keep them isolated per file.
    pool: "forks",
    globalSetup: ["./tests/helpers/temporary-folder-setup.ts"],
    reporters: ["default", "./tests/helpers/closing-line-reporter.ts"],
  },
});
