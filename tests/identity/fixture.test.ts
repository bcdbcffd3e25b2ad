/**
 * Identity resolution over the hand-written fixture (tests/fixtures/landing.README.md,
 * "Shared values" and "Expected customers"): which identifier ends in which customer, its
 * customer_key and the rule that joined it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SilverBuild } from "../staging/silver-harness.js";
import { clusters, identityMap, type MappedIdentifier, md5 } from "./identity-helpers.js";

let build: SilverBuild;
let map: Map<string, MappedIdentifier>;
beforeAll(async () => {
  build = await SilverBuild.ofSharedFixture();
  map = await identityMap(build);
});
afterAll(async () => {
  await build.close();
});

describe("customer_identity_map on the fixture", () => {
  it("resolves the 31 identifiers into the README's 20 customers", () => {
    expect(clusters(map)).toEqual([
      ["crm:C1001", "loyalty:L0001", "shop:S2001", "support:5001", "web:a-jane-1"],
      ["crm:C1002", "shop:S2002"],
      ["crm:C1003", "shop:S2003"],
      ["crm:C1005", "loyalty:L0005"],
      ["crm:C1006"],
      ["crm:C1007"],
      ["crm:C1008"],
      ["crm:C1009", "crm:C1010", "crm:C1011", "shop:S2006"],
      ["crm:C1012", "crm:C1013"],
      ["loyalty:L0002"],
      ["loyalty:L0006"],
      ["loyalty:L0008"],
      ["shop:S2004"],
      ["shop:S2005"],
      ["support:5002"],
      ["support:5003"],
      ["support:5004"],
      ["web:a-dan-phone"],
      ["web:a-mia"],
      ["web:a-shared-tablet"],
    ]);
  });

  it("keys each customer by the MD5 of its smallest member (the README's keys)", () => {
    const keys = Object.fromEntries(clusters(map).map((members) => [members[0], map.get(members[0])!.customerKey]));
    expect(keys["crm:C1001"]).toBe("8788c40c714f565dd96392d62b518221");
    expect(keys["crm:C1009"]).toBe("3f3f4ac2f62eb3f74c56f74be954d4df");
    expect(keys["shop:S2004"]).toBe("9f303efd294eda22cf42e8f1272863c5");
    expect(keys["web:a-shared-tablet"]).toBe("698e3e440e27fc9fade6fcb670845692");
    for (const [minMember, key] of Object.entries(keys)) expect(key).toBe(md5(minMember));
  });

  it("records the rule that joined each identifier", () => {
    expect(Object.fromEntries([...map].map(([node, mapped]) => [node, mapped.rule]))).toEqual({
      "crm:C1001": "email",
      "crm:C1002": "email",
      "crm:C1003": "email",
      "crm:C1005": "phone",
      "crm:C1006": "none",
      "crm:C1007": "none",
      "crm:C1008": "none",
      "crm:C1009": "email",
      "crm:C1010": "email",
      "crm:C1011": "email",
      "crm:C1012": "phone",
      "crm:C1013": "phone",
      "loyalty:L0001": "email",
      "loyalty:L0002": "none",
      "loyalty:L0005": "phone",
      "loyalty:L0006": "none",
      "loyalty:L0008": "none",
      "shop:S2001": "email",
      "shop:S2002": "email",
      "shop:S2003": "email",
      "shop:S2004": "none",
      "shop:S2005": "none",
      "shop:S2006": "email",
      "support:5001": "email",
      "support:5002": "none",
      "support:5003": "none",
      "support:5004": "none",
      "web:a-dan-phone": "none",
      "web:a-jane-1": "anonymous_id",
      "web:a-mia": "none",
      "web:a-shared-tablet": "none",
    });
  });

  it("marks exactly the README's shared values, counted per system", async () => {
    expect(await build.query("select value_kind, value, crm_accounts, shop_accounts, loyalty_accounts from c360_identity.identity_shared_values where is_shared order by value_kind, value")).toEqual([
      { value_kind: "email", value: "info@acme.example", crm_accounts: 4, shop_accounts: 1, loyalty_accounts: 0 },
      { value_kind: "phone", value: "+16465550100", crm_accounts: 4, shop_accounts: 0, loyalty_accounts: 1 },
    ]);
    expect(await build.query("select crm_accounts, shop_accounts, is_shared from c360_identity.identity_shared_values where value = 'family.kim@example.com'")).toEqual([
      { crm_accounts: 3, shop_accounts: 1, is_shared: false },
    ]);
  });

  it("ignores records after as_of_date: C1001's later email, L0007, ticket 5005, order O3010, event m-302", async () => {
    const identifiers = await build.query("select node from c360_identity.identity_identifiers order by node");
    const nodes = identifiers.map((row) => String(row.node));
    expect(nodes).not.toContain("loyalty:L0007");
    expect(nodes).not.toContain("support:5005");
    expect(await build.query("select count(*) as n from c360_identity.identity_identifier_values where value = 'jane@newjob.example.com'")).toEqual([{ n: 0 }]);
    expect(map.size).toBe(31);
  });
});
