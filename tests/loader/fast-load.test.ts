/**
 * ARCHITECTURE.md: an engine's own reader may replace the framework's parser only where a
 * test shows identical bronze rows. This is that test: each landing folder is loaded once
 * through the framework's parsers (the reference) and once through staged files read by
 * DuckDB, and every bronze table must match row for row, with the same report or error.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { comparableReport, loadBothWays, readers, type LoadOutcome } from "./both-paths.js";
import { writeLanding } from "./helpers.js";

const REFERENCE = {
  "reference/fx_rates.csv": "date,currency,rate_to_usd\n2024-06-28,EUR,1.0712\n",
  "reference/countries.csv": 'alpha2,alpha3,name\r\nUS,USA,United States\r\nBQ,BES,"Bonaire, Sint Eustatius and Saba"\r\n',
};

function expectIdentical({ reference, fast }: { reference: LoadOutcome; fast: LoadOutcome }): void {
  expect(fast.error).toEqual(reference.error);
  expect(comparableReport(fast)).toEqual(comparableReport(reference));
  expect(Object.keys(fast.tables)).toEqual(Object.keys(reference.tables));
  for (const [table, rows] of Object.entries(reference.tables)) expect(fast.tables[table], table).toEqual(rows);
}

/** Awkward order_items records, every one ending as written. */
const AWKWARD_ITEMS = [
  "O1,1,SKU-1,Mug,home,1,10.00\r\n",
  "O2,1,SKU-2,Cup,home,2,5.00\n",
  'O3,1,SKU-3,"Mug, large",home,1,12.00\r\n',
  'O4,1,SKU-4,"The ""best"" mug",home,1,12.00\n',
  'O5,1,SKU-5,"two\nlines",home,1,1\n',
  'O6,1,SKU-6,"two\r\nlines",home,1,1\r\n',
  'O7,1,SKU-7,"cr\ronly",home,1,1\n',
  '"O8","1","SKU-8","x","y","1","2"\n',
  "O9,,,,,,\n",
  'O10,"","","","","",""\n',
  "O11,broken row\r\n",
  "O12,1,2,3,4,5,6,7,8\n",
  "lonely\n",
  'O13,1,SKU-13,O"Brien,home,1,1\n',
  'O14,1,SKU-14,"abc"def,home,1,1\n',
  'O15,1,SKU-15,"a""b"c,home,1,1\n',
  'O16,1,SKU-16,""a,home,1,1\n',
  'O17,1,SKU-17,abc",home,1,1\n',
  'O18,1,SKU-18,"abc"\rX,home,1,1\n',
  "O19,1,SKU-19,a\rb,home,1,1\r\n",
  "O20,1,\\N,x,home,1,1\n",
  'O21,1,"\\N",x,home,1,1\n',
  "O22,1,SKU\u0000,x,home,1,1\n",
  "O23,1,SKU-é,😀 emoji,ümlaut,1,€\n",
  "   \n",
  "\t\t\r\n",
  "\r\n",
  "\n",
  "\r\r\n",
  " \u000b \n",
  "\u00a0\n",
  '""\n',
  "  O24,1,SKU,x ,home,1,1\n",
  'O25,1,"\\N\n",x,home,1,1\n',
  'O26,"a"b,"c,d",x,home,1,1\n',
  "O27,1,SKU,x,home,1,1,\n",
  'O28,1,SKU,"x\n\n\ny",home,1,1\n',
];

describe("loading through DuckDB's own reader gives the reference's bronze rows", () => {
  it("for the hand-written fixture", async () => {
    const both = await loadBothWays("tests/fixtures/landing");
    expectIdentical(both);
    expect(Object.values(readers(both.fast)).every((reader) => reader === "engine")).toBe(true);
  });

  it("for the shipped seeds", async () => {
    const both = await loadBothWays("seeds");
    expectIdentical(both);
    expect(Object.values(readers(both.fast)).every((reader) => reader === "engine")).toBe(true);
  });

  it("for awkward CSV records: quoted newlines, CRLF, BOM, blank lines, wrong field counts, stray quotes, \\N, NUL, unicode", async () => {
    // Shuffled header (order, case, spaces), a BOM, blank lines before it, no final newline,
    // and enough repetitions for DuckDB to read it in several pieces.
    const header = "\ufeff\r\n\n  \nSKU, order_id ,Line_Number,product_name,category,quantity,unit_price\r\n";
    const body = Array.from({ length: 300 }, () => AWKWARD_ITEMS.join("")).join("");
    const both = await loadBothWays(writeLanding({ ...REFERENCE, "shop/order_items.csv": `${header}${body}O99,1,SKU,last,home,1,1` }));
    expectIdentical(both);
    expect(readers(both.fast)["shop/order_items.csv"]).toBe("engine");
    const items = both.fast.tables["raw_shop.order_items"];
    expect(items).toHaveLength(300 * 32 + 1);
    expect(items.filter((row) => row._raw_record !== null)).toHaveLength(300 * 7);
  });

  it("for extra header columns (with the same warning) and parts in part order", async () => {
    const orders = "order_id,shop_customer_id,customer_email,order_ts,status,currency,subtotal,discount,shipping,tax,total,channel,updated_at,note\n";
    const both = await loadBothWays(
      writeLanding({
        ...REFERENCE,
        "shop/orders.csv": `${orders}O1,S1,a@b.co,2024-03-05,completed,EUR,1,0,0,0,1,web,2024-03-05,"n, 1"\n`,
        "shop/orders-2024-01-01.csv": `${orders}O2,S2,"x""y",t,s,c,1,2,3,4,5,6,7,8\nO3,short\n`,
        "shop/order_items-b.csv": "order_id,line_number,sku,product_name,category,quantity,unit_price\n",
        "shop/order_items-a.csv": "order_id,line_number,sku,product_name,category,quantity,unit_price\nO1,1,s,p,c,1,1",
      }),
    );
    expectIdentical(both);
    expect(both.fast.report?.warnings).toContain("shop/orders.csv: ignoring column(s) not in the contract: note");
  });

  it("for awkward NDJSON lines: blank by trim(), CRLF, BOM, invalid JSON, unicode, no final newline", async () => {
    const lines = ['{"a":1}', "", "   ", "\t", "\u00a0\u3000", " {\"b\":2} ", "{not json", '["x"]', "é😀 \"quoted\", comma", '{"c":"d"}\r', "\\N x", "\u0000"];
    const both = await loadBothWays(
      writeLanding({
        ...REFERENCE,
        "web/events.ndjson": `\ufeff${Array.from({ length: 2_000 }, () => lines.join("\n")).join("\r\n")}\nlast`,
        "web/events-2024-01-01.ndjson": "\n\n   \n",
        "web/events-2024-02-01.ndjson": "",
      }),
    );
    expectIdentical(both);
    expect(Object.values(readers(both.fast))).toEqual(["engine", "engine", "engine", "engine", "engine"]);
  });

  it("for JSON-array and XML text that needs quoting in the staged file", async () => {
    const both = await loadBothWays(
      writeLanding({
        ...REFERENCE,
        "support/tickets.json": '[{"t": "a,b", "q": "say \\"hi\\"", "n": "line\\nbreak", "z": "\\u0000"},\n "\\\\N", 12,\n\n  {"x": ["é😀"]}\r\n]',
        "loyalty/members.xml":
          '<members exported_at="2024-06-30"><member id="L1"><email><![CDATA[a,"b"\n\\N]]></email><tier>\\N</tier></member>\n<member id=\'L2\'><email/><points>1</points></member></members>',
      }),
    );
    expectIdentical(both);
    expect(both.fast.tables["raw_support.tickets"].map((ticket) => ticket._raw_record)).toEqual([
      '{"t": "a,b", "q": "say \\"hi\\"", "n": "line\\nbreak", "z": "\\u0000"}',
      '"\\\\N"',
      "12",
      '{"x": ["é😀"]}',
    ]);
    expect(both.fast.tables["raw_loyalty.members"].map((member) => [member.email, member.tier])).toEqual([
      ['a,"b"\n\\N', "\\N"],
      ["", null],
    ]);
  });

  it("for lines and records the staged formats cannot carry: the framework's parser loads those parts", async () => {
    const both = await loadBothWays(
      writeLanding({
        ...REFERENCE,
        "web/events.ndjson": '{"a":1}\n{"cr":"\r"}\n',
        "web/events-2024-01-01.ndjson": '{"a":1}\n\\N\n',
        "web/events-2024-02-01.ndjson": '{"a":"\u0001"}\n',
        "shop/orders.csv": `order_id,shop_customer_id,customer_email,order_ts,status,currency,subtotal,discount,shipping,tax,total,channel,updated_at\nO1,"${"x".repeat(1_100_000)}",,,,,,,,,,,\n`,
      }),
    );
    expectIdentical(both);
    expect(readers(both.fast)).toMatchObject({
      "web/events.ndjson": "framework",
      "web/events-2024-01-01.ndjson": "framework",
      "web/events-2024-02-01.ndjson": "framework",
      "shop/orders.csv": "framework",
      "reference/countries.csv": "engine",
    });
  });

  it("with the same error for a broken part, keeping the parts loaded before it", async () => {
    const cases: Record<string, string | Buffer>[] = [
      { "shop/order_items.csv": 'order_id,line_number,sku,product_name,category,quantity,unit_price\nO1,1,"never closed,x\nO2,1,a,b,c,1,1\n' },
      { "shop/order_items.csv": "order_id,line_number,sku\nO1,1,a\n" },
      { "shop/order_items.csv": "" },
      { "support/tickets.json": '[{"a": 1}, "\\N is not JSON text"]' },
      { "web/events.ndjson": Buffer.concat([Buffer.from('{"a":1}\n{"b":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]) },
    ];
    for (const broken of cases) {
      const folder = writeLanding({ ...REFERENCE, "crm/customers.csv": fs.readFileSync(path.join("tests/fixtures/landing/crm/customers.csv")), ...broken });
      const both = await loadBothWays(folder);
      expect(both.reference.error?.name).toBe("LandingFileError");
      expectIdentical(both);
      expect(both.fast.tables["raw_crm.customers"].length).toBeGreaterThan(0);
    }
  });
});
