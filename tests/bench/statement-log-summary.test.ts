/** src/bench/statement-log-summary.ts: a statement log read back, commits apart, slowest statements first. */
import { describe, expect, it } from "vitest";
import { summarizeStatementLog } from "../../src/bench/statement-log-summary.js";

const entry = (phase: string, action: string, kind: "statement" | "commit" | "checkpoint", seconds: number, sql: string) => ({ phase, action, kind, seconds, sql });

describe("summarizeStatementLog", () => {
  const entries = [
    entry("full build", "c360.huge", "statement", 90, "create table huge as select 1"),
    entry("incremental run", "c360.slow", "statement", 2.5, "merge into   c360.slow\n  using source"),
    entry("incremental run", "c360.fast", "statement", 0.25, "select 1"),
    entry("incremental run", "c360.slow", "commit", 1.5, "commit"),
    entry("incremental run", "c360.fast", "commit", 0.5, "commit"),
  ];

  it("sums one phase's statements and commits, names the slowest commits, and lists statements slowest first with their SQL on one line", () => {
    const lines = summarizeStatementLog(entries, "incremental run").split("\n");
    expect(lines[0]).toBe("statement log (incremental run): 2 statements 2.75 s; 2 commits 2.00 s (slowest: c360.slow 1.50, c360.fast 0.50)");
    expect(lines[1]).toMatch(/^ {5}2\.50 {2}c360\.slow +merge into c360\.slow using source$/);
    expect(lines[2]).toMatch(/^ {5}0\.25 {2}c360\.fast +select 1$/);
    expect(lines).toHaveLength(3);
  });

  it("sums the checkpoints run after the commits (--checkpoint-after-commit) apart, with the slowest by action", () => {
    const withCheckpoints = [...entries, entry("incremental run", "c360.slow", "checkpoint", 0.75, "checkpoint"), entry("incremental run", "c360.fast", "checkpoint", 0.05, "checkpoint")];
    const [first] = summarizeStatementLog(withCheckpoints, "incremental run").split("\n");
    expect(first).toBe(
      "statement log (incremental run): 2 statements 2.75 s; 2 commits 2.00 s (slowest: c360.slow 1.50, c360.fast 0.50); 2 checkpoints after them 0.80 s (slowest: c360.slow 0.75, c360.fast 0.05)",
    );
  });

  it("cuts long SQL and keeps the N slowest; no phase means every entry", () => {
    const long = [entry("p", "a", "statement", 1, `select ${"x, ".repeat(60)}y`), entry("p", "b", "statement", 0.5, "select 2")];
    const lines = summarizeStatementLog(long, undefined, 1).split("\n");
    expect(lines[0]).toBe("statement log: 2 statements 1.50 s; 0 commits 0.00 s");
    expect(lines[1]).toMatch(/select x, x, .*…$/);
    expect(lines).toHaveLength(2);
  });
});
