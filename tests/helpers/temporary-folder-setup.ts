/**
 * Vitest global setup: every temporary file of a test run goes under one fresh folder,
 * removed when the run ends. Set as TMPDIR before the test processes start, so os.tmpdir()
 * points there in every test file and in every CLI the end-to-end tests spawn; without it a
 * run left thousands of folders in the system's temporary directory.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export default function setup(): () => void {
  const runFolder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-test-run-"));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = runFolder;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    fs.rmSync(runFolder, { recursive: true, force: true });
  };
}
