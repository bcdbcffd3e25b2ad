import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_SOURCES } from "../helpers/project.js";
import { discoverParts, type LandingPart } from "../../src/loader/parts.js";
import { StagingQueue } from "../../src/loader/staging-queue.js";
import { writeLanding } from "./helpers.js";

function partsOf(folder: string): LandingPart[] {
  return PROJECT_SOURCES.flatMap((source) => discoverParts(folder, source));
}

const EVENTS = Object.fromEntries(Array.from({ length: 4 }, (_, index) => [`web/events-2024-0${index + 1}-01.ndjson`, `{"n":${index}}\n`.repeat(50)]));

describe("StagingQueue", () => {
  it("hands out every part staged, in order, and leaves no staged file behind", async () => {
    const parts = partsOf(writeLanding({ ...EVENTS, "web/events-2024-05-01.ndjson": '{"cr":"\r"}\n' }));
    // A budget of one byte: only the part after the one being taken is staged ahead.
    const queue = new StagingQueue(parts, 1);
    const folders = new Set<string>();
    for (const part of parts) {
      const staged = await queue.take(part);
      if (part.file.includes("05-01")) {
        expect(staged).toBeUndefined(); // a carriage return inside a line: read by the framework instead
        continue;
      }
      expect(staged).toMatchObject({ records: 50, format: "lines" });
      folders.add(path.dirname(staged!.path));
      fs.rmSync(staged!.path);
    }
    await queue.close();
    expect([...folders].filter((folder) => fs.existsSync(folder))).toEqual([]);
  });

  it("removes what was staged ahead when the load stops early", async () => {
    const parts = partsOf(writeLanding(EVENTS));
    const queue = new StagingQueue(parts);
    const first = await queue.take(parts[0]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let it stage the others meanwhile
    await queue.close();
    expect(fs.existsSync(path.dirname(first!.path))).toBe(false);
  });

  it("passes a part the loader cannot stage through take, undefined", async () => {
    const parts = partsOf(writeLanding({ "shop/orders.csv": 'order_id\n"never closed\n' }));
    const queue = new StagingQueue(parts);
    expect(await queue.take(parts[0])).toBeUndefined();
    await queue.close();
  });
});
