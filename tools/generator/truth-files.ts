/**
 * Ground truth, step three: sessions, and the files a run leaves in the truth folder
 * (customer_identity_map.csv, customers.csv, summary.json).
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { centsToText } from "./contract-rules.js";
import type { Figures, GroundTruth } from "./truth.js";

const SESSION_GAP_MS = 30 * 60_000;

/** METRICS.md web_sessions: a new session after a gap of more than 30 minutes. */
export function countSessions(instants: number[]): number {
  if (instants.length === 0) return 0;
  const sorted = [...instants].sort((a, b) => a - b);
  let sessions = 1;
  for (let index = 1; index < sorted.length; index++) if (sorted[index] - sorted[index - 1] > SESSION_GAP_MS) sessions++;
  return sessions;
}

export interface TruthSummary {
  customers: number;
  knownCustomers: number;
  completedOrders: number;
  revenueUsd: string;
  crmReexports: number;
  crmSameInstantTies: number;
  orderStatusChanges: number;
  duplicateMessagesAcrossParts: number;
  anonymousThenSignedIn: number;
  sharedDevices: number;
  recordsAfterAsOf: Record<string, number>;
  /** Email/phone values carried by more than max_accounts_per_identifier accounts of one system. */
  valuesOverLimit: string[];
  /** Values carried by exactly max_accounts_per_identifier accounts of one system (they still link). */
  valuesAtLimit: string[];
  quarantine: Record<string, Record<string, number>>;
}

export async function writeTruthFiles(
  truth: GroundTruth,
  truthDir: string,
  identityTemp: string,
  asOfDay: number,
  deviceComponents: [string, number][],
  facts: Omit<TruthSummary, "customers" | "knownCustomers" | "completedOrders" | "revenueUsd">,
): Promise<TruthSummary> {
  // Sum figures per customer (root component).
  const customers = new Map<number, Figures>();
  for (let component = 0; component < truth.componentCount; component++) {
    const root = truth.root(component);
    const figures = truth.figuresOf(component);
    const total = customers.get(root);
    if (!total) {
      customers.set(root, { ...figures, ids: { ...figures.ids } });
      continue;
    }
    total.minKey = figures.minKey < total.minKey ? figures.minKey : total.minKey;
    total.known ||= figures.known;
    for (const system of Object.keys(total.ids) as (keyof Figures["ids"])[]) total.ids[system] += figures.ids[system];
    total.orderCount += figures.orderCount;
    total.revenueCents += figures.revenueCents;
    total.lastOrderDay = Math.max(total.lastOrderDay, figures.lastOrderDay);
    total.tickets += figures.tickets;
    total.sessions += figures.sessions;
    total.touchpoints += figures.touchpoints;
  }
  const keyOfRoot = new Map<number, string>();
  for (const [root, figures] of customers) keyOfRoot.set(root, createHash("md5").update(figures.minKey).digest("hex"));

  const identity = fs.createWriteStream(path.join(truthDir, "customer_identity_map.csv"));
  identity.write("source_system,source_id,customer_key\n");
  for await (const line of readline.createInterface({ input: fs.createReadStream(identityTemp), crlfDelay: Infinity })) {
    if (line === "") continue;
    const [component, key] = line.split("\t");
    const separator = key.indexOf(":");
    if (!identity.write(`${key.slice(0, separator)},${key.slice(separator + 1)},${keyOfRoot.get(truth.root(Number(component)))}\n`)) await once(identity, "drain");
  }
  for (const [key, component] of deviceComponents) identity.write(`web,${key.slice(4)},${keyOfRoot.get(truth.root(component))}\n`);
  await new Promise<void>((resolve) => identity.end(resolve));
  fs.rmSync(identityTemp);

  const rows = [...customers].map(([root, figures]) => ({ key: keyOfRoot.get(root)!, figures })).sort((a, b) => (a.key < b.key ? -1 : 1));
  const header = "customer_key,min_member,is_known,crm_id_count,shop_customer_id_count,loyalty_id_count,ticket_count,anonymous_id_count,order_count,total_revenue_usd,recency_days,support_tickets,web_sessions,touchpoints";
  const body = rows.map(({ key, figures: f }) =>
    [key, f.minKey, f.known, f.ids.crm, f.ids.shop, f.ids.loyalty, f.ids.support, f.ids.web, f.orderCount, centsToText(BigInt(f.revenueCents)), f.orderCount > 0 ? asOfDay - f.lastOrderDay : "", f.tickets, f.sessions, f.touchpoints].join(","),
  );
  fs.writeFileSync(path.join(truthDir, "customers.csv"), [header, ...body].join("\n") + "\n");

  const summary: TruthSummary = {
    customers: rows.length,
    knownCustomers: rows.filter((row) => row.figures.known).length,
    completedOrders: rows.reduce((sum, row) => sum + row.figures.orderCount, 0),
    revenueUsd: centsToText(BigInt(rows.reduce((sum, row) => sum + row.figures.revenueCents, 0))),
    ...facts,
  };
  fs.writeFileSync(path.join(truthDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  return summary;
}
