import { describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile/index.js";
import { buildActionGraph } from "../../src/graph/actions.js";
import { parseSelector, selectActions } from "../../src/graph/selection.js";
import { compareWithState } from "../../src/graph/state.js";
import { UsageError } from "../../src/errors.js";
import { EXAMPLE_PROJECT } from "../helpers/project.js";

const { actions } = buildActionGraph(compileProject({ projectDir: EXAMPLE_PROJECT, vars: { dialect: "duckdb" } }));
const sorted = (names: Set<string>) => [...names].sort();
const REVENUE_TESTS = [
  "shop_assertions.assert_revenue_positive",
  "shop_assertions.shop_customer_revenue_assertions_rowConditions",
  "test.test_customer_revenue",
];
const ORDERS_TESTS = ["shop_assertions.shop_fct_orders_assertions_rowConditions", "shop_assertions.shop_fct_orders_assertions_uniqueKey_0"];

describe("selection", () => {
  it("selects everything by default", () => {
    expect(selectActions(actions).size).toBe(actions.size);
  });

  it("selects by bare name or schema.name, with the tests attached to it (eager indirect selection)", () => {
    expect(sorted(selectActions(actions, ["customer_revenue"]))).toEqual(["shop.customer_revenue", ...REVENUE_TESTS]);
    expect(sorted(selectActions(actions, ["shop.fct_orders"]))).toEqual(["shop.fct_orders", ...ORDERS_TESTS]);
  });

  it("a unit test is attached to the model its config names as dataset", () => {
    expect(actions.get("test.test_customer_revenue")).toMatchObject({ kind: "test", covers: ["shop.customer_revenue"] });
  });

  it("--indirect-selection empty selects the action alone; cautious only tests whose every input is selected", () => {
    expect(sorted(selectActions(actions, ["customer_revenue"], [], { indirect: "empty" }))).toEqual(["shop.customer_revenue"]);
    expect(sorted(selectActions(actions, ["customer_revenue"], [], { indirect: "cautious" }))).toEqual(["shop.customer_revenue", ...REVENUE_TESTS]);
  });

  it("selects by tag", () => {
    expect(sorted(selectActions(actions, ["tag:staging"]))).toEqual(["shop.stg_orders"]);
  });

  it("selects by path: a definitions file or folder, with or without ./ and a trailing slash", () => {
    expect(sorted(selectActions(actions, ["path:definitions/stg_orders.sqlx"]))).toEqual(["shop.stg_orders"]);
    expect(selectActions(actions, ["path:./definitions/"]).size).toBe(actions.size);
    expect(sorted(selectActions(actions, ["path:definitions/fct_*"]))).toEqual(["shop.fct_orders", ...ORDERS_TESTS]);
  });

  it("selects by kind (singular or plural)", () => {
    expect(sorted(selectActions(actions, ["kind:incremental"], [], { indirect: "empty" }))).toEqual(["shop.fct_orders"]);
    expect(sorted(selectActions(actions, ["kind:operations"]))).toEqual(["shop.setup_raw"]);
    expect(sorted(selectActions(actions, ["kind:test"]))).toEqual(["test.test_customer_revenue"]);
    expect(sorted(selectActions(actions, ["kind:declaration"]))).toEqual(["raw.orders"]);
  });

  it("+name adds everything upstream (and the tests of what it adds)", () => {
    expect(sorted(selectActions(actions, ["+fct_orders"], [], { indirect: "empty" }))).toEqual(["raw.orders", "shop.fct_orders", "shop.setup_raw", "shop.stg_orders"]);
    expect(sorted(selectActions(actions, ["+fct_orders"]))).toEqual(["raw.orders", "shop.fct_orders", "shop.setup_raw", "shop.stg_orders", ...ORDERS_TESTS]);
  });

  it("n+name and name+n stop after n levels", () => {
    expect(sorted(selectActions(actions, ["1+customer_revenue"], [], { indirect: "empty" }))).toEqual(["shop.customer_revenue", "shop.fct_orders"]);
    expect(sorted(selectActions(actions, ["2+customer_revenue"], [], { indirect: "empty" }))).toEqual(["shop.customer_revenue", "shop.fct_orders", "shop.stg_orders"]);
    expect(sorted(selectActions(actions, ["stg_orders+1"], [], { indirect: "empty" }))).toEqual(["shop.fct_orders", "shop.stg_orders"]);
  });

  it("name+ adds everything downstream, assertions included", () => {
    expect(sorted(selectActions(actions, ["customer_revenue+"]))).toEqual(["shop.customer_revenue", "shop.revenue_report", ...REVENUE_TESTS].sort());
  });

  it("@name adds the downstream and everything the downstream reads", () => {
    expect(sorted(selectActions(actions, ["@fct_orders"], [], { indirect: "empty" }))).toEqual(
      [...actions.values()].filter((action) => action.kind !== "test").map((action) => action.name).sort(),
    );
  });

  it("words are a union, commas an intersection", () => {
    expect(sorted(selectActions(actions, ["stg_orders revenue_report"], [], { indirect: "empty" }))).toEqual(["shop.revenue_report", "shop.stg_orders"]);
    expect(sorted(selectActions(actions, ["stg_orders", "revenue_report"], [], { indirect: "empty" }))).toEqual(["shop.revenue_report", "shop.stg_orders"]);
    expect(sorted(selectActions(actions, ["tag:marts,kind:assertion"]))).toEqual(
      ["shop_assertions.assert_revenue_positive", "shop_assertions.shop_customer_revenue_assertions_rowConditions", ...ORDERS_TESTS].sort(),
    );
  });

  it("--exclude removes what it matches, with its tests", () => {
    expect(sorted(selectActions(actions, ["+customer_revenue"], ["tag:setup", "raw.orders"]))).toEqual(
      ["shop.customer_revenue", "shop.fct_orders", "shop.stg_orders", ...ORDERS_TESTS, ...REVENUE_TESTS].sort(),
    );
    expect(sorted(selectActions(actions, ["customer_revenue+"], ["customer_revenue"]))).toEqual(["shop.revenue_report"]);
  });

  it("an unknown selector is a usage error that names the near names", () => {
    expect(() => selectActions(actions, ["nope"])).toThrow(UsageError);
    expect(() => selectActions(actions, ["tag:none"])).toThrow("matches no action");
    expect(() => selectActions(actions, ["customer_revenu"])).toThrow("Did you mean 'customer_revenue'");
    expect(() => selectActions(actions, ["tag:mart"])).toThrow("Did you mean 'tag:marts'");
    expect(() => selectActions(actions, ["kind:model"])).toThrow("unknown kind 'model'");
    expect(() => selectActions(actions, ["colour:red"])).toThrow("unknown method 'colour:'");
    expect(() => selectActions(actions, ["+"])).toThrow("incomplete");
  });

  it("parses dbt's graph operators", () => {
    expect(parseSelector("2+tag:marts+")).toMatchObject({ method: "tag", value: "marts", upstream: 2, downstream: Infinity, at: false });
    expect(parseSelector("customer_360+1")).toMatchObject({ method: "name", value: "customer_360", upstream: 0, downstream: 1 });
    expect(parseSelector("@x")).toMatchObject({ value: "x", at: true, upstream: 0, downstream: 0 });
  });
});

describe("state-based selection", () => {
  const changed = buildActionGraph(compileProject({ projectDir: EXAMPLE_PROJECT, vars: { dialect: "duckdb" } })).actions;
  const fct = changed.get("shop.fct_orders")!;
  if (fct.kind !== "incremental") throw new Error("fixture changed: shop.fct_orders is no longer incremental");
  fct.compiled = { ...fct.compiled, query: `${fct.compiled.query}\n-- edited` };
  const saved = new Map(actions);
  saved.delete("shop.revenue_report");
  const state = compareWithState(changed, saved, "saved-target");

  it("state:modified selects what compiles differently or is new; state:new only the new", () => {
    expect(sorted(selectActions(changed, ["state:modified"], [], { indirect: "empty", state }))).toEqual(["shop.fct_orders", "shop.revenue_report"]);
    expect(sorted(selectActions(changed, ["state:new"], [], { indirect: "empty", state }))).toEqual(["shop.revenue_report"]);
  });

  it("state:modified+ adds what the change reaches, with its tests", () => {
    expect(sorted(selectActions(changed, ["state:modified+"], [], { state }))).toEqual(
      ["shop.customer_revenue", "shop.fct_orders", "shop.revenue_report", ...ORDERS_TESTS, ...REVENUE_TESTS].sort(),
    );
  });

  it("an unchanged project selects nothing (no error); without --state it is a usage error", () => {
    const same = compareWithState(actions, actions, "saved-target");
    expect(selectActions(actions, ["state:modified+"], [], { state: same }).size).toBe(0);
    expect(() => selectActions(actions, ["state:modified"])).toThrow("needs --state DIR");
  });
});
