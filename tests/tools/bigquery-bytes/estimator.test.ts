import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DryRunBytesEstimator, MINIMUM_BILLED_BYTES_PER_TABLE } from "../../../tools/bigquery-bytes/estimator.js";

let estimator: DryRunBytesEstimator;

beforeAll(async () => {
  estimator = await DryRunBytesEstimator.start("proj");
  // Sizes by column, made up and distinct so that every sum below says which columns it counted.
  estimator.addTable({
    database: "proj",
    schema: "shop",
    name: "orders",
    columns: { order_id: "STRING", customer_id: "STRING", total: "NUMERIC", order_date: "DATE" },
    columnBytes: { order_id: 1000, customer_id: 200, total: 30, order_date: 4 },
    partitionColumn: "order_date",
  });
  estimator.addTable({
    database: "proj",
    schema: "mart",
    name: "totals",
    columns: { customer_id: "STRING", total: "NUMERIC" },
    columnBytes: { customer_id: 50000, total: 600000 },
  });
  const may = Date.UTC(2024, 4, 1) * 1000;
  const june = Date.UTC(2024, 5, 1) * 1000;
  const july = Date.UTC(2024, 6, 1) * 1000;
  estimator.addTable({
    database: "proj",
    schema: "shop",
    name: "orders_by_month",
    columns: { order_id: "STRING", order_date: "DATE" },
    columnBytes: { order_id: 111, order_date: 24 },
    partitionColumn: "order_date",
    partitions: [
      { startMicros: null, endMicros: null, columnBytes: { order_id: 1, order_date: 0 } },
      { startMicros: may, endMicros: june, columnBytes: { order_id: 10, order_date: 8 } },
      { startMicros: june, endMicros: july, columnBytes: { order_id: 100, order_date: 16 } },
    ],
  });
  estimator.addView({
    database: "proj",
    schema: "mart",
    name: "big_orders",
    columns: { order_id: "STRING", total: "NUMERIC" },
    query: "select order_id, total from `proj.shop.orders` where total > 100",
  });
});

afterAll(async () => {
  await estimator?.close();
});

describe("DryRunBytesEstimator", () => {
  it("a query counts the columns it references, once per table however often it reads it", async () => {
    const estimate = await estimator.estimate(
      "select o.customer_id, sum(o.total) as total from `proj.shop.orders` as o join shop.orders as again on again.order_id = o.order_id group by 1",
    );
    expect(estimate.kind).toBe("QueryStmt");
    expect(estimate.reads).toEqual([{ table: "proj.shop.orders", columns: ["customer_id", "order_id", "total"], bytes: 1230, whole: false }]);
    expect(estimate.bytes).toBe(1230);
    expect(estimate.billedBytes).toBe(MINIMUM_BILLED_BYTES_PER_TABLE);
  });

  it("create table as select counts its query; create view counts nothing", async () => {
    expect((await estimator.estimate("create or replace table mart.by_day as select order_date, count(*) as orders from shop.orders group by 1")).bytes).toBe(4);
    expect((await estimator.estimate("create or replace view mart.v as select * from shop.orders")).bytes).toBe(0);
  });

  it("a merge that updates counts its source's columns plus the whole target", async () => {
    const estimate = await estimator.estimate(
      "merge mart.totals as t using (select customer_id, sum(total) as total from shop.orders group by 1) as s on t.customer_id = s.customer_id " +
        "when matched then update set total = s.total when not matched then insert (customer_id, total) values (s.customer_id, s.total)",
    );
    expect(estimate.kind).toBe("MergeStmt");
    expect(estimate.bytes).toBe(230 + 650000);
    expect(estimate.reads.find((read) => read.whole)).toEqual({ table: "proj.mart.totals", columns: ["customer_id", "total"], bytes: 650000, whole: true });
  });

  it("a merge that only inserts, and an insert, do not count their target", async () => {
    const insertOnly = await estimator.estimate(
      "merge mart.totals as t using (select customer_id, total from shop.orders) as s on t.customer_id = s.customer_id when not matched then insert (customer_id, total) values (s.customer_id, s.total)",
    );
    expect(insertOnly.bytes).toBe(230);
    expect((await estimator.estimate("insert into mart.totals (customer_id, total) select customer_id, total from shop.orders")).bytes).toBe(230);
  });

  it("a delete counts the whole table and the columns its subquery reads elsewhere", async () => {
    const estimate = await estimator.estimate("delete from mart.totals where customer_id not in (select customer_id from shop.orders)");
    expect(estimate.bytes).toBe(650000 + 200);
  });

  it("reports a constant filter on a partition column, where BigQuery would prune and the estimate does not", async () => {
    const pruned = await estimator.estimate("select total from shop.orders where order_date >= date '2024-06-01'");
    expect(pruned.unprunedFilters).toEqual([{ table: "proj.shop.orders", column: "order_date" }]);
    expect(pruned.bytes).toBe(34);
    const notConstant = await estimator.estimate("select total from shop.orders where order_date >= (select max(order_date) from shop.orders)");
    expect(notConstant.unprunedFilters).toEqual([]);
  });

  it("reading a view reads what its query references for the columns read, counted with the statement's own reads", async () => {
    // order_id, and total for the view's filter.
    expect((await estimator.estimate("select order_id from mart.big_orders")).bytes).toBe(1030);
    const withTable = await estimator.estimate("select v.order_id, o.customer_id from mart.big_orders as v join shop.orders as o using (order_id)");
    expect(withTable.reads).toEqual([{ table: "proj.shop.orders", columns: ["customer_id", "order_id", "total"], bytes: 1230, whole: false }]);
  });

  it("prunes the partitions a constant bound on the partition column excludes, as BigQuery does", async () => {
    const bytes = async (sql: string) => (await estimator.estimate(sql)).bytes;
    // June only: order_id 100 + order_date 16.
    expect(await bytes("select order_id from shop.orders_by_month where order_date >= date '2024-06-01'")).toBe(116);
    expect(await bytes("select order_id from shop.orders_by_month where date '2024-06-01' > order_date")).toBe(18);
    expect(await bytes("select order_id from shop.orders_by_month where order_date between date '2024-05-31' and date '2024-06-01' and order_id != 'x'")).toBe(134);
    expect((await estimator.estimate("select order_id from shop.orders_by_month where order_date = date '2024-06-15'")).reads[0].partitions).toEqual({ read: 1, total: 3 });
    // Bounds outside every partition read nothing.
    expect(await bytes("select order_id from shop.orders_by_month where order_date > date '2024-12-31'")).toBe(0);
    // An OR, a bound through a function, or another scan without a bound: every partition (and the NULL one).
    expect(await bytes("select order_id from shop.orders_by_month where order_date >= date '2024-06-01' or order_id = 'x'")).toBe(135);
    expect(await bytes("select order_id from shop.orders_by_month where date_add(order_date, interval 1 day) >= date '2024-06-01'")).toBe(135);
    expect(await bytes("select order_id from shop.orders_by_month where order_date >= date '2024-06-01' union all select order_id from shop.orders_by_month")).toBe(135);
  });

  it("a table without sizes is an error naming it", async () => {
    await expect(estimator.estimate("select 1 from shop.unknown_table")).rejects.toThrow(/Table not found: shop.unknown_table/);
  });
});
