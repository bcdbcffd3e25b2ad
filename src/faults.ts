/**
 * Named fault points, for the fault-injection tests (tests/faults/): a kill or a failure
 * must be put at a known place inside a load, a table swap or a merge, which a timer
 * cannot do. Off unless C360_FAULT_AT is set; then a passing point is one counter lookup.
 *
 * - C360_FAULT_AT=<label>:<n>  the n-th time (1-based) the process passes the point <label>
 *   it acts as C360_FAULT_MODE says:
 *   - kill (default): SIGKILL to itself, as kill -9 from outside would;
 *   - error: throws an InjectedFault (the statement, load or swap there fails);
 *   - corrupt: overwrites the second half of the landing file the point is reading, with
 *     bytes that are not UTF-8 (only points that pass a file: load.read-half).
 * - C360_FAULT_LOG=<file>: every point passed is appended to <file> as `<label> <n>`, so a
 *   test can count the points a command passes, and knows which one it stopped at.
 */
import fs from "node:fs";
import { C360Error } from "./errors.js";

/** The points the framework passes (tests/faults/ lists where each one is). */
export const FAULT_POINTS = [
  /** Before each landing part is read and loaded. */
  "load.part",
  /** Once per landing part, when half of its bytes have been read. */
  "load.read-half",
  /** A part's rows are in its table; its manifest row is not (inside the part's transaction). */
  "load.part-rows",
  /** Between two bronze tables swapped in by a full refresh (and before the first). */
  "load.swap",
  /** Every bronze table is swapped in; the manifest is not yet written. */
  "load.manifest",
  /** Every statement an engine runs (DDL, DML, queries, loads). */
  "engine.statement",
  /** An incremental's new rows are computed; the merge has not run. */
  "merge.staged",
  /** The merge ran; its transaction has not committed. */
  "merge.done",
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

export class InjectedFault extends C360Error {
  override readonly exitCode = 1;
}

interface FaultPlan {
  label: string;
  at: number;
  mode: "kill" | "error" | "corrupt";
}

const passed = new Map<string, number>();
let plan: FaultPlan | undefined;
/** The settings the plan and counters belong to: changed settings (a test) start afresh. */
let planKey: string | undefined;

function currentPlan(): FaultPlan | undefined {
  const key = `${process.env.C360_FAULT_AT ?? ""}|${process.env.C360_FAULT_MODE ?? ""}|${process.env.C360_FAULT_LOG ?? ""}`;
  if (key === planKey) return plan;
  planKey = key;
  passed.clear();
  const spec = process.env.C360_FAULT_AT;
  const match = spec ? /^([a-z.-]+):(\d+)$/.exec(spec) : null;
  if (spec && !match) throw new C360Error(`C360_FAULT_AT must be <point>:<n> (e.g. load.swap:1), got "${spec}"`);
  const mode = process.env.C360_FAULT_MODE ?? "kill";
  if (mode !== "kill" && mode !== "error" && mode !== "corrupt") throw new C360Error(`C360_FAULT_MODE must be kill, error or corrupt, got "${mode}"`);
  if (match && !(FAULT_POINTS as readonly string[]).includes(match[1])) throw new C360Error(`C360_FAULT_AT names an unknown point "${match[1]}": one of ${FAULT_POINTS.join(", ")}`);
  plan = match ? { label: match[1], at: Number(match[2]), mode } : undefined;
  return plan;
}

/** Passes the named point; `file`: the landing file being read there (corrupt mode). */
export function faultPoint(label: FaultPoint, file?: string): void {
  const active = currentPlan();
  const log = process.env.C360_FAULT_LOG;
  if (!active && !log) return;
  const count = (passed.get(label) ?? 0) + 1;
  passed.set(label, count);
  if (log) fs.appendFileSync(log, `${label} ${count}\n`);
  if (!active || active.label !== label || active.at !== count) return;
  if (active.mode === "kill") process.kill(process.pid, "SIGKILL");
  if (active.mode === "corrupt") {
    if (!file) throw new C360Error(`C360_FAULT_MODE=corrupt needs a point that reads a file (load.read-half), not ${label}`);
    corruptSecondHalf(file);
    return;
  }
  throw new InjectedFault(`injected fault at ${label}:${count}`);
}

/** Overwrites the second half of a file with bytes that are not UTF-8, keeping its size. */
function corruptSecondHalf(file: string): void {
  const size = fs.statSync(file).size;
  const half = Math.floor(size / 2);
  const descriptor = fs.openSync(file, "r+");
  try {
    fs.writeSync(descriptor, Buffer.alloc(size - half, 0xff), 0, size - half, half);
  } finally {
    fs.closeSync(descriptor);
  }
}
