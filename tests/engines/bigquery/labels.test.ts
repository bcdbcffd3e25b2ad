import { describe, expect, it } from "vitest";
import { jobLabels, labelValue, newRunId } from "../../../src/engines/bigquery/labels.js";

describe("BigQuery job labels", () => {
  it("keeps only what BigQuery allows in label values", () => {
    expect(labelValue("Shop_Assertions.Orders-Unique Key!")).toBe("shop_assertions_orders-unique_key_");
    expect(labelValue("x".repeat(80))).toHaveLength(63);
    expect(jobLabels("C360", "run-1", "test.revenue")).toEqual({ c360_project: "c360", c360_run_id: "run-1", c360_action: "test_revenue" });
    expect(jobLabels("c360", "run-1", undefined)).toEqual({ c360_project: "c360", c360_run_id: "run-1" });
  });

  it("run ids sort by time and are valid label values", () => {
    const id = newRunId(new Date("2024-06-30T12:34:56.789Z"));
    expect(id).toMatch(/^20240630t123456z-[0-9a-f]{8}$/);
    expect(labelValue(id)).toBe(id);
  });
});
