import { describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile/index.js";
import { buildActionGraph } from "../../src/graph/actions.js";
import { selectActions } from "../../src/graph/selection.js";
import { UsageError } from "../../src/errors.js";
import { EXAMPLE_PROJECT } from "../helpers/project.js";

const { actions } = buildActionGraph(compileProject({ projectDir: EXAMPLE_PROJECT, vars: { dialect: "duckdb" } }));
const sorted = (names: Set<string>) => [...names].sort();

describe("selection", () => {
  it("selects everything by default", () => {
    expect(selectActions(actions).size).toBe(actions.size);
  });

  it("selects by bare name or schema.name", () => {
    expect(sorted(selectActions(actions, ["customer_revenue"]))).toEqual(["shop.customer_revenue"]);
    expect(sorted(selectActions(actions, ["shop.fct_orders"]))).toEqual(["shop.fct_orders"]);
  });

  it("selects by tag", () => {
    expect(sorted(selectActions(actions, ["tag:staging"]))).toEqual(["shop.stg_orders"]);
  });

  it("+name adds everything upstream", () => {
    expect(sorted(selectActions(actions, ["+fct_orders"]))).toEqual(["raw.orders", "shop.fct_orders", "shop.setup_raw", "shop.stg_orders"]);
  });

  it("name+ adds everything downstream, assertions included", () => {
    expect(sorted(selectActions(actions, ["customer_revenue+"]))).toEqual([
      "shop.customer_revenue",
      "shop.revenue_report",
      "shop_assertions.assert_revenue_positive",
      "shop_assertions.shop_customer_revenue_assertions_rowConditions",
    ]);
  });

  it("--exclude removes what it matches", () => {
    expect(sorted(selectActions(actions, ["+customer_revenue"], ["tag:setup", "raw.orders"]))).toEqual([
      "shop.customer_revenue",
      "shop.fct_orders",
      "shop.stg_orders",
    ]);
  });

  it("an unknown selector is a usage error", () => {
    expect(() => selectActions(actions, ["nope"])).toThrow(UsageError);
    expect(() => selectActions(actions, ["tag:none"])).toThrow("matches no action");
  });
});
