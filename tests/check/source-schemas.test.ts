import { describe, expect, it } from "vitest";
import { sourceSchema } from "../../src/check/source-schemas.js";
import type { CompiledDeclaration } from "../../src/compile/graph-types.js";
import type { LandingSource } from "../../src/config/landing-sources.js";
import { BOOKKEEPING_COLUMNS } from "../../src/loader/catalog.js";

/** Landing sources as a project declares them (c360.json `sources`). */
const SOURCES: LandingSource[] = [
  { system: "reference", file: "reference/fx_rates.csv", format: "csv", schema: "raw_reference", table: "fx_rates", fields: ["date", "currency", "rate_to_usd"], required: true },
  { system: "reference", file: "reference/countries.csv", format: "csv", schema: "raw_reference", table: "countries", fields: ["alpha2", "alpha3", "name"], required: true },
  { system: "web", file: "web/events.ndjson", format: "ndjson", schema: "raw_web", table: "events", fields: [], required: false },
];

function declaration(schema: string, name: string, columns: string[] = []): CompiledDeclaration {
  return { target: { database: "p", schema, name }, actionDescriptor: { columns: columns.map((column) => ({ path: [column] })) } };
}

describe("declared source schemas", () => {
  it("bronze tables have the loader's columns: text fields, integer record and line numbers", () => {
    const schema = sourceSchema(declaration("raw_reference", "fx_rates"), SOURCES);
    expect(schema).toEqual({
      ok: true,
      columns: {
        _source_file: "STRING",
        _part_suffix: "STRING",
        _record_number: "INT64",
        _line_number: "INT64",
        _raw_record: "STRING",
        date: "STRING",
        currency: "STRING",
        rate_to_usd: "STRING",
      },
    });
    // NDJSON sources keep only the bookkeeping columns (the record is _raw_record).
    const events = sourceSchema(declaration("raw_web", "events", ["_raw_record"]), SOURCES);
    expect(events.ok && Object.keys(events.columns)).toEqual([...BOOKKEEPING_COLUMNS]);
  });

  it("a bronze declaration may document a subset of the loader's columns, not others", () => {
    expect(sourceSchema(declaration("raw_reference", "countries", ["alpha2"]), SOURCES).ok).toBe(true);
    const wrong = sourceSchema(declaration("raw_reference", "countries", ["alpha2", "population"]), SOURCES);
    expect(wrong).toEqual({ ok: false, problem: expect.stringMatching(/^declares column\(s\) population that the loader does not write/) });
  });

  it("other declarations have their declared columns, as text", () => {
    expect(sourceSchema(declaration("vendor", "orders", ["order_id", "_line_number"]), SOURCES)).toEqual({
      ok: true,
      columns: { order_id: "STRING", _line_number: "INT64" },
    });
    expect(sourceSchema(declaration("vendor", "orders"), SOURCES)).toEqual({ ok: false, unknown: expect.stringMatching(/declares no columns/) });
  });
});
