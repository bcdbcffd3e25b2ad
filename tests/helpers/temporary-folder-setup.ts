/**
 * Vitest global setup: every temporary file of a test run goes under one fresh folder,
 * removed when the run ends. Set as TMPDIR before the test processes start, so os.tmpdir()
 * points there in every test file and in every CLI the end-to-end tests spawn; without it a
 * run left thousands of folders in the system's temporary directory. Each project of
 * vitest.config.ts lists it; the first to start makes the folder, the last to end removes it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const RUN_FOLDER = "C360_TEST_RUN_FOLDER";
// On globalThis: each project may load this module apart, all in vitest's one main process.
const shared = ((globalThis as { c360TestRunFolder?: { users: number; previous?: string } }).c360TestRunFolder ??= { users: 0 });

export default function setup(): () => void {
  if (shared.users++ === 0) {
    shared.previous = process.env.TMPDIR;
    const runFolder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-test-run-"));
    process.env[RUN_FOLDER] = runFolder;
    process.env.TMPDIR = runFolder;
  }
  return () => {
    if (--shared.users > 0) return;
    const runFolder = process.env[RUN_FOLDER];
    if (shared.previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = shared.previous;
    delete process.env[RUN_FOLDER];
    if (runFolder) fs.rmSync(runFolder, { recursive: true, force: true });
  };
}
