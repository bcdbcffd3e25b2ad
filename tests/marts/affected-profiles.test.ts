/**
 * c360_changes.affected_profiles marks the customers of affected_customers that only web events
 * touched; customer_information keeps the stored row of such a customer whose first event is
 * still its first sighting. That is exact only while affected_profiles finds every other change
 * that affected_customers finds: a source that affected_customers starts reading must be read
 * here too (the behaviour itself is checked end to end in incremental-gold.slow.test.ts).
 */
import { describe, expect, it } from "vitest";
import { compiledProject, REPO_ROOT } from "../helpers/project.js";

/** What affected_customers reads for events only: every accepted delivery of an affected event. */
const EVENT_ONLY_INPUTS = ["c360_staging.int_web__events_checked"];

function inputsOf(name: string): string[] {
  const table = (compiledProject(REPO_ROOT).graph.tables ?? []).find((candidate) => candidate.target.name === name);
  if (!table) throw new Error(`the project has no table ${name}`);
  return (table.dependencyTargets ?? []).map((target) => `${target.schema}.${target.name}`).sort();
}

describe("c360_changes.affected_profiles", () => {
  it("reads every table that affected_customers reads, but the events' deliveries, and affected_customers itself (no more, no less)", () => {
    const customers = inputsOf("affected_customers");
    const profiles = inputsOf("affected_profiles");
    expect(customers).toEqual(expect.arrayContaining(EVENT_ONLY_INPUTS));
    const expected = new Set([...customers.filter((input) => !EVENT_ONLY_INPUTS.includes(input)), "c360_changes.affected_customers"]);
    expect(profiles).toEqual([...expected].sort());
  });
});
