/**
 * Bronze records from the framework's own parser (JSON array, XML) → staged "csv" file
 * (engine.ts): `record,line,raw,<fields…>`, text quoted, NULL as `\N`. The records are the
 * reference's by construction; staging only replaces the value-by-value hand-over to the
 * engine with one bulk read.
 */
import type { BronzeRecord } from "./bronze-record.js";
import type { StagedFileWriter } from "./staged-file.js";

export async function stageRecords(records: AsyncIterable<BronzeRecord>, fieldCount: number, writer: StagedFileWriter): Promise<number> {
  let count = 0;
  for await (const record of records) {
    count++;
    writer.integer(record.recordNumber);
    writer.separator();
    writer.integer(record.lineNumber);
    writer.separator();
    if (record.raw === null) writer.null();
    else writer.quotedText(record.raw);
    const fields = record.fields;
    for (let index = 0; index < fieldCount; index++) {
      writer.separator();
      const value = fields === null ? null : (fields[index] ?? null);
      if (value === null) writer.null();
      else writer.quotedText(value);
    }
    writer.endRow();
  }
  return count;
}
