import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_SOURCES } from "../helpers/project.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { loadLandingFolder, type LoadReport } from "../../src/loader/index.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

// The hand-written fixture, described record by record in tests/fixtures/landing.README.md.
let engine: DuckDbEngine;
let report: LoadReport;
beforeAll(async () => {
  engine = await openMemoryEngine({ connections: 1 });
  report = await loadLandingFolder(engine, "tests/fixtures/landing", PROJECT_SOURCES);
});
afterAll(async () => {
  await engine.close();
});

describe("the hand-written landing fixture in bronze", () => {
  it("holds every record of every part, no more, no less", () => {
    expect(report.warnings).toEqual([]);
    expect(Object.fromEntries(report.tables.map((table) => [table.table, [table.parts, table.records]]))).toEqual({
      "raw_crm.customers": [3, 18],
      "raw_shop.orders": [2, 20],
      "raw_shop.order_items": [2, 14],
      "raw_web.events": [2, 21],
      "raw_support.tickets": [1, 10],
      "raw_loyalty.members": [1, 9],
      "raw_reference.fx_rates": [1, 12],
      "raw_reference.countries": [1, 249],
    });
  });

  it("keeps quoted commas, quotes and CRLF newlines, and numbers records and lines as the README says", async () => {
    const [bob] = await engine.query(`select _record_number, _line_number, first_name, city from raw_crm.customers where crm_id = 'C1002'`);
    expect(bob).toEqual({ _record_number: 2, _line_number: 3, first_name: 'Bob "Bobby"', city: "London\r\nFlat 2" });
    const [luis] = await engine.query(`select _line_number, last_name, postal_code from raw_crm.customers where crm_id = 'C1012'`);
    expect(luis).toEqual({ _line_number: 14, last_name: "García, Jr.", postal_code: "33101" });
    const broken = await engine.query(`select _source_file, _record_number, _line_number, _raw_record, crm_id from raw_crm.customers where _raw_record is not null`);
    expect(broken).toEqual([{ _source_file: "crm/customers.csv", _record_number: 15, _line_number: 18, _raw_record: "C1098,Broken,Row", crm_id: null }]);
    const [order] = await engine.query(`select _raw_record from raw_shop.orders where _raw_record is not null`);
    expect(order._raw_record).toBe("O9009,S9009,broken");
  });

  it("keeps malformed events and tickets as raw text with their positions", async () => {
    const events = await engine.query(`select _record_number, _line_number, _raw_record from raw_web.events where _source_file = 'web/events.ndjson' and _record_number in (8, 12, 13) order by _record_number`);
    expect(events.map((event) => [event._record_number, event._line_number])).toEqual([
      [8, 9],
      [12, 13],
      [13, 14],
    ]);
    expect(events[1]._raw_record).toBe('{"message_id":"m-901","anonymous_id":"a-x","event":"page_viewed","timestamp":"2024-06-01T10:00:00Z"');
    expect(events[2]._raw_record).toBe('["m-902"]');
    const tickets = await engine.query(`select _record_number, _line_number, _raw_record from raw_support.tickets where _record_number in (3, 7) order by 1`);
    expect(tickets[0]).toMatchObject({ _line_number: 6 });
    expect(String(tickets[0]._raw_record)).toMatch(/^\{"ticket_id": "5003", [\s\S]*"satisfaction_score": 6\}$/);
    expect(tickets[1]).toEqual({ _record_number: 7, _line_number: 14, _raw_record: '"just text"' });
  });

  it("reads every XML spelling: quotes, CDATA, entities, character references, empty and omitted elements", async () => {
    const members = await engine.query(`select _record_number, _line_number, member_id, email, phone, tier, points from raw_loyalty.members order by _record_number`);
    expect(members.map((member) => [member._record_number, member._line_number, member.member_id, member.email, member.phone, member.tier, member.points])).toEqual([
      [1, 4, "L0001", "Jane.Doe@Example.com ", "+1 415 555 0199", "Gold", "1520"],
      [2, 11, "L0002", null, "020 7946 0958", "silver", "80"],
      [3, 12, "L0005", "eve.adams@example.com", "+1 212 555 0101", "BRONZE", "n/a"],
      [4, 13, "L0006", "", "+1-646-555-0100", "diamond", "10"],
      [5, 14, "L0007", "jane.doe@example.com", null, "gold", "5"],
      [6, 15, "L0008", "o'hara@example.com", "", "silver", "100"],
      [7, 16, "L0008", "o'hara@example.com", null, "Platinum", "200"],
      [8, 17, null, "no.id@example.com", null, "gold", null],
      [9, 18, "", "empty.id@example.com", null, null, null],
    ]);
  });
});
