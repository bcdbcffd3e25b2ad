import { describe, expect, it } from "vitest";
import { type BytesReport, formatBytesReport, partitionColumnOf, partitionGranularityOf } from "../../../tools/bench/bigquery-bytes.js";

describe("partitionColumnOf", () => {
  it("finds the column a partitioning expression partitions by", () => {
    expect(partitionColumnOf("date_trunc(order_date, month)")).toBe("order_date");
    expect(partitionColumnOf("date(interaction_ts)")).toBe("interaction_ts");
    expect(partitionColumnOf("timestamp_trunc(`event_ts`, HOUR)")).toBe("event_ts");
    expect(partitionColumnOf("order_date")).toBe("order_date");
    expect(partitionColumnOf(undefined)).toBeUndefined();
  });
});

describe("partitionGranularityOf", () => {
  it("reads the time unit of a column partitioning", () => {
    expect(partitionGranularityOf("date_trunc(order_date, month)")).toBe("MONTH");
    expect(partitionGranularityOf("timestamp_trunc(event_ts, HOUR)")).toBe("HOUR");
    expect(partitionGranularityOf("date(interaction_ts)")).toBe("DAY");
    expect(partitionGranularityOf("order_date")).toBe("DAY");
    expect(partitionGranularityOf("range_bucket(customer_id, generate_array(0, 100, 10))")).toBeUndefined();
    expect(partitionGranularityOf(undefined)).toBeUndefined();
  });
});

describe("formatBytesReport", () => {
  const figures = (bytes: Record<string, [string, number]>, filters: BytesReport["full"]["unprunedFilters"] = [], prunedReads: BytesReport["full"]["prunedReads"] = []) => {
    const actions = Object.entries(bytes).map(([action, [kind, value]]) => ({ action, kind, statements: 1, bytes: value, billedBytes: 10 * 1024 * 1024 }));
    const total = actions.reduce((sum, action) => sum + action.bytes, 0);
    return { actions, totalBytes: total, totalBilledBytes: actions.length * 10 * 1024 * 1024, failed: [], unprunedFilters: filters, prunedReads };
  };
  const report: BytesReport = {
    workload: "10 persons",
    newRows: { events: 1, orders: 2 },
    tables: 2,
    typedFromDuckDb: [],
    full: figures({ "mart.orders": ["incremental", 1000], assert_orders: ["assertion", 200] }),
    incremental: figures({ "mart.orders": ["incremental", 1500], assert_orders: ["assertion", 200], "load raw.orders": ["framework", 300] }),
    incrementalPercent: 150,
    incrementalBilledPercent: 150,
  };

  it("prints each action in both builds, the totals by kind and the incremental share", () => {
    const text = formatBytesReport(report);
    expect(text).toMatch(/mart\.orders\s+incremental\s+1000 B\s+1\.46 KiB/);
    expect(text).toMatch(/load raw\.orders\s+framework\s+—\s+300 B/);
    expect(text).toMatch(/tables, incrementals, operations\s+1000 B\s+1\.46 KiB/);
    expect(text).toMatch(/assertions\s+200 B\s+200 B/);
    expect(text).toMatch(/total processed\s+1\.17 KiB\s+1\.95 KiB/);
    expect(text).toContain("incremental / full: 150.0 % of bytes processed, 150.0 % of bytes billed on demand");
    expect(text).toContain("no statement bounds a partition column with constants, so BigQuery prunes no partition");
  });

  it("names the actions whose figure ignores a possible partition pruning, and the reads that were pruned", () => {
    const filtered = {
      ...report,
      full: {
        ...report.full,
        unprunedFilters: [{ action: "model_inputs", table: "p.c360.orders", column: "order_date" }],
        prunedReads: [{ action: "recent_orders", table: "p.c360.orders", read: 2, total: 30 }],
      },
    };
    const text = formatBytesReport(filtered);
    expect(text).toContain("model_inputs (p.c360.orders.order_date)");
    expect(text).toContain("recent_orders reads 2 of 30 partitions of p.c360.orders");
  });
});
