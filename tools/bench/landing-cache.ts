/**
 * Generated landing folders for the benchmark, cached by size, seed and generator version under
 * .cache/landing/ so that generating (timed apart) is paid once per size. The generator
 * runs in a process of its own, so that its memory does not count in the build's peak.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { GENERATOR_VERSION } from "../generator/version.js";

export interface GeneratedLanding {
  landingDir: string;
  truthDir: string;
  /** Seconds spent generating now (0 when the cache had it). */
  seconds: number;
  cached: boolean;
}

export function cachedLanding(repoRoot: string, persons: number, seed: number, asOf: string): GeneratedLanding {
  const base = path.join(repoRoot, ".cache", "landing", `persons-${persons}-seed-${seed}-asof-${asOf}-generator-${GENERATOR_VERSION}`);
  const landingDir = path.join(base, "landing");
  const truthDir = path.join(base, "truth");
  const completeMarker = path.join(base, ".complete");
  if (fs.existsSync(completeMarker)) return { landingDir, truthDir, seconds: 0, cached: true };
  fs.rmSync(base, { recursive: true, force: true });
  fs.mkdirSync(base, { recursive: true });
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(repoRoot, "scripts/generate-landing.ts"), "--persons", String(persons), "--seed", String(seed), "--as-of", asOf, "--out", landingDir, "--truth", truthDir],
    { cwd: repoRoot, stdio: ["ignore", "inherit", "inherit"] },
  );
  if (result.status !== 0) throw new Error(`generating ${persons} persons failed (exit ${result.status})`);
  fs.writeFileSync(completeMarker, new Date().toISOString());
  return { landingDir, truthDir, seconds: (performance.now() - started) / 1000, cached: false };
}
