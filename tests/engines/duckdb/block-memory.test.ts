/** src/engines/duckdb/block-memory.ts: DuckDB's block allocator, sized to the memory limit unless the target says otherwise. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DuckDbEngine, type DuckDbOptions } from "../../../src/engines/duckdb/duckdb-engine.js";

/** The instance's memory limit and block allocator size, as DuckDB prints them (e.g. "953.6 MiB"). */
async function memorySettings(options: DuckDbOptions): Promise<{ memoryLimit: string; blockAllocator: string }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "c360-block-memory-")), "c360.duckdb");
  const engine = await DuckDbEngine.open(file, options);
  try {
    const [row] = await engine.query("select current_setting('memory_limit') as memory_limit, current_setting('block_allocator_memory') as block_allocator");
    return { memoryLimit: String(row.memory_limit), blockAllocator: String(row.block_allocator) };
  } finally {
    await engine.close();
  }
}

describe("the block allocator (DuckDbEngine.open through block-memory.ts)", () => {
  it("sizes the block allocator to the target's memory limit", async () => {
    const settings = await memorySettings({ memoryLimit: "1GB" });
    expect(settings.memoryLimit).toBe("953.6 MiB");
    expect(settings.blockAllocator).toBe(settings.memoryLimit);
  });

  it("sizes it to DuckDB's own memory limit (a share of the RAM) when the target sets none", async () => {
    const settings = await memorySettings({});
    const [limit, unit] = settings.memoryLimit.split(" ");
    expect(settings.blockAllocator).toMatch(new RegExp(`^\\d+\\.\\d ${unit}$`));
    expect(Number(settings.blockAllocator.split(" ")[0])).toBeCloseTo(Number(limit), 0);
  });

  it("takes the target's own size, or off", async () => {
    expect((await memorySettings({ memoryLimit: "1GB", blockAllocatorMemory: "512MB" })).blockAllocator).toBe("488.2 MiB");
    expect((await memorySettings({ memoryLimit: "1GB", blockAllocatorMemory: "off" })).blockAllocator).toBe("0 bytes");
  });
});
