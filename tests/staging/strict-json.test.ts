/**
 * A web event line is JSON only as RFC 8259 defines it (SOURCES.md): a trailing comma, a
 * comment, single quotes, NaN or Infinity make it `invalid_json`, whatever the engine's own
 * JSON check accepts (DuckDB's json_valid takes trailing commas and NaN). Strings that
 * merely contain such text are JSON and are accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referenceFiles } from "./landing-builder.js";
import { SilverBuild, writeLanding } from "./silver-harness.js";

const EVENT = '"anonymous_id":"a1","event":"page_viewed","timestamp":"2024-03-05T14:20:01Z"';
/** Line → the quarantine reason it must get (null: accepted). */
const LINES: [string, string | null][] = [
  ['{"message_id": "m-x",}', "invalid_json"],
  [`{"message_id":"m1",${EVENT},}`, "invalid_json"],
  [`{"message_id":"m2",${EVENT},"tags":[1,2,]}`, "invalid_json"],
  [`{"message_id":"m3",${EVENT},"tags":[1 , ]}`, "invalid_json"],
  [`{"message_id":"m4",${EVENT}} // a comment`, "invalid_json"],
  [`{"message_id":"m5",${EVENT} /* a comment */}`, "invalid_json"],
  [`{'message_id':'m6',${EVENT}}`, "invalid_json"],
  [`{"message_id":"m7",${EVENT},"value":NaN}`, "invalid_json"],
  [`{"message_id":"m8",${EVENT},"value":nan}`, "invalid_json"],
  [`{"message_id":"m9",${EVENT},"value":Infinity}`, "invalid_json"],
  [`{"message_id":"m10",${EVENT},"value":-Infinity}`, "invalid_json"],
  [`{"message_id":"m11",${EVENT},"values":[1,inf]}`, "invalid_json"],
  ["NaN", "invalid_json"],
  // Look-alikes inside strings: valid JSON.
  [`{"message_id":"m12",${EVENT},"note":"a,}b ,] :NaN, [Infinity // /* 'x'"}`, null],
  [`{"message_id":"m13",${EVENT},"note":"ends with a backslash \\\\",  "tags" : [ 1 , 2 ] }`, null],
  [`{"message_id":"m14",${EVENT},"nan":1,"infinity":"inf"}`, null],
  [`{"message_id":"m15",${EVENT},"value":1e5}`, null],
];

let build: SilverBuild;
beforeAll(async () => {
  const landing = writeLanding({ ...referenceFiles(), "web/events.ndjson": LINES.map(([line]) => line).join("\n") + "\n" });
  build = await SilverBuild.open();
  await build.load(landing);
  await build.run({ select: ["+stg_web__events", "+events_quarantine"] });
});
afterAll(async () => {
  await build.close();
});

describe("strict JSON for web events", () => {
  it("quarantines every line RFC 8259 does not accept as invalid_json, and accepts look-alikes inside strings", async () => {
    const quarantined = new Map((await build.query("select record_number, reason from c360_staging.events_quarantine")).map((row) => [Number(row.record_number), row.reason]));
    const accepted = new Set((await build.query("select message_id from c360_staging.stg_web__events")).map((row) => row.message_id));
    LINES.forEach(([line, reason], index) => {
      expect([line, quarantined.get(index + 1) ?? null]).toEqual([line, reason]);
      // Every line RFC 8259 accepts is JSON.parse-able: the test's own cross-check.
      expect([line, isJson(line)]).toEqual([line, reason !== "invalid_json"]);
    });
    expect([...accepted].sort()).toEqual(["m12", "m13", "m14", "m15"]);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
