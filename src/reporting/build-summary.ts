/**
 * The short text a person reads after `npm start` / `c360 build`: what the Customer 360
 * holds (customers, buyers, revenue, RFM segments), what silver quarantined per landing
 * file, and where the published tables are, with a query to try. Reads only the gold
 * tables and the quarantine tables, through the Engine interface (any warehouse).
 */
import type { Engine, Row, TableRef } from "../engines/engine.js";

export interface BuildSummaryOptions {
  /** Schema (dataset) of the published tables; default c360. */
  goldSchema?: string;
  /** Schema of silver's *_quarantine tables; default c360_staging. */
  stagingSchema?: string;
  /** Where the tables live, for the reader (e.g. target/c360_warehouse.duckdb or a BigQuery project). */
  location?: string;
}

const PUBLISHED_TABLES = ["customer_360", "customer_information", "customer_transactions", "customer_interactions", "customer_aggregated_metrics", "kpi_summary"];
const EXAMPLE_QUERY = "select rfm_segment, count(*) as customers from c360.customer_360 group by 1 order by 2 desc";

export async function buildSummary(engine: Engine, options: BuildSummaryOptions = {}): Promise<string> {
  const gold = options.goldSchema ?? "c360";
  const table = (name: string) => engine.quoteTable({ schema: gold, name });
  const [kpi] = await engine.query(
    `select as_of_date, customers, known_customers, customers_with_orders, completed_orders, revenue_usd from ${table("kpi_summary")}`,
    { actionName: "build summary" },
  );
  if (kpi === undefined) return "The build produced no kpi_summary row: nothing to summarise.";
  const segments = await engine.query(
    `select rfm_segment, count(*) as customers from ${table("customer_aggregated_metrics")} group by rfm_segment order by customers desc, rfm_segment asc`,
    { actionName: "build summary" },
  );
  const quarantine = await quarantinedByFile(engine, options.stagingSchema ?? "c360_staging");

  const customers = Number(kpi.customers);
  const known = Number(kpi.known_customers);
  const lines = [
    `Customer 360 as of ${String(kpi.as_of_date)}`,
    `  Customers      ${count(customers)} (${count(known)} known, ${count(customers - known)} anonymous visitors)`,
    `  With orders    ${count(Number(kpi.customers_with_orders))} customers, ${count(Number(kpi.completed_orders))} completed orders`,
    `  Revenue        USD ${money(String(kpi.revenue_usd))}`,
    `  Segments       ${segments.map((row) => `${String(row.rfm_segment)} ${count(Number(row.customers))}`).join(", ") || "none"}`,
    ...quarantineLines(quarantine),
    `  Tables         ${PUBLISHED_TABLES.map((name) => `${gold}.${name}`).join(", ")}${options.location ? ` in ${options.location}` : ""}`,
    `  Try            npm run c360 -- query "${EXAMPLE_QUERY.replace("c360.", `${gold}.`)}"`,
  ];
  return lines.join("\n");
}

interface QuarantinedFile {
  sourceFile: string;
  records: number;
  reasons: { reason: string; records: number }[];
}

/** Quarantined records per landing part, with their reasons, from every <entity>_quarantine table. */
async function quarantinedByFile(engine: Engine, stagingSchema: string): Promise<QuarantinedFile[]> {
  const tables: TableRef[] = (await engine.listTables(stagingSchema)).filter((ref) => ref.name.endsWith("_quarantine")).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (tables.length === 0) return [];
  const union = tables.map((ref) => `select source_file, reason from ${engine.quoteTable(ref)}`).join("\nunion all\n");
  const rows: Row[] = await engine.query(
    `select source_file, reason, count(*) as records from (${union}) as quarantined group by source_file, reason order by source_file asc, records desc, reason asc`,
    { actionName: "build summary" },
  );
  const files = new Map<string, QuarantinedFile>();
  for (const row of rows) {
    const sourceFile = String(row.source_file);
    const file = files.get(sourceFile) ?? { sourceFile, records: 0, reasons: [] };
    file.records += Number(row.records);
    file.reasons.push({ reason: String(row.reason), records: Number(row.records) });
    files.set(sourceFile, file);
  }
  return [...files.values()];
}

function quarantineLines(files: QuarantinedFile[]): string[] {
  const total = files.reduce((sum, file) => sum + file.records, 0);
  if (total === 0) return ["  Quarantined    none: every record read was accepted"];
  const width = Math.max(...files.map((file) => file.sourceFile.length));
  return [
    `  Quarantined    ${count(total)} records (see the *_quarantine tables for each record and its reason)`,
    ...files.map(
      (file) =>
        `    ${file.sourceFile.padEnd(width)}  ${String(file.records).padStart(5)}  ${file.reasons.map((entry) => `${entry.reason} ${entry.records}`).join(", ")}`,
    ),
  ];
}

/** A whole number with thousands separators (fixed, not the machine's locale). */
function count(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** An exact decimal text (e.g. 368717.100000000) as money: thousands separators, 2 decimals, no float. */
function money(decimalText: string): string {
  const negative = decimalText.startsWith("-");
  const [whole, fraction = ""] = decimalText.replace(/^-/, "").split(".");
  return `${negative ? "-" : ""}${count(Number(whole))}.${fraction.padEnd(2, "0").slice(0, 2)}`;
}
