import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { truthOfLanding } from "./read-landing.js";

// The generator's rule engine applied to the hand-written fixture must give exactly the
// table of tests/fixtures/landing.README.md ("Expected customers"), derived by hand.
const EXPECTED = [
  // min member, members (sorted), order_count, total_revenue_usd, recency_days, support_tickets, web_sessions, touchpoints
  ["crm:C1001", "crm:C1001 loyalty:L0001 shop:S2001 support:5001 web:a-jane-1", 3, "167.70", "0", 1, 2, 9],
  ["crm:C1002", "crm:C1002 shop:S2002", 1, "101.28", "118", 0, 0, 1],
  ["crm:C1003", "crm:C1003 shop:S2003", 0, "0.00", "", 0, 0, 1],
  ["crm:C1005", "crm:C1005 loyalty:L0005", 0, "0.00", "", 0, 0, 0],
  ["crm:C1006", "crm:C1006", 0, "0.00", "", 0, 0, 0],
  ["crm:C1007", "crm:C1007", 0, "0.00", "", 0, 0, 0],
  ["crm:C1008", "crm:C1008", 0, "0.00", "", 0, 0, 0],
  ["crm:C1009", "crm:C1009 crm:C1010 crm:C1011 shop:S2006", 1, "12.34", "15", 0, 0, 1],
  ["crm:C1012", "crm:C1012 crm:C1013", 0, "0.00", "", 0, 0, 0],
  ["loyalty:L0002", "loyalty:L0002", 0, "0.00", "", 0, 0, 0],
  ["loyalty:L0006", "loyalty:L0006", 0, "0.00", "", 0, 0, 0],
  ["loyalty:L0008", "loyalty:L0008", 0, "0.00", "", 0, 0, 0],
  ["shop:S2004", "shop:S2004", 1, "45.50", "0", 0, 0, 2],
  ["shop:S2005", "shop:S2005", 1, "9.99", "89", 0, 0, 1],
  ["support:5002", "support:5002", 0, "0.00", "", 1, 0, 1],
  ["support:5003", "support:5003", 0, "0.00", "", 1, 0, 1],
  ["support:5004", "support:5004", 0, "0.00", "", 1, 0, 1],
  ["web:a-dan-phone", "web:a-dan-phone", 0, "0.00", "", 0, 1, 2],
  ["web:a-mia", "web:a-mia", 0, "0.00", "", 0, 1, 1],
  ["web:a-shared-tablet", "web:a-shared-tablet", 0, "0.00", "", 0, 2, 3],
];

describe("ground truth of the hand-written fixture", () => {
  it("matches the README, customer by customer", async () => {
    const truthDir = fs.mkdtempSync(path.join(os.tmpdir(), "c360-fixture-truth-"));
    const summary = await truthOfLanding("tests/fixtures/landing", "2024-06-30", truthDir);
    const customers = parse(fs.readFileSync(path.join(truthDir, "customers.csv")), { columns: true }) as Record<string, string>[];
    const identity = parse(fs.readFileSync(path.join(truthDir, "customer_identity_map.csv")), { columns: true }) as Record<string, string>[];
    const membersOf = (key: string) =>
      identity
        .filter((row) => row.customer_key === key)
        .map((row) => `${row.source_system}:${row.source_id}`)
        .sort()
        .join(" ");
    const actual = customers
      .map((customer) => [customer.min_member, membersOf(customer.customer_key), Number(customer.order_count), customer.total_revenue_usd, customer.recency_days, Number(customer.support_tickets), Number(customer.web_sessions), Number(customer.touchpoints)])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(actual).toEqual(EXPECTED);
    expect(identity).toHaveLength(31);
    expect(summary).toMatchObject({ customers: 20, knownCustomers: 17, completedOrders: 7, revenueUsd: "336.81", valuesOverLimit: ["email:info@acme.example", "phone:+16465550100"], valuesAtLimit: ["email:family.kim@example.com"] });
    expect(Object.values(summary.quarantine).reduce((sum, codes) => sum + Object.entries(codes).filter(([code]) => code !== "accepted").reduce((total, [, count]) => total + count, 0), 0)).toBe(30);
    fs.rmSync(truthDir, { recursive: true, force: true });
  });
});
