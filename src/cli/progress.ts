/**
 * Progress of load and run, the way dbt logs it: on a terminal a live line of what is running
 * (log-update) above which each finished action stays; elsewhere (pipe, CI, file) one
 * timestamped line per finished action or loaded part; with --log-format json one JSON object
 * per line per event, for machines.
 */
import type { ActionResult } from "../runner/results.js";

export type LogFormat = "text" | "json";

export type ProgressEvent =
  | { event: "log"; level: "info" | "warn"; message: string }
  | { event: "load_started"; parts: number; bytes: number }
  | { event: "load_file"; file: string; table: string; status: "loaded" | "unchanged"; records: number; bytes: number; seconds: number; partsDone: number; partsTotal: number; bytesDone: number; bytesTotal: number }
  | { event: "load_finished"; parts: number; records: number; seconds: number }
  | { event: "action_started"; name: string; kind: string; file: string; total: number }
  | { event: "action_finished"; done: number; total: number; result: ActionResult }
  | { event: "summary"; command: string; elapsedSeconds: number; success: number; failed: number; skipped: number; unchanged: number; failures: { name: string; file: string; line: number | null; column: number | null; error: string }[] };

const MARK: Record<ActionResult["status"], string> = { success: "OK", failed: "FAIL", skipped: "SKIP" };

function clock(now: Date): string {
  return now.toISOString().slice(11, 19);
}

/** 1.5 MB style sizes. */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function actionLine(done: number, total: number, result: ActionResult): string {
  const counter = `${String(done).padStart(String(total).length)} of ${total}`;
  const status = result.unchanged ? "SAME" : MARK[result.status];
  const rows = result.rowsAffected !== undefined ? `${result.rowsAffected.toLocaleString("en-US")} row${result.rowsAffected === 1 ? "" : "s"} in ` : "";
  const detail =
    result.status === "skipped"
      ? `skipped: ${result.skippedBecause?.startsWith("--") ? result.skippedBecause : `upstream ${result.skippedBecause} failed`}`
      : result.unchanged
        ? "unchanged, not rebuilt"
        : result.status === "failed"
          ? `${result.seconds.toFixed(2)}s: ${result.errorLine !== undefined ? `${result.fileName}:${result.errorLine}${result.errorColumn !== undefined ? `:${result.errorColumn}` : ""}: ` : ""}${(result.error ?? "failed").split("\n")[0]}`
          : `${rows}${result.seconds.toFixed(2)}s`;
  return `${counter} ${status.padEnd(4)} ${result.kind.padEnd(11)} ${result.name} [${detail}]`;
}

/** The text line of an event (undefined: the event has no line of its own in text logs). */
export function formatEventLine(event: ProgressEvent, now: Date): string | undefined {
  const stamp = clock(now);
  switch (event.event) {
    case "load_started":
      return `${stamp}  Loading ${event.parts} part(s), ${formatBytes(event.bytes)}`;
    case "load_file": {
      if (event.status === "unchanged") return `${stamp}  ${event.file} -> ${event.table} [loaded before, unchanged]`;
      const counter = `${String(event.partsDone).padStart(String(event.partsTotal).length)} of ${event.partsTotal}`;
      const done = `${formatBytes(event.bytesDone)} of ${formatBytes(event.bytesTotal)} done`;
      return `${stamp}  ${counter} ${event.file} -> ${event.table} [${event.records.toLocaleString("en-US")} records, ${formatBytes(event.bytes)} in ${event.seconds.toFixed(2)}s; ${done}]`;
    }
    case "load_finished":
      return `${stamp}  Loaded ${event.parts} new part(s), ${event.records.toLocaleString("en-US")} records, in ${event.seconds.toFixed(2)}s`;
    case "action_finished":
      return `${stamp}  ${actionLine(event.done, event.total, event.result)}`;
    default:
      return undefined;
  }
}

/** The event as one JSON line: a timestamp, then the event's own fields. */
export function formatEventJson(event: ProgressEvent, now: Date): string {
  if (event.event === "action_finished") {
    const { result } = event;
    return JSON.stringify({
      ts: now.toISOString(),
      event: event.event,
      done: event.done,
      total: event.total,
      name: result.name,
      kind: result.kind,
      file: result.fileName,
      line: result.errorLine ?? null,
      column: result.errorColumn ?? null,
      status: result.status,
      unchanged: result.unchanged ?? false,
      rows: result.rowsAffected ?? null,
      seconds: Number(result.seconds.toFixed(3)),
      error: result.error ?? null,
      skippedBecause: result.skippedBecause ?? null,
      failingRows: result.failingRows ?? null,
    });
  }
  return JSON.stringify({ ts: now.toISOString(), ...event });
}

export interface ProgressSink {
  emit(event: ProgressEvent): void;
  /** On a terminal (text format, not quiet): draw a live line of what runs. Loads log-update. */
  startLiveLine(): Promise<void>;
  /** Clears the live line; call once, when the command is done. */
  close(): void;
}

interface LiveLine {
  (text: string): void;
  clear(): void;
  done(): void;
}

export interface ProgressSinkOptions {
  format: LogFormat;
  quiet: boolean;
  /** Where lines go (stdout, so that `c360 build | tee build.log` keeps them). */
  stream: NodeJS.WriteStream;
  /** Where warnings go in text format. */
  errorStream: NodeJS.WriteStream;
  /** A terminal: the live line may be drawn. */
  interactive: boolean;
  now?: () => Date;
}

/** Text or JSON lines; on a terminal also a live line naming what runs, redrawn every 100 ms. */
export function createProgressSink(options: ProgressSinkOptions): ProgressSink {
  const now = options.now ?? (() => new Date());
  if (options.format === "json") {
    return { emit: (event) => options.stream.write(formatEventJson(event, now()) + "\n"), startLiveLine: async () => {}, close: () => {} };
  }
  let live: LiveLine | undefined;
  let timer: NodeJS.Timeout | undefined;
  const running = new Map<string, number>();
  let counts = { done: 0, total: 0 };
  const redraw = (): void => {
    if (!live) return;
    if (running.size === 0) return live.clear();
    const names = [...running.keys()];
    const oldest = Math.min(...running.values());
    const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? `, +${names.length - 3}` : "");
    live(`${counts.done} of ${counts.total} done; running ${shown} (${((performance.now() - oldest) / 1000).toFixed(1)}s)`);
  };
  const print = (line: string, stream = options.stream): void => {
    live?.clear();
    stream.write(line + "\n");
    redraw();
  };
  return {
    emit: (event) => {
      if (event.event === "log") {
        if (event.level === "warn") print(`warning: ${event.message}`, options.errorStream);
        else if (!options.quiet) print(event.message);
        return;
      }
      if (event.event === "action_started") {
        running.set(event.name, performance.now());
        counts = { ...counts, total: event.total };
        if (live && !timer) timer = setInterval(redraw, 100).unref();
        redraw();
        return;
      }
      if (event.event === "action_finished") {
        running.delete(event.result.name);
        counts = { done: event.done, total: event.total };
      }
      if (options.quiet) return;
      const line = formatEventLine(event, now());
      if (line !== undefined) print(line);
      else redraw();
    },
    startLiveLine: async () => {
      if (live || !options.interactive || options.quiet) return;
      const { createLogUpdate } = await import("log-update");
      live = createLogUpdate(options.stream, { showCursor: true });
    },
    close: () => {
      if (timer) clearInterval(timer);
      live?.clear();
      live?.done();
    },
  };
}
