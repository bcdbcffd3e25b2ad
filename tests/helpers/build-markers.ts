/**
 * What the integration project's global setup builds in the background (the shared databases,
 * the repository check, the bundled CLI) while the first test files run: each build leaves a
 * marker beside what it builds, `<file>.ready` or `<file>.failed` (holding the error), and the
 * tests that need it wait for the marker. Light on purpose (node built-ins only): the global
 * setup imports it before any test starts, and the heavy modules a build needs are imported by
 * the build itself, in the background.
 */
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export const readyMarker = (file: string) => `${file}.ready`;
export const failedMarker = (file: string) => `${file}.failed`;

/** Runs one build and leaves its marker beside its file: ready, or failed with the error. */
export async function buildWithMarker(run: () => Promise<void>, file: string): Promise<void> {
  try {
    await run();
    fs.writeFileSync(readyMarker(file), "");
  } catch (error) {
    fs.writeFileSync(failedMarker(file), error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

/** True once the build of `file` is done; throws the build's error if it failed. */
function built(what: string, file: string): boolean {
  if (fs.existsSync(readyMarker(file))) return true;
  if (fs.existsSync(failedMarker(file))) {
    throw new Error(`the shared ${what} could not be built:\n${fs.readFileSync(failedMarker(file), "utf8")}`);
  }
  return false;
}

/** Waits until the global setup has built `file`; throws the build's error if it failed. */
export async function waitUntilBuilt(what: string, file: string): Promise<void> {
  while (!built(what, file)) await sleep(50);
}

/** waitUntilBuilt for synchronous callers (a spawnSync of the bundled CLI): blocks the thread while it waits. */
export function waitUntilBuiltSync(what: string, file: string): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!built(what, file)) Atomics.wait(pause, 0, 0, 50);
}
