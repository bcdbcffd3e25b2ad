/**
 * c360_changes.affected_profiles finds the affected customers and marks what reached each;
 * customer_information keeps the stored row of a customer that only web events and new orders
 * reached when they cannot have changed it. That is exact only while every reason that makes a
 * customer affected is seen there: affected_customers is therefore affected_profiles' list of
 * keys, not a second definition that could gain a reason affected_profiles misses (the behaviour
 * itself is checked end to end in incremental-gold.slow.test.ts).
 */
import { describe, expect, it } from "vitest";
import { compiledProject, REPO_ROOT } from "../helpers/project.js";

function tableOf(name: string) {
  const table = (compiledProject(REPO_ROOT).graph.tables ?? []).find((candidate) => candidate.target.name === name);
  if (!table) throw new Error(`the project has no table ${name}`);
  return table;
}

describe("c360_changes.affected_profiles", () => {
  it("is the one definition of the affected customers: affected_customers reads nothing else and selects its keys as they are", () => {
    const customers = tableOf("affected_customers");
    expect((customers.dependencyTargets ?? []).map((target) => `${target.schema}.${target.name}`)).toEqual(["c360_changes.affected_profiles"]);
    expect(customers.query?.replace(/\s+/g, " ").trim()).toMatch(/^select customer_key from \S*affected_profiles\S*$/);
  });
});
