/**
 * DuckDB's block allocator: memory for table blocks that the instance keeps mapped for its
 * whole life. Without it, every block DuckDB reads from the file or writes gets fresh memory
 * from malloc and gives it back afterwards, and the kernel pays a page fault and a zeroed page
 * for each 4 KiB of it again. In the 1 M persons bench the incremental build took 1.47 M page
 * faults (22 s of its 90 CPU-s in the kernel) without it and 1.07 M (15 s) with it. A small
 * build in a fresh process gains nothing (each block is faulted in once either way) and the
 * 100 k persons increment took 1-2 CPU-s more with it: the allocator writes to every page of a
 * block slot the first time it hands the slot out. On by default for the large builds' minutes.
 */
import type { DuckDBInstance } from "@duckdb/node-api";

/** The target's `blockAllocatorMemory` that turns the block allocator off. */
export const BLOCK_ALLOCATOR_OFF = "off";

/**
 * Sets the instance's block allocator to `configured` (the target's blockAllocatorMemory, else
 * its memory limit), or to DuckDB's own memory limit when the target sets neither (read back,
 * as DuckDB prints it, so to about 0.1 %). Blocks live in the buffer pool, which the memory
 * limit bounds, so a larger allocator would hold no more. Its memory is returned when the
 * instance closes; a c360 command's instance lives as long as the command.
 */
export async function keepBlockMemory(instance: DuckDBInstance, configured: string | undefined): Promise<void> {
  if (configured === BLOCK_ALLOCATOR_OFF) return;
  const connection = await instance.connect();
  try {
    const size = configured ?? String((await connection.runAndReadAll("select current_setting('memory_limit') as memory_limit")).getRows()[0][0]);
    await connection.run(`set global block_allocator_memory = '${size.replaceAll("'", "''")}'`);
  } finally {
    connection.closeSync();
  }
}
