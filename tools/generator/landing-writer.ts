/**
 * Writes generated records into a landing folder as SOURCES.md lays it out, one file per
 * part, streaming (records are serialised as they come and flushed in blocks with
 * backpressure, never held whole).
 */
import fs from "node:fs";
import path from "node:path";
import { landingSource } from "./sources.js";
import type { MemberRecord, RecordBatch, SourceTable } from "./model.js";

const FLUSH_CHARS = 1 << 16;

/** A file being written: buffers text and awaits the stream's drain when it is full. */
class PartFile {
  private buffer = "";
  private readonly stream: fs.WriteStream;
  records = 0;

  constructor(readonly absolutePath: string) {
    fs.mkdirSync(path.dirname(absolutePath), { recursive: true });
    this.stream = fs.createWriteStream(absolutePath);
  }

  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= FLUSH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer === "") return;
    const text = this.buffer;
    this.buffer = "";
    if (!this.stream.write(text)) await new Promise<void>((resolve) => this.stream.once("drain", resolve));
  }

  async close(trailer = ""): Promise<void> {
    this.buffer += trailer;
    await this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

export class LandingWriter {
  private readonly files = new Map<string, PartFile>();

  constructor(
    private readonly landingDir: string,
    private readonly partSuffixes: string[],
    private readonly exportedAt: string,
  ) {}

  /** Path of part `part` of a source table, inside the landing folder. */
  partPath(table: SourceTable, part: number): string {
    const source = landingSource(table);
    const suffix = this.partSuffixes[part];
    if (suffix === "") return source.file;
    const extension = path.posix.extname(source.file);
    return `${source.file.slice(0, -extension.length)}-${suffix}${extension}`;
  }

  async writeBatch(batch: RecordBatch): Promise<void> {
    for (const row of batch.customers) await this.writeCsv("customers", row.part, row);
    for (const row of batch.orders) await this.writeCsv("orders", row.part, row);
    for (const row of batch.order_items) await this.writeCsv("order_items", row.part, row);
    for (const event of batch.events) await (await this.open("events", event.part)).write(`${event.line}\n`);
    for (const ticket of batch.tickets) {
      const file = await this.open("tickets", ticket.part);
      await file.write(`${file.records++ === 0 ? "" : ",\n"}  ${ticket.json}`);
    }
    for (const member of batch.members) await (await this.open("members", member.part)).write(memberXml(member));
  }

  /** Writes a whole reference file (small; CSV rows already as fields). */
  writeReference(file: string, header: string[], rows: string[][]): void {
    const target = path.join(this.landingDir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, [header, ...rows].map((row) => row.map(csvField).join(",")).join("\n") + "\n");
  }

  async close(): Promise<void> {
    for (const [key, file] of this.files) {
      const table = key.split("#")[0];
      await file.close(table === "tickets" ? "\n]\n" : table === "members" ? "</members>\n" : "");
    }
  }

  private async writeCsv(table: SourceTable, part: number, record: object): Promise<void> {
    const row = record as Record<string, unknown>;
    const file = await this.open(table, part);
    const source = landingSource(table);
    // Parts alternate CRLF and LF line endings; some rows quote every field.
    const newline = part % 2 === 0 ? "\r\n" : "\n";
    const raw = row.rawLine as string | undefined;
    const quoteAll = file.records++ % 23 === 11;
    const line = raw ?? source.fields.map((field) => (quoteAll ? quoted(String(row[field] ?? "")) : csvField(String(row[field] ?? "")))).join(",");
    await file.write(line + newline);
  }

  private async open(table: SourceTable, part: number): Promise<PartFile> {
    const key = `${table}#${part}`;
    let file = this.files.get(key);
    if (file) return file;
    file = new PartFile(path.join(this.landingDir, this.partPath(table, part)));
    this.files.set(key, file);
    const source = landingSource(table);
    if (source.format === "csv") await file.write(source.fields.join(",") + (part % 2 === 0 ? "\r\n" : "\n"));
    if (source.format === "json-array") await file.write("[\n");
    if (source.format === "xml") {
      const quote = part % 2 === 0 ? '"' : "'";
      await file.write(`<?xml version="1.0" encoding="UTF-8"?>\n<!-- loyalty programme export -->\n<members exported_at=${quote}${this.exportedAt}${quote}>\n`);
    }
    return file;
  }
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF (quotes doubled). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? quoted(value) : value;
}

function quoted(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** One <member> in one of four well-formed spellings (quotes, CDATA, self-closing empties, char refs). */
export function memberXml(member: MemberRecord): string {
  const style = member.style % 4;
  const quote = style === 1 ? "'" : '"';
  const idAttribute = member.id === null ? "" : ` id=${quote}${style === 3 && member.id.length > 0 ? `&#${member.id.charCodeAt(0)};${escapeXml(member.id.slice(1))}` : escapeXml(member.id).replaceAll(quote, quote === '"' ? "&quot;" : "&apos;")}${quote}`;
  const children = (["email", "phone", "tier", "points", "joined_on"] as const)
    .filter((name) => member[name] !== null)
    .map((name) => {
      const value = member[name]!;
      if (value === "") return style === 2 ? `<${name}/>` : `<${name}></${name}>`;
      if (style === 1 && name === "email" && !value.includes("]]>")) return `<${name}><![CDATA[${value}]]></${name}>`;
      return `<${name}>${escapeXml(value)}</${name}>`;
    });
  if (children.length === 0) return `  <member${idAttribute}/>\n`;
  if (style === 0) return `  <member${idAttribute}>\n${children.map((child) => `    ${child}\n`).join("")}  </member>\n`;
  return `  <member${idAttribute}>${children.join("")}</member>\n`;
}
