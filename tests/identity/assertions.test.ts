/**
 * The identity assertions can fail: after a clean build of the fixture, tampering with the
 * identity tables makes each one report exactly the damage.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SilverBuild } from "../staging/silver-harness.js";

let build: SilverBuild;
beforeAll(async () => {
  build = await SilverBuild.ofSharedFixture();
});
afterAll(async () => {
  await build.close();
});

describe("identity assertions", () => {
  it("pass on a clean build", async () => {
    for (const name of ["assert_identity_components_converged", "assert_identity_map_covers_every_identifier", "assert_identity_no_shared_value_links"]) {
      expect(await build.assertionRows(name), name).toEqual([]);
    }
  });

  it("report unmapped, twice-mapped and unknown identifiers, and links split across customers", async () => {
    await build.engine.execute("delete from c360.customer_identity_map where source_system = 'crm' and source_id = 'C1006'");
    await build.engine.execute("insert into c360.customer_identity_map values ('web', 'a-mia', 'x', 'none'), ('web', 'a-ghost', 'y', 'none')");
    await build.engine.execute("update c360.customer_identity_map set customer_key = 'split' where source_system = 'shop' and source_id = 'S2002'");
    const rows = await build.assertionRows("assert_identity_map_covers_every_identifier");
    expect(rows.map((row) => `${row.source_system}|${row.source_id}|${row.problem}`).sort()).toEqual([
      "crm:C1002|shop:S2002|linked by email but in different customers",
      "crm|C1006|not mapped",
      "web|a-ghost|mapped but not an accepted identifier",
      "web|a-mia|mapped 2 times",
    ]);
  });

  it("report a link through a value over max_accounts_per_identifier", async () => {
    await build.engine.execute("insert into c360_identity.identity_edges values ('crm:C1005', 'crm:C1006', 'email', 'info@acme.example')");
    expect(await build.assertionRows("assert_identity_no_shared_value_links")).toEqual([
      { customer_key: "d68103ff97102c9f94c9bc5b21c69aa0", node_a: "crm:C1005", node_b: "crm:C1006", rule: "email", value: "info@acme.example" },
    ]);
  });

  it("report a last step that still changed labels", async () => {
    await build.engine.execute("update c360_identity.identity_component_iterations set labels_changed = 3 where step = 12");
    expect(await build.assertionRows("assert_identity_components_converged")).toEqual([
      { step: 12, nodes: 17, labels_changed: 3, max_iterations: 12, problem: "the last step still changed labels: raise identity_max_iterations" },
    ]);
  });
});
