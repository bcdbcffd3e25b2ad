/**
 * Connected components at the edges of what identity resolution must handle: a chain of
 * 50 records linked pairwise (and a longer one) ends in one customer within the bounded
 * number of steps; a star of identifiers on one value links under the limit and not over it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SilverBuild, writeLanding } from "../staging/silver-harness.js";
import { crmCsv, eventsNdjson, membersXml, ordersCsv, referenceFiles, ticketsJson } from "../staging/landing-builder.js";
import { byteOrder, clusters, identityMap, iterations, md5, stepsToConverge } from "./identity-helpers.js";

/**
 * Every identity action (its state saved, as a build saves it) and what it reads, with every
 * assertion on them: the silver build less the staging tables identity does not read (the
 * quarantines, the order lines) and their assertions, which these landings leave idle.
 */
const IDENTITY = { select: ["+save_identity_state", "+identity_component_iterations", "+customer_identity_map"] };

let build: SilverBuild | undefined;
afterEach(async () => {
  await build?.close();
  build = undefined;
});

/**
 * CRM contact k carries email e<k> and phone p<k>; loyalty member k carries e<k> and p<k+1>:
 * C(k) —email— L(k) —phone— C(k+1) — a chain of `records` alternating records. CRM ids
 * decrease along the chain, so the smallest node (the key) sits at the far end from where
 * labels would spread if ids followed the chain.
 */
function chainLanding(records: number): Record<string, string> {
  const contacts = Math.ceil(records / 2);
  const members = Math.floor(records / 2);
  const crmId = (k: number) => `C${String(100000 - k).padStart(6, "0")}`;
  const phone = (k: number) => {
    const digits = String(k).padStart(7, "0");
    return `+1 415 ${digits.slice(0, 3)} ${digits.slice(3)}`;
  };
  return {
    ...referenceFiles(),
    "crm/customers.csv": crmCsv(Array.from({ length: contacts }, (_unused, k) => ({ crm_id: crmId(k), email: `e${k}@chain.test`, phone: phone(k) }))),
    "loyalty/members.xml": membersXml(Array.from({ length: members }, (_unused, k) => ({ id: `L${String(k).padStart(6, "0")}`, email: `e${k}@chain.test`, phone: phone(k + 1) }))),
  };
}

describe("node ids", () => {
  it("number the nodes in byte order, so a component's smallest id is its smallest node", async () => {
    // b-1 —email— a-4 —phone— B-2 —email— Ä-3: byte order puts 'B' before 'a' and 'Ä' last,
    // unlike a case-insensitive or locale order.
    build = await SilverBuild.open();
    await build.load(
      writeLanding({
        ...referenceFiles(),
        "crm/customers.csv": crmCsv([
          { crm_id: "b-1", email: "x@order.test", phone: "+1 415 555 0101" },
          { crm_id: "a-4", email: "x@order.test", phone: "+1 415 555 0102" },
          { crm_id: "B-2", email: "y@order.test", phone: "+1 415 555 0102" },
          { crm_id: "\u00c4-3", email: "y@order.test", phone: "+1 415 555 0103" },
        ]),
      }),
    );
    await build.run(IDENTITY);
    const nodes = (await build.query("select node from c360_identity.identity_nodes order by node_id")).map((row) => String(row.node));
    expect(nodes).toEqual(["crm:B-2", "crm:a-4", "crm:b-1", "crm:\u00c4-3"]);
    expect([...nodes].sort(byteOrder)).toEqual(nodes);
    const map = await identityMap(build);
    expect(new Set([...map.values()].map((mapped) => mapped.customerKey))).toEqual(new Set([md5("crm:B-2")]));
  });
});

describe("long chains", () => {
  it("resolves a chain of 50 records linked pairwise to one customer", async () => {
    build = await SilverBuild.open();
    await build.load(writeLanding(chainLanding(50)));
    await build.run(IDENTITY);
    const map = await identityMap(build);
    expect(map.size).toBe(50);
    const found = clusters(map);
    expect(found).toHaveLength(1);
    // The key is the MD5 of the smallest member: the last CRM contact of the chain.
    expect(found[0][0]).toBe("crm:C099976");
    expect(new Set([...map.values()].map((mapped) => mapped.customerKey))).toEqual(new Set([md5("crm:C099976")]));
    // Each contact links by email first (to its member); members too.
    expect(new Set([...map.values()].map((mapped) => mapped.rule))).toEqual(new Set(["email"]));
    const steps = await iterations(build);
    const needed = stepsToConverge(steps);
    console.log(`chain of 50 records: converged after ${needed} step(s) of ${steps.length - 1}; labels changed per step: ${steps.map((step) => step.labelsChanged).join(", ")}`);
    expect(needed).toBeLessThanOrEqual(8);
    expect(steps.at(-1)!.labelsChanged).toBe(0);
  });

  it("needs a logarithmic number of steps: 1,000 records in far fewer than 1,000 steps", async () => {
    build = await SilverBuild.open();
    await build.load(writeLanding(chainLanding(1000)));
    await build.run(IDENTITY);
    expect(clusters(await identityMap(build))).toHaveLength(1);
    const needed = stepsToConverge(await iterations(build));
    console.log(`chain of 1,000 records: converged after ${needed} step(s)`);
    expect(needed).toBeLessThanOrEqual(12);
  });

  it("converges on a chain whose ids are in random order (no help from the id order)", async () => {
    // Contact k links to k+1 by email (k even) or phone (k odd); crm_ids are a seeded permutation.
    const records = 2000;
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const ids = Array.from({ length: records }, (_unused, k) => k);
    for (let i = records - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    const phone = (k: number) => `+1 415 ${String(k).padStart(7, "0").slice(0, 3)} ${String(k).padStart(7, "0").slice(3)}`;
    const rows = ids.map((id, k) => ({
      crm_id: `C${String(id).padStart(6, "0")}`,
      email: `e${k % 2 === 0 ? k : k - 1}@chain.test`,
      phone: k === 0 ? "" : phone(k % 2 === 1 ? k : k - 1),
    }));
    build = await SilverBuild.open();
    await build.load(writeLanding({ ...referenceFiles(), "crm/customers.csv": crmCsv(rows) }));
    await build.run(IDENTITY);
    expect(clusters(await identityMap(build))).toHaveLength(1);
    const steps = await iterations(build);
    console.log(`random-order chain of 2,000 records: converged after ${stepsToConverge(steps)} step(s); components per step: ${steps.map((step) => step.components).join(", ")}`);
    expect(stepsToConverge(steps)).toBeLessThanOrEqual(10);
  });

  it("fails the build when identity_max_iterations is too small for the graph", async () => {
    build = await SilverBuild.open();
    await build.load(writeLanding(chainLanding(50)));
    await expect(build.run({ ...IDENTITY, vars: { identity_max_iterations: "2" } })).rejects.toThrow(/assert_identity_components_converged: failed/);
  });
});

describe("a star of identifiers on one value", () => {
  it("links everything under the limit and nothing over it", async () => {
    const emails = (count: number, email: string) => Array.from({ length: count }, () => email);
    build = await SilverBuild.open();
    await build.load(
      writeLanding({
        ...referenceFiles(),
        // hub@…: 3 CRM + 3 shop + 3 loyalty accounts (exactly the limit in each system) + 10 tickets → one customer.
        // info@…: 4 CRM accounts (over the limit) + 1 ticket → links nothing.
        // Phone +1 212 555 0100: 4 loyalty members → links nothing; +1 212 555 0199 on 3 members → links.
        "crm/customers.csv": crmCsv([
          ...emails(3, "hub@star.test").map((email, k) => ({ crm_id: `C1${k}`, email })),
          ...emails(4, " INFO@star.test").map((email, k) => ({ crm_id: `C2${k}`, email })),
        ]),
        "shop/orders.csv": ordersCsv([
          ...emails(3, "Hub@Star.test").map((email, k) => ({ order_id: `O1${k}`, shop_customer_id: `S1${k}`, customer_email: email })),
          { order_id: "O19", shop_customer_id: "S10", customer_email: "hub@star.test" },
        ]),
        "loyalty/members.xml": membersXml([
          ...emails(3, "hub@star.test").map((email, k) => ({ id: `L1${k}`, email })),
          ...Array.from({ length: 4 }, (_unused, k) => ({ id: `L2${k}`, phone: "+1 212 555 0100" })),
          ...Array.from({ length: 3 }, (_unused, k) => ({ id: `L3${k}`, phone: "(212) 555-0199" })),
        ]),
        "support/tickets.json": ticketsJson([
          ...Array.from({ length: 10 }, (_unused, k) => ({ ticket_id: 100 + k, requester_email: "hub@star.test" })),
          { ticket_id: 200, requester_email: "info@star.test" },
        ]),
      }),
    );
    await build.run(IDENTITY);
    const map = await identityMap(build);
    const found = clusters(map);
    const hub = found.find((members) => members.includes("crm:C10"))!;
    expect(hub).toEqual([
      "crm:C10",
      "crm:C11",
      "crm:C12",
      "loyalty:L10",
      "loyalty:L11",
      "loyalty:L12",
      "shop:S10",
      "shop:S11",
      "shop:S12",
      ...Array.from({ length: 10 }, (_unused, k) => `support:${100 + k}`),
    ]);
    expect(map.get("crm:C10")).toEqual({ customerKey: md5("crm:C10"), rule: "email" });
    for (const single of ["crm:C20", "crm:C21", "crm:C22", "crm:C23", "support:200", "loyalty:L20", "loyalty:L23"]) {
      expect(found.find((members) => members.includes(single))).toEqual([single]);
      expect(map.get(single)).toEqual({ customerKey: md5(single), rule: "none" });
    }
    expect(found.find((members) => members.includes("loyalty:L30"))).toEqual(["loyalty:L30", "loyalty:L31", "loyalty:L32"]);
    expect(map.get("loyalty:L31")).toEqual({ customerKey: md5("loyalty:L30"), rule: "phone" });
    const shared = await build.query("select value_kind, value, crm_accounts, loyalty_accounts from c360_identity.identity_shared_values where is_shared order by value");
    expect(shared).toEqual([
      { value_kind: "phone", value: "+12125550100", crm_accounts: 0, loyalty_accounts: 4 },
      { value_kind: "email", value: "info@star.test", crm_accounts: 4, loyalty_accounts: 0 },
    ]);
  });

  it("follows max_accounts_per_identifier", async () => {
    build = await SilverBuild.open();
    await build.load(
      writeLanding({
        ...referenceFiles(),
        "crm/customers.csv": crmCsv(Array.from({ length: 3 }, (_unused, k) => ({ crm_id: `C${k}`, email: "family@star.test" }))),
      }),
    );
    await build.run({ ...IDENTITY, vars: { max_accounts_per_identifier: "2" } });
    expect(clusters(await identityMap(build))).toEqual([["crm:C0"], ["crm:C1"], ["crm:C2"]]);
    await build.run({ ...IDENTITY, vars: { max_accounts_per_identifier: "3" } });
    expect(clusters(await identityMap(build))).toEqual([["crm:C0", "crm:C1", "crm:C2"]]);
  });
});

describe("web identifiers", () => {
  it("links an anonymous_id to its one signed-in user; a shared device is its own customer", async () => {
    build = await SilverBuild.open();
    await build.load(
      writeLanding({
        ...referenceFiles(),
        "shop/orders.csv": ordersCsv([{ order_id: "O1", shop_customer_id: "S1", customer_email: "s1@web.test" }]),
        "web/events.ndjson": eventsNdjson([
          { message_id: "m1", anonymous_id: "a-one", user_id: "S1" },
          { message_id: "m2", anonymous_id: "a-one", user_id: "" },
          { message_id: "m3", anonymous_id: "a-one" },
          { message_id: "m4", anonymous_id: "a-shared", user_id: "S1" },
          { message_id: "m5", anonymous_id: "a-shared", user_id: "S2" },
          { message_id: "m6", anonymous_id: "a-lonely", user_id: null },
          { message_id: "m7", anonymous_id: "a-three", user_id: "S3" },
          { message_id: "m8", anonymous_id: "a-late", user_id: "S1", timestamp: "2024-07-01T00:00:00Z" },
        ]),
      }),
    );
    await build.run(IDENTITY);
    const map = await identityMap(build);
    expect(clusters(map)).toEqual([["shop:S1", "web:a-one"], ["shop:S2"], ["shop:S3", "web:a-three"], ["web:a-lonely"], ["web:a-shared"]]);
    expect(Object.fromEntries([...map].map(([node, mapped]) => [node, mapped.rule]))).toEqual({
      "shop:S1": "anonymous_id",
      "shop:S2": "none",
      "shop:S3": "anonymous_id",
      "web:a-lonely": "none",
      "web:a-one": "anonymous_id",
      "web:a-shared": "none",
      "web:a-three": "anonymous_id",
    });
    expect(map.get("web:a-one")!.customerKey).toBe(md5("shop:S1"));
  });
});
