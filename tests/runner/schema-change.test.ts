import { describe, expect, it } from "vitest";
import { ExecutionError } from "../../src/errors.js";
import { compareColumns, onSchemaChangeOf, planSchemaChange } from "../../src/runner/schema-change.js";

const table = [
  { name: "id", type: "INTEGER" },
  { name: "status", type: "VARCHAR" },
];
const gained = [...table, { name: "Shipped_On", type: "DATE" }];
const lost = [{ name: "ID", type: "INTEGER" }];

describe("onSchemaChange", () => {
  it("reads the compiled graph's value: the enum's name, its number, or IGNORE when absent", () => {
    expect(onSchemaChangeOf("EXTEND")).toBe("EXTEND");
    expect(onSchemaChangeOf(3)).toBe("SYNCHRONIZE");
    expect(onSchemaChangeOf(undefined)).toBe("IGNORE");
    expect(onSchemaChangeOf("extend")).toBe("IGNORE");
  });

  it("compares column names case-insensitively, keeping the query's types for added columns", () => {
    expect(compareColumns(table, gained)).toEqual({ added: [{ name: "Shipped_On", type: "DATE" }], removed: [] });
    expect(compareColumns(table, lost)).toEqual({ added: [], removed: ["status"] });
  });

  it("does nothing when the columns match, whatever the setting", () => {
    for (const policy of ["IGNORE", "FAIL", "EXTEND", "SYNCHRONIZE"] as const) {
      expect(planSchemaChange("mart.orders", policy, table, [...table].reverse(), ["id"])).toEqual({ add: [], drop: [] });
    }
  });

  it("IGNORE (Dataform's default) leaves an added column out and says so, with the two ways to keep it", () => {
    const plan = planSchemaChange("mart.orders", "IGNORE", table, gained, ["id"]);
    expect(plan.add).toEqual([]);
    expect(plan.drop).toEqual([]);
    expect(plan.warning).toMatch(/Shipped_On.*not written.*onSchemaChange: "EXTEND".*c360 build --full-refresh --select mart\.orders\+/);
  });

  it("FAIL stops on any difference, naming what was added and removed", () => {
    expect(() => planSchemaChange("mart.orders", "FAIL", table, gained, ["id"])).toThrow(ExecutionError);
    expect(() => planSchemaChange("mart.orders", "FAIL", table, [{ name: "id", type: "INTEGER" }, { name: "note", type: "VARCHAR" }], ["id"])).toThrow(
      /mart\.orders: .*"FAIL"\): added note; removed status; set onSchemaChange/,
    );
  });

  it("EXTEND adds columns and refuses to lose one; IGNORE refuses too, rather than write nulls a full refresh would not", () => {
    expect(planSchemaChange("mart.orders", "EXTEND", table, gained, ["id"])).toEqual({ add: [{ name: "Shipped_On", type: "DATE" }], drop: [] });
    for (const policy of ["EXTEND", "IGNORE"] as const) {
      expect(() => planSchemaChange("mart.orders", policy, table, lost, ["id"])).toThrow(/no longer gives the column\(s\) status .*"SYNCHRONIZE"/);
    }
  });

  it("SYNCHRONIZE adds and drops, but never a unique key column", () => {
    expect(planSchemaChange("mart.orders", "SYNCHRONIZE", table, [{ name: "id", type: "INTEGER" }, { name: "note", type: "VARCHAR" }], ["id"])).toEqual({
      add: [{ name: "note", type: "VARCHAR" }],
      drop: ["status"],
    });
    expect(() => planSchemaChange("mart.orders", "SYNCHRONIZE", table, [{ name: "status", type: "VARCHAR" }], ["ID"])).toThrow(/unique key column\(s\) id/);
  });
});
