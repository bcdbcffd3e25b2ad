/**
 * What the framework's benchmark (src/bench/) builds for this project: a generated landing
 * folder of a number of persons, grown by about 1 % new events and orders for the
 * incremental build (every Nth record with incrementEvery), and the layers of ARCHITECTURE.md as the tags of their actions.
 */
import type { BenchWorkload } from "../../src/bench/run-bench.js";
import { removeIncrement, writeIncrement } from "./increment.js";
import { cachedLanding } from "./landing-cache.js";

/**
 * The layers of ARCHITECTURE.md in build order, as the tags of their actions; "changes" holds
 * what an incremental build diffs against its last saved state (between identity and gold).
 */
export const LAYERS = ["staging", "identity", "changes", "marts", "reporting"] as const;

/** What the incremental run found changed since the full build (definitions/changes/), counted after it. */
const CHANGE_TABLES = ["c360_changes.affected_customers", "c360_changes.affected_orders", "c360_changes.affected_interactions", "c360_changes.identity_map_changes"];

export function generatedWorkload(options: { repoRoot: string; persons: number; seed: number; asOf: string; incrementEvery?: number }): BenchWorkload {
  const { repoRoot, persons, seed, asOf, incrementEvery } = options;
  return {
    description: `${persons.toLocaleString("en-US")} persons (seed ${seed})`,
    vars: { as_of_date: asOf },
    landing: () => cachedLanding(repoRoot, persons, seed, asOf),
    writeIncrement: async (landingDir) => {
      const { events, orders } = await writeIncrement(landingDir, incrementEvery);
      return { events, orders };
    },
    removeIncrement,
    layers: LAYERS,
    countAfterIncremental: CHANGE_TABLES,
  };
}
