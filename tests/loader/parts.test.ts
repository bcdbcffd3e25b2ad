import { describe, expect, it } from "vitest";
import { projectSource } from "../helpers/project.js";
import { comparePartSuffixes, discoverParts, partSuffix } from "../../src/loader/parts.js";
import { writeLanding } from "./helpers.js";

const events = projectSource("events");
const orders = projectSource("orders");

describe("parts", () => {
  it("recognises the plain file and <stem>-<suffix>.<ext>, nothing else", () => {
    expect(partSuffix("events.ndjson", "events", ".ndjson")).toBe("");
    expect(partSuffix("events-2024-07-01.ndjson", "events", ".ndjson")).toBe("2024-07-01");
    expect(partSuffix("events-.ndjson", "events", ".ndjson")).toBeUndefined();
    expect(partSuffix("events.ndjson.bak", "events", ".ndjson")).toBeUndefined();
    expect(partSuffix("events_2024.ndjson", "events", ".ndjson")).toBeUndefined();
    expect(partSuffix("order_items-1.csv", "orders", ".csv")).toBeUndefined();
  });

  it("lists parts in part order: plain first, then suffixes by bytes", () => {
    const folder = writeLanding({
      "web/events-b.ndjson": "",
      "web/events.ndjson": "",
      "web/events-B.ndjson": "",
      "web/events-a.ndjson": "",
      "web/events-10.ndjson": "",
      "web/events-9.ndjson": "",
      "web/other.ndjson": "",
      "shop/orders-x.csv": "",
    });
    expect(discoverParts(folder, events).map((part) => [part.file, part.suffix])).toEqual([
      ["web/events.ndjson", ""],
      ["web/events-10.ndjson", "10"],
      ["web/events-9.ndjson", "9"],
      ["web/events-B.ndjson", "B"],
      ["web/events-a.ndjson", "a"],
      ["web/events-b.ndjson", "b"],
    ]);
    expect(discoverParts(folder, orders).map((part) => part.file)).toEqual(["shop/orders-x.csv"]);
  });

  it("finds no parts in a missing folder", () => {
    expect(discoverParts(writeLanding({}), events)).toEqual([]);
  });

  it("compares suffixes by UTF-8 bytes, not UTF-16 units", () => {
    // In UTF-16 units U+1F600 (0xD83D…) sorts before U+FF5E; in UTF-8 bytes (F0… vs EF…) after it.
    expect("\u{1f600}" < "\uff5e").toBe(true);
    expect(comparePartSuffixes("\uff5e", "\u{1f600}")).toBeLessThan(0);
    expect(comparePartSuffixes("", "0")).toBeLessThan(0);
  });
});
