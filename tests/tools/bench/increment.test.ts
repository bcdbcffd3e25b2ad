import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { removeIncrement, writeIncrement } from "../../../tools/bench/increment.js";

let landingDir: string;

beforeEach(() => {
  landingDir = fs.mkdtempSync(path.join(os.tmpdir(), "c360-increment-"));
  fs.mkdirSync(path.join(landingDir, "web"));
  fs.mkdirSync(path.join(landingDir, "shop"));
  const events = ["m1", "m2", null, "m4", "m5"].map((id) => (id === null ? "{not json" : JSON.stringify({ message_id: id, event_type: "page_view" })));
  fs.writeFileSync(path.join(landingDir, "web", "events.ndjson"), events.join("\n") + "\n");
  fs.writeFileSync(
    path.join(landingDir, "shop", "orders.csv"),
    ["order_id,customer_email,note", "O1,a@example.com,plain", "O2,b@example.com,plain", 'O3,c@example.com,"with, comma"', "O4,d@example.com,plain", "O5,e@example.com,plain"].join("\n") + "\n",
  );
});

afterEach(() => {
  fs.rmSync(landingDir, { recursive: true, force: true });
});

const newEvents = () => fs.readFileSync(path.join(landingDir, "web", "events-bench-increment.ndjson"), "utf8").trim().split("\n").map((line) => JSON.parse(line).message_id);
const newOrders = () => fs.readFileSync(path.join(landingDir, "shop", "orders-bench-increment.csv"), "utf8").trim().split("\n");

describe("writeIncrement", () => {
  it("takes every Nth record with fresh ids, skipping a sampled record that is not a valid event", async () => {
    expect(await writeIncrement(landingDir, 2)).toEqual({ events: 2, orders: 3 });
    expect(newEvents()).toEqual(["m1-increment", "m5-increment"]);
    expect(newOrders()).toEqual(["order_id,customer_email,note", "O1000000000001,a@example.com,plain", 'O1000000000003,c@example.com,"with, comma"', "O1000000000005,e@example.com,plain"]);
  });

  it("takes every 100th record by default: here only the first", async () => {
    expect(await writeIncrement(landingDir)).toEqual({ events: 1, orders: 1 });
    expect(newEvents()).toEqual(["m1-increment"]);
  });

  it("does not sample its own parts when written again", async () => {
    await writeIncrement(landingDir, 1);
    expect(await writeIncrement(landingDir, 1)).toEqual({ events: 4, orders: 5 });
  });

  it("refuses a sampling step that is not a whole number of at least 1", async () => {
    await expect(writeIncrement(landingDir, 0)).rejects.toThrow(/whole number ≥ 1, not 0/);
    await expect(writeIncrement(landingDir, 1.5)).rejects.toThrow(RangeError);
  });

  it("removeIncrement deletes the new parts and nothing else", async () => {
    await writeIncrement(landingDir, 2);
    removeIncrement(landingDir);
    expect(fs.readdirSync(path.join(landingDir, "web"))).toEqual(["events.ndjson"]);
    expect(fs.readdirSync(path.join(landingDir, "shop"))).toEqual(["orders.csv"]);
  });
});
