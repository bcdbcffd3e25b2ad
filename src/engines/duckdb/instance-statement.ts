/**
 * One statement on a connection of its own, closed afterwards: instance-wide settings and
 * attachments, made before (or after) the engine's connection pool serves statements.
 */
import type { DuckDBInstance } from "@duckdb/node-api";

export async function runOnOwnConnection(instance: DuckDBInstance, sql: string): Promise<void> {
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
  }
}
