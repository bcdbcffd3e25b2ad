/**
 * A small pool of DuckDB connections. A connection runs one statement at a time, so
 * independent actions each take their own; a transaction pins one connection to the
 * async context that opened it (AsyncLocalStorage), so every statement of the
 * transaction runs on it without threading a handle through the Engine interface.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

export class ConnectionPool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly all: DuckDBConnection[] = [];
  private readonly waiting: ((connection: DuckDBConnection) => void)[] = [];
  private readonly pinned = new AsyncLocalStorage<DuckDBConnection>();

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly size: number,
    private readonly setupStatements: string[],
  ) {}

  /** Runs work on the connection pinned to this async context, or on a pooled one. */
  async with<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const pinned = this.pinned.getStore();
    if (pinned) return work(pinned);
    const connection = await this.acquire();
    try {
      return await work(connection);
    } finally {
      this.release(connection);
    }
  }

  /** Runs work with one connection pinned for every statement issued inside it. */
  async pin<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const pinned = this.pinned.getStore();
    if (pinned) return work(pinned);
    const connection = await this.acquire();
    try {
      return await this.pinned.run(connection, () => work(connection));
    } finally {
      this.release(connection);
    }
  }

  /** True inside pin(): statements issued here run on the pinned connection (in its transaction, if it opened one). */
  isPinned(): boolean {
    return this.pinned.getStore() !== undefined;
  }

  closeAll(): void {
    for (const connection of this.all) connection.closeSync();
    this.all.length = 0;
    this.idle.length = 0;
  }

  private async acquire(): Promise<DuckDBConnection> {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.all.length < this.size) {
      const connection = await this.instance.connect();
      for (const statement of this.setupStatements) await connection.run(statement);
      this.all.push(connection);
      return connection;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(connection: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }
}
