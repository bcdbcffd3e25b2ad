/**
 * DuckDB's block allocator: memory for table blocks that the instance keeps mapped for its
 * whole life. Without it, every block DuckDB reads from the file or writes gets fresh memory
 * from malloc and gives it back afterwards, and the kernel pays a page fault and a zeroed page
 * for each 4 KiB of it again. In the 1 M persons bench the incremental build took 1.47 M page
 * faults (22 s of its 90 CPU-s in the kernel) without it and 1.07 M (15 s) with it. A small
 * build in a fresh process gains nothing (each block is faulted in once either way) and the
 * 100 k persons increment took 1-2 CPU-s more with it: the allocator writes to every page of a
 * block slot the first time it hands the slot out. On by default for the large builds' minutes.
 *
 * Sized to the memory limit: blocks live in the buffer pool, which the limit bounds, so a larger
 * allocator would hold no more. Its memory is returned when the instance closes; a c360
 * command's instance lives as long as the command.
 */
import type { DuckDBInstance } from "@duckdb/node-api";
import { runOnOwnConnection } from "./instance-statement.js";

/** The target's `blockAllocatorMemory` that turns the block allocator off. */
export const BLOCK_ALLOCATOR_OFF = "off";

/**
 * The block allocator's size as the options give it: the target's own (a size, or off), else
 * its memory limit; undefined when neither is set (then it is sized to DuckDB's own limit,
 * sizeBlockMemoryToMemoryLimit).
 */
export function configuredBlockAllocatorMemory(options: { blockAllocatorMemory?: string; memoryLimit?: string }): string | undefined {
  return options.blockAllocatorMemory ?? options.memoryLimit;
}

/**
 * Sizes the block allocator to the memory limit DuckDB chose itself (80 % of the RAM), for a
 * target that sets neither size: a size the target sets goes into the instance's settings.
 */
export async function sizeBlockMemoryToMemoryLimit(instance: DuckDBInstance): Promise<void> {
  await runOnOwnConnection(instance, "set global block_allocator_memory = current_setting('memory_limit')");
}
