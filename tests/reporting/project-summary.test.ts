/**
 * src/reporting/project-summary.ts: the summary a project declares for the end of a build.
 * Rendering rules on plain rows; then this project's own summary (c360.json `summary`) over
 * the gold and quarantine tables of the hand-written fixture (tests/fixtures/landing.README.md).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/project.js";
import { UsageError } from "../../src/errors.js";
import { formatValue, projectSummary, renderResult, resolveRefs } from "../../src/reporting/project-summary.js";
import { EXAMPLE_PROJECT, REPO_ROOT, compiledProject } from "../helpers/project.js";
import { GoldBuild } from "../marts/gold-harness.js";

describe("summary lines", () => {
  it("print one value, value-name pairs, pairs of two columns, or aligned rows", () => {
    expect(renderResult([{ customers: 1234567 }], {})).toEqual(["1,234,567"]);
    expect(renderResult([{ customers: 20, known: 17, anonymous_visitors: 3 }], {})).toEqual(["20 customers, 17 known, 3 anonymous visitors"]);
    expect(renderResult([{ segment: "Loyal", customers: 1200 }, { segment: "Lost", customers: 3 }], {})).toEqual(["Loyal 1,200, Lost 3"]);
    expect(renderResult([{ file: "a.csv", records: 12, why: "x 12" }, { file: "long/b.csv", records: 3, why: "y 3" }], {})).toEqual([
      "",
      "    a.csv       12  x 12",
      "    long/b.csv   3  y 3",
    ]);
    expect(renderResult([], {})).toEqual(["none"]);
    expect(renderResult([], { empty: "nothing quarantined" })).toEqual(["nothing quarantined"]);
  });

  it("round exact decimals half away from zero, without floats, only when asked", () => {
    expect(formatValue("9876543.214999999", 2)).toBe("9,876,543.21");
    expect(formatValue("336.805000000", 2)).toBe("336.81");
    expect(formatValue("-0.004", 2)).toBe("0.00");
    expect(formatValue("-1234.5", 0)).toBe("-1,235");
    expect(formatValue("336.805000000")).toBe("336.805000000");
    expect(formatValue(null)).toBe("null");
    expect(formatValue("2024-06-30")).toBe("2024-06-30");
  });

  it("resolve ${ref(...)} to the engine's name of the action's table, and name a ref that matches none or several", () => {
    const { actions } = compiledProject(EXAMPLE_PROJECT);
    const engine = { quoteTable: (table: { schema: string; name: string }) => `"${table.schema}"."${table.name}"` };
    expect(resolveRefs("select * from ${ref('customer_revenue')}", actions, engine)).toMatch(/^select \* from "\w+"\."customer_revenue"$/);
    const [schema] = [...actions.values()].filter((action) => action.target.name === "customer_revenue").map((action) => action.target.schema);
    expect(resolveRefs(`select 1 from \${ref("${schema}", "customer_revenue")}`, actions, engine)).toBe(`select 1 from "${schema}"."customer_revenue"`);
    expect(() => resolveRefs("select * from ${ref('no_such_table')}", actions, engine)).toThrow(UsageError);
    expect(() => resolveRefs("select * from ${ref('no_such_table')}", actions, engine)).toThrow(/ref\('no_such_table'\) names no action/);
  });
});

describe("this project's summary (c360.json)", () => {
  let gold: GoldBuild;
  beforeAll(async () => {
    // The run's seeds database: the fixture landing folder built, as GoldBuild.build(FIXTURE_LANDING).
    gold = await GoldBuild.ofSeeds();
  });
  afterAll(() => gold?.close());

  it("tells customers, buyers, revenue, segments, quarantine per file and where the tables are", async () => {
    const { summary } = loadProject({ projectDir: REPO_ROOT });
    const text = await projectSummary(gold.engine, gold.compile().actions, summary!, { location: "target/c360.duckdb" });
    // The fixture's figures, worked out by hand in tests/fixtures/landing.README.md.
    expect(text.split("\n")).toEqual([
      "Customer 360",
      "  As of          2024-06-30",
      "  Customers      20 customers, 17 known, 3 anonymous visitors",
      "  With orders    5 customers, 7 completed orders",
      "  Revenue USD    336.81",
      "  Segments       No purchases 15, About to sleep 1, Hibernating 1, Lost 1, Loyal 1, Promising 1",
      "  Quarantined    30",
      "    by file",
      "    crm/customers.csv     3  missing_crm_id 2, unparseable_updated_at 1",
      "    loyalty/members.xml   2  missing_member_id 2",
      "    shop/order_items.csv  4  order_not_found 2, bad_quantity 1, bad_unit_price 1",
      "    shop/orders.csv       9  missing_order_id 2, missing_shop_customer_id 2, no_fx_rate 1, non_numeric_total 1, unknown_currency 1, unparseable_order_ts 1, unparseable_updated_at 1",
      "    support/tickets.json  4  missing_ticket_id 2, not_an_object 1, unparseable_created_at 1",
      "    web/events.ndjson     8  missing_message_id 2, invalid_json 1, missing_anonymous_id 1, missing_event 1, missing_timestamp 1, not_an_object 1, unparseable_timestamp 1",
      "  Built in       target/c360.duckdb",
      "  Tables         c360.customer_360, c360.customer_information, c360.customer_transactions, c360.customer_interactions, c360.customer_aggregated_metrics, c360.kpi_summary",
      '  Try            npm run c360 -- query "select rfm_segment, count(*) as customers from c360.customer_360 group by 1 order by 2 desc"',
    ]);
  });

  it("prints a failing query's error on its line and goes on", async () => {
    const text = await projectSummary(gold.engine, gold.compile().actions, {
      title: "T",
      lines: [
        { label: "Broken", sql: "select no_such_column from ${ref('kpi_summary')}" },
        { label: "Known", sql: ["select known_customers", "from ${ref('kpi_summary')}"] },
      ],
    });
    expect(text.split("\n")[1]).toMatch(/^  Broken         \(the query failed: .*no_such_column/);
    expect(text.split("\n")[2]).toBe("  Known          17");
  });
});
