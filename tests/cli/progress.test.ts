import { describe, expect, it } from "vitest";
import { createProgressSink, formatBytes, formatEventJson, formatEventLine } from "../../src/cli/progress.js";
import type { ActionResult } from "../../src/runner/results.js";

const NOW = new Date("2024-06-30T12:34:56.789Z");
const ok: ActionResult = { name: "c360.customer_360", kind: "table", fileName: "definitions/marts/customer_360.sqlx", status: "success", seconds: 1.234, engineSeconds: 1.1, rowsAffected: 12345 };

class Capture {
  text = "";
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe("progress lines", () => {
  it("one timestamped line per finished action: counter, status, kind, name, rows and seconds", () => {
    expect(formatEventLine({ event: "action_finished", done: 3, total: 47, result: ok }, NOW)).toBe(
      "12:34:56   3 of 47 OK   table       c360.customer_360 [12,345 rows in 1.23s]",
    );
  });

  it("a failure shows where its SQL error is; a skip says which failure caused it", () => {
    const failed: ActionResult = { ...ok, status: "failed", rowsAffected: undefined, error: "Binder Error: x\n\nLINE 1: ...", errorLine: 28, errorColumn: 5 };
    expect(formatEventLine({ event: "action_finished", done: 1, total: 2, result: failed }, NOW)).toBe(
      "12:34:56  1 of 2 FAIL table       c360.customer_360 [1.23s: definitions/marts/customer_360.sqlx:28:5: Binder Error: x]",
    );
    const skipped: ActionResult = { ...ok, name: "c360.kpi_summary", status: "skipped", seconds: 0, skippedBecause: "c360.customer_360" };
    expect(formatEventLine({ event: "action_finished", done: 2, total: 2, result: skipped }, NOW)).toContain("SKIP table       c360.kpi_summary [skipped: upstream c360.customer_360 failed]");
  });

  it("loaded parts in records and bytes, with the share of bytes done", () => {
    const line = formatEventLine(
      { event: "load_file", file: "shop/orders.csv", table: "bronze_shop.orders", status: "loaded", records: 1500, bytes: 2_500_000, seconds: 0.5, partsDone: 2, partsTotal: 10, bytesDone: 5_000_000, bytesTotal: 25_000_000 },
      NOW,
    );
    expect(line).toBe("12:34:56   2 of 10 shop/orders.csv -> bronze_shop.orders [1,500 records, 2.5 MB in 0.50s; 5.0 MB of 25.0 MB done]");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1_234_567_890)).toBe("1.2 GB");
  });

  it("JSON lines carry the timestamp, the event and the action's figures", () => {
    expect(JSON.parse(formatEventJson({ event: "action_finished", done: 3, total: 47, result: ok }, NOW))).toEqual({
      ts: "2024-06-30T12:34:56.789Z",
      event: "action_finished",
      done: 3,
      total: 47,
      name: "c360.customer_360",
      kind: "table",
      file: "definitions/marts/customer_360.sqlx",
      line: null,
      column: null,
      status: "success",
      unchanged: false,
      rows: 12345,
      seconds: 1.234,
      error: null,
      skippedBecause: null,
      failingRows: null,
    });
  });

  it("outside a terminal the sink writes lines, nothing for a start, and --quiet keeps only warnings", () => {
    const out = new Capture();
    const err = new Capture();
    const sink = createProgressSink({ format: "text", quiet: false, stream: out as never, errorStream: err as never, interactive: false, now: () => NOW });
    sink.emit({ event: "action_started", name: ok.name, kind: "table", file: ok.fileName, total: 1 });
    sink.emit({ event: "action_finished", done: 1, total: 1, result: ok });
    sink.emit({ event: "log", level: "warn", message: "careful" });
    sink.close();
    expect(out.text).toBe("12:34:56  1 of 1 OK   table       c360.customer_360 [12,345 rows in 1.23s]\n");
    expect(err.text).toBe("warning: careful\n");
    const quietOut = new Capture();
    const quiet = createProgressSink({ format: "text", quiet: true, stream: quietOut as never, errorStream: err as never, interactive: false, now: () => NOW });
    quiet.emit({ event: "action_finished", done: 1, total: 1, result: ok });
    quiet.emit({ event: "log", level: "info", message: "hello" });
    expect(quietOut.text).toBe("");
  });

  it("with --log-format json every event is a JSON line on the stream", () => {
    const out = new Capture();
    const sink = createProgressSink({ format: "json", quiet: false, stream: out as never, errorStream: out as never, interactive: true, now: () => NOW });
    sink.emit({ event: "load_started", parts: 2, bytes: 10 });
    sink.emit({ event: "log", level: "info", message: "hi" });
    expect(out.text.trim().split("\n").map((line) => JSON.parse(line))).toEqual([
      { ts: NOW.toISOString(), event: "load_started", parts: 2, bytes: 10 },
      { ts: NOW.toISOString(), event: "log", level: "info", message: "hi" },
    ]);
  });
});
