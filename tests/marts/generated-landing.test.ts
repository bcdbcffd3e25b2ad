/**
 * Gold against the generator's ground truth: a generated landing folder (tools/generator) is
 * built through the real DAG on DuckDB, and each customer's order_count, total_revenue_usd,
 * recency_days, support_tickets, web_sessions and touchpoints are compared with the truth's
 * customers.csv. The shares are printed; among the customers whose identity is right (the
 * same identifiers as the truth's customer_identity_map.csv) they must be 100 %.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateLanding } from "../../tools/generator/index.js";
import { GoldBuild } from "./gold-harness.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "c360-gold-generated-"));
const landing = path.join(root, "landing");
let gold: GoldBuild;

beforeAll(async () => {
  await generateLanding({ persons: 250, seed: 7, asOf: "2024-06-30", out: landing });
  gold = await GoldBuild.build(landing);
});
afterAll(async () => {
  await gold?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const METRICS = ["order_count", "total_revenue_usd", "recency_days", "support_tickets", "web_sessions", "touchpoints"] as const;

function truthCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(path.join(`${landing}.truth`, file)), { columns: true }) as Record<string, string>[];
}

/** Identifier sets per customer_key ("system:id" sorted, joined). */
function membership(rows: Record<string, unknown>[]): Map<string, string> {
  const members = new Map<string, string[]>();
  for (const row of rows) members.set(String(row.customer_key), [...(members.get(String(row.customer_key)) ?? []), `${String(row.source_system)}:${String(row.source_id)}`]);
  return new Map([...members].map(([key, ids]) => [key, ids.sort().join(" ")]));
}

/** The value as the truth writes it: decimals to cents, null as empty. */
function asTruthText(metric: (typeof METRICS)[number], value: unknown): string {
  if (value === null || value === undefined) return "";
  if (metric === "total_revenue_usd") return String(value).replace(/^(-?\d+\.\d{2})0*$/, "$1");
  return String(value);
}

describe("gold on a generated landing folder with ground truth", () => {
  it("matches the truth for every customer whose identity is right", async () => {
    const truthCustomers = truthCsv("customers.csv");
    const truthMembers = membership(truthCsv("customer_identity_map.csv"));
    const builtMembers = membership(await gold.query("select source_system, source_id, customer_key from c360.customer_identity_map"));
    const rows = await gold.query(`select customer_key, ${METRICS.join(", ")} from c360.customer_aggregated_metrics`);
    const built = new Map(rows.map((row) => [String(row.customer_key), row]));

    const identityRight = truthCustomers.filter((customer) => truthMembers.get(customer.customer_key) === builtMembers.get(customer.customer_key));
    const shares: Record<string, string> = {};
    const mismatches: string[] = [];
    for (const metric of METRICS) {
      const matching = (customers: Record<string, string>[]) => customers.filter((customer) => asTruthText(metric, built.get(customer.customer_key)?.[metric]) === customer[metric]);
      shares[metric] = `${((100 * matching(truthCustomers).length) / truthCustomers.length).toFixed(1)} % of all, ${((100 * matching(identityRight).length) / identityRight.length).toFixed(1)} % where identity is right`;
      for (const customer of identityRight) {
        const value = asTruthText(metric, built.get(customer.customer_key)?.[metric]);
        if (value !== customer[metric]) mismatches.push(`${customer.customer_key} ${metric}: built ${value}, truth ${customer[metric]}`);
      }
    }
    const identityShare = ((100 * identityRight.length) / truthCustomers.length).toFixed(1);
    console.log(`generated landing (250 persons, seed 7): ${truthCustomers.length} customers, identity right for ${identityShare} %\n` + METRICS.map((metric) => `  ${metric.padEnd(18)} ${shares[metric]}`).join("\n"));

    expect(identityRight.length).toBeGreaterThan(truthCustomers.length * 0.9);
    expect(mismatches).toEqual([]);
    expect(rows.length).toBe(builtMembers.size);
  });

  it("kpi_summary agrees with the truth's totals", async () => {
    const summary = JSON.parse(fs.readFileSync(path.join(`${landing}.truth`, "summary.json"), "utf8")) as { customers: number; knownCustomers: number; completedOrders: number; revenueUsd: string };
    const [kpi] = await gold.query("select customers, known_customers, completed_orders, revenue_usd from c360.kpi_summary");
    expect({ ...kpi, revenue_usd: asTruthText("total_revenue_usd", kpi.revenue_usd) }).toEqual({
      customers: summary.customers,
      known_customers: summary.knownCustomers,
      completed_orders: summary.completedOrders,
      revenue_usd: summary.revenueUsd,
    });
  });
});
