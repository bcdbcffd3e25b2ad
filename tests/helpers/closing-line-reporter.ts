/**
 * Ends a vitest run with the plain line "N passed, N failed, N skipped", which CI systems
 * that do not know vitest's own summary can read.
 */
import type { Reporter, TestModule } from "vitest/node";

export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      // A file that failed outside its tests (an import, a beforeAll) counts once as failed:
      // its tests were skipped, and the line must not read "0 failed".
      const moduleFailed = testModule.state() === "failed";
      if (moduleFailed && ![...testModule.children.allTests()].some((testCase) => testCase.result().state === "failed")) failed++;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
