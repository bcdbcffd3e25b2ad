/** The text and JSON forms of a diff report, from a report built by hand. */
import { describe, expect, it } from "vitest";
import type { DiffReport, TableDiff } from "../../src/diff/compare.js";
import { formatDiffJson, formatDiffText } from "../../src/diff/report.js";

const NO_SCHEMA_DIFFERENCE = { onlyInA: [], onlyInB: [], typeChanged: [] };
const EQUAL: TableDiff = {
  table: "mart.totals",
  status: "equal",
  relationA: '"a"."mart"."totals"',
  relationB: '"b"."mart"."totals"',
  rowsA: 1,
  rowsB: 1,
  schema: NO_SCHEMA_DIFFERENCE,
  rows: { onlyInA: { count: 0, sample: [] }, onlyInB: { count: 0, sample: [] } },
  keyNote: "no unique key (uniqueKey or a uniqueKey assertion): compared as whole rows only",
};
const CHANGED: TableDiff = {
  table: "mart.events",
  status: "different",
  relationA: '"a"."mart"."events"',
  relationB: '"b"."mart"."events"',
  rowsA: 3,
  rowsB: 4,
  schema: { onlyInA: [], onlyInB: [{ name: "note", type: "VARCHAR" }], typeChanged: [{ name: "amount", typeA: "INTEGER", typeB: "BIGINT" }] },
  rows: { onlyInA: { count: 0, sample: [] }, onlyInB: { count: 1, sample: [{ event_id: 3, kind: "click" }] } },
  key: ["event_id", "kind"],
  keySource: "uniqueKey",
  keyed: { matched: 3, onlyInA: 0, onlyInB: 1, columns: [] },
};
const MISSING: TableDiff = { table: "mart.accounts", status: "only_in_a", relationA: "x", relationB: "y", schema: NO_SCHEMA_DIFFERENCE };
const REPORT: DiffReport = { a: "main.duckdb", b: "branch.duckdb", dialect: "duckdb", options: { sampleSize: 5 }, tables: [MISSING, CHANGED, EQUAL], equal: false };

describe("formatDiffText", () => {
  it("gives one line per table and the details of each difference", () => {
    expect(formatDiffText(REPORT)).toBe(
      [
        "A: main.duckdb",
        "B: branch.duckdb",
        "",
        "ONLY A  mart.accounts  missing from B",
        "DIFF    mart.events    3 rows in A, 4 in B  (key event_id, kind)",
        "          column note (VARCHAR) only in B",
        "          column amount: type INTEGER in A, BIGINT in B (values not compared)",
        "          1 row(s) only in B:",
        "            event_id=3, kind='click'",
        "          key (event_id, kind): 3 matched, 0 only in A, 1 only in B",
        "same    mart.totals    1 row  (whole rows)",
        "",
        "3 table(s): 1 equal, 1 different, 1 only in A. The two sides differ.",
        "",
      ].join("\n"),
    );
  });
});

describe("formatDiffJson", () => {
  it("writes every field, null where it does not apply, under a version", () => {
    const document = JSON.parse(formatDiffJson(REPORT));
    expect(document).toMatchObject({ version: 1, equal: false, a: "main.duckdb", b: "branch.duckdb", engine: "duckdb", sampleSize: 5, tolerance: null });
    expect(document.summary).toEqual({ tables: 3, equal: 1, different: 1, only_in_a: 1, only_in_b: 0, absent: 0 });
    expect(document.tables[0]).toEqual({
      table: "mart.accounts",
      status: "only_in_a",
      relationA: "x",
      relationB: "y",
      rowsA: null,
      rowsB: null,
      schema: NO_SCHEMA_DIFFERENCE,
      rows: null,
      key: null,
      keySource: null,
      keyNote: null,
      keyed: null,
    });
    expect(document.tables[1].keyed).toEqual(CHANGED.keyed);
  });
});
