/**
 * An XML landing file → bronze records, one per record element (XmlLayout.record) under the
 * root element (XmlLayout.root), streamed through saxes (any well-formed spelling: quotes,
 * CDATA, entities, empty or omitted elements). Fields: the record's attributes and the
 * root's attributes the layout maps to columns, and the text of each child element named
 * like a column (null when omitted, '' when empty). The record element's XML text is kept
 * as the raw record.
 */
import { SaxesParser, type SaxesTagPlain } from "saxes";
import type { XmlLayout } from "../config/landing-sources.js";
import { LandingFileError } from "../errors.js";
import type { BronzeRecord, WarningSink } from "./bronze-record.js";
import type { LandingChunk } from "./landing-input.js";

/**
 * The decoded text saxes has been fed but not finished with. saxes reports positions as
 * indexes into the whole stream's JavaScript string; the window maps them to its own text.
 */
class TextWindow {
  private text = "";
  /** Stream index of text[0]. */
  private base = 0;
  private newlinesBefore = 0;

  append(chunk: string): void {
    this.text += chunk;
  }

  get length(): number {
    return this.text.length;
  }

  /** Window index of stream index `position`. */
  indexOf(position: number): number {
    return position - this.base;
  }

  slice(fromIndex: number, toIndex: number): string {
    return this.text.slice(fromIndex, toIndex);
  }

  lastIndexOf(search: string, beforeIndex: number): number {
    return this.text.lastIndexOf(search, beforeIndex);
  }

  lineAt(index: number): number {
    return this.newlinesBefore + countNewlines(this.text, index) + 1;
  }

  /** Forgets the text before window index `index`. */
  dropBefore(index: number): void {
    if (index <= 0) return;
    this.newlinesBefore += countNewlines(this.text, index);
    this.text = this.text.slice(index);
    this.base += index;
  }
}

function countNewlines(text: string, before: number): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at >= 0 && at < before; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

interface OpenRecord {
  startIndex: number;
  lineNumber: number;
  /** Column → value, for the record's attributes and the child elements seen so far. */
  values: Map<string, string | null>;
}

/** `fields` is the bronze field order; `layout` says which of them are attributes. */
export async function* parseXmlRecords(
  chunks: AsyncIterable<LandingChunk>,
  file: string,
  fields: readonly string[],
  layout: XmlLayout,
  warn: WarningSink,
): AsyncGenerator<BronzeRecord> {
  const { root: rootName, record: recordName } = layout;
  const recordAttributes = Object.entries(layout.recordAttributes);
  const rootAttributes = Object.entries(layout.rootAttributes);
  const childFields = new Set(fields.filter((field) => !(field in layout.recordAttributes) && !(field in layout.rootAttributes)));
  const window = new TextWindow();
  const parser = new SaxesParser({ position: true, xmlns: false });
  const ready: BronzeRecord[] = [];
  const ignoredNames = new Set<string>();
  let failure: LandingFileError | undefined;
  let rootValues = new Map<string, string | null>();
  let depth = 0;
  let recordNumber = 0;
  let current: OpenRecord | undefined;
  let field: { name: string; depth: number; text: string } | undefined;

  parser.on("error", (error) => {
    failure ??= new LandingFileError(file, `line ${parser.line}, column ${parser.column}`, `invalid XML: ${error.message.replace(/^\d+:\d+: /, "")}`, { cause: error });
  });
  parser.on("opentagstart", (tag) => {
    if (depth === 1 && tag.name === recordName) {
      // saxes has read past the name and one delimiter; find the '<' that opened it.
      const startIndex = window.lastIndexOf(`<${tag.name}`, window.indexOf(parser.position));
      current = { startIndex, lineNumber: window.lineAt(startIndex), values: new Map() };
    }
  });
  parser.on("opentag", (tag: SaxesTagPlain) => {
    depth++;
    if (depth === 1) {
      if (tag.name !== rootName) failure ??= new LandingFileError(file, `line ${parser.line}`, `the root element is <${tag.name}>, expected <${rootName}>`);
      rootValues = new Map(rootAttributes.map(([column, name]) => [column, attribute(tag, name)]));
    } else if (depth === 2) {
      if (tag.name === recordName && current) for (const [column, name] of recordAttributes) current.values.set(column, attribute(tag, name));
      else if (!ignoredNames.has(tag.name)) {
        ignoredNames.add(tag.name);
        warn(`${file}: ignoring <${tag.name}> elements under <${rootName}> (only <${recordName}> is a record)`);
      }
    } else if (depth === 3 && current && childFields.has(tag.name) && !current.values.has(tag.name)) {
      field = { name: tag.name, depth, text: "" };
    }
  });
  const onText = (text: string) => {
    if (field) field.text += text;
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  parser.on("closetag", (tag) => {
    if (field && depth === field.depth) {
      current?.values.set(field.name, field.text);
      field = undefined;
    }
    if (depth === 2 && current && tag.name === recordName) {
      const endIndex = window.indexOf(parser.position);
      recordNumber++;
      const open = current;
      ready.push({
        recordNumber,
        lineNumber: open.lineNumber,
        fields: fields.map((name) => (rootValues.has(name) ? rootValues.get(name)! : (open.values.get(name) ?? null))),
        raw: window.slice(open.startIndex, endIndex),
      });
      current = undefined;
      window.dropBefore(endIndex);
    }
    depth--;
  });

  let sawText = false;
  for await (const chunk of chunks) {
    const text = chunk.bytes.toString("utf8");
    sawText ||= text.trim() !== "";
    window.append(text);
    parser.write(text);
    if (failure) throw failure;
    // Between records only text after the last '<' can still be needed (a tag cut by the chunk).
    if (!current && window.length > 1 << 20) window.dropBefore(window.lastIndexOf("<", window.length));
    yield* ready.splice(0);
  }
  if (!sawText) throw new LandingFileError(file, "byte 0", `the file is empty: expected a <${rootName}> document`);
  parser.close();
  if (failure) throw failure;
  yield* ready.splice(0);
}

function attribute(tag: SaxesTagPlain, name: string): string | null {
  const value = tag.attributes[name];
  return value === undefined ? null : value;
}
