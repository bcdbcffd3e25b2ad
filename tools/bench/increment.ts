/**
 * The benchmark's incremental step: new landing parts holding about 1 % new events and
 * 1 % new orders, made from every 100th record of the existing parts (every Nth with
 * --increment-every N) with fresh identifiers (message_id, order_id), so the increment looks
 * like the data the full build saw. Written as new parts (`-bench-increment` suffix), as a
 * real export would arrive.
 */
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { parse } from "csv-parse";

/** Every 100th record: about 1 % new events and orders, the increment the benchmark's target speaks of. */
export const DEFAULT_SAMPLE_EVERY = 100;

async function* sampledLines(file: string, sampleEvery: number): AsyncGenerator<string> {
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let index = 0;
  for await (const line of lines) {
    if (line.trim() && index++ % sampleEvery === 0) yield line;
  }
}

function partsOf(landingDir: string, folder: string, stem: string, extension: string): string[] {
  const directory = path.join(landingDir, folder);
  if (!fs.existsSync(directory)) return [];
  return fs
    .readdirSync(directory)
    .filter((name) => (name === `${stem}.${extension}` || name.startsWith(`${stem}-`)) && name.endsWith(`.${extension}`) && !name.includes("bench-increment"))
    .sort()
    .map((name) => path.join(directory, name));
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Writes the new parts: every `sampleEvery`th event and order record of the existing parts, with fresh identifiers. */
export async function writeIncrement(landingDir: string, sampleEvery = DEFAULT_SAMPLE_EVERY): Promise<{ events: number; orders: number }> {
  if (!Number.isInteger(sampleEvery) || sampleEvery < 1) throw new RangeError(`the increment samples every Nth record: N must be a whole number ≥ 1, not ${sampleEvery}`);
  let events = 0;
  const eventLines: string[] = [];
  for (const file of partsOf(landingDir, "web", "events", "ndjson")) {
    for await (const line of sampledLines(file, sampleEvery)) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // a quarantine case of the generator; the increment carries only valid events
      }
      if (typeof record !== "object" || record === null || typeof record.message_id !== "string" || !record.message_id) continue;
      record.message_id = `${record.message_id}-increment`;
      eventLines.push(JSON.stringify(record));
      events++;
    }
  }
  fs.writeFileSync(path.join(landingDir, "web", "events-bench-increment.ndjson"), eventLines.join("\n") + "\n");

  let orders = 0;
  const orderRows: string[] = [];
  let header: string[] | undefined;
  for (const file of partsOf(landingDir, "shop", "orders", "csv")) {
    let index = 0;
    const parser = fs.createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }));
    let fileHeader: string[] | undefined;
    for await (const row of parser as AsyncIterable<string[]>) {
      if (!fileHeader) {
        fileHeader = row;
        header ??= row;
        continue;
      }
      if (index++ % sampleEvery !== 0 || row.length !== fileHeader.length) continue;
      const record = Object.fromEntries(fileHeader.map((name, column) => [name, row[column]]));
      if (!/^O\d+$/.test(record.order_id ?? "")) continue;
      // Far above any generated number, so the new ids never collide with existing ones.
      record.order_id = `O${BigInt(record.order_id.slice(1)) + 10n ** 12n}`;
      orderRows.push((header ?? fileHeader).map((name) => csvField(record[name] ?? "")).join(","));
      orders++;
    }
  }
  if (header) fs.writeFileSync(path.join(landingDir, "shop", "orders-bench-increment.csv"), [header.join(","), ...orderRows].join("\n") + "\n");
  return { events, orders };
}

export function removeIncrement(landingDir: string): void {
  for (const file of [path.join(landingDir, "web", "events-bench-increment.ndjson"), path.join(landingDir, "shop", "orders-bench-increment.csv")]) {
    fs.rmSync(file, { force: true });
  }
}
