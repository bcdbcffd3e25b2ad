/**
 * The loyalty XML export → bronze records, one per <member> child of the <members> root,
 * streamed through saxes (any well-formed spelling: quotes, CDATA, entities, empty or
 * omitted elements). Fields: the `id` attribute, the text of each child element named in
 * the contract (null when omitted, '' when empty) and the root's `exported_at`.
 * The member element's XML text is kept as the raw record.
 */
import { SaxesParser, type SaxesTagPlain } from "saxes";
import { LandingFileError } from "../errors.js";
import type { BronzeRecord, WarningSink } from "./bronze-record.js";
import type { LandingChunk } from "./landing-input.js";

const ROOT = "members";
const MEMBER = "member";

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

interface OpenMember {
  startIndex: number;
  lineNumber: number;
  id: string | null;
  /** Field name → text, for the contract's child elements seen so far. */
  values: Map<string, string>;
}

/** `fields` is the bronze field order: member_id, the child element names, exported_at. */
export async function* parseMembersXml(chunks: AsyncIterable<LandingChunk>, file: string, fields: readonly string[], warn: WarningSink): AsyncGenerator<BronzeRecord> {
  const childFields = new Set(fields.filter((field) => field !== "member_id" && field !== "exported_at"));
  const window = new TextWindow();
  const parser = new SaxesParser({ position: true, xmlns: false });
  const ready: BronzeRecord[] = [];
  const ignoredNames = new Set<string>();
  let failure: LandingFileError | undefined;
  let exportedAt: string | null = null;
  let depth = 0;
  let recordNumber = 0;
  let member: OpenMember | undefined;
  let field: { name: string; depth: number; text: string } | undefined;

  parser.on("error", (error) => {
    failure ??= new LandingFileError(file, `line ${parser.line}, column ${parser.column}`, `invalid XML: ${error.message.replace(/^\d+:\d+: /, "")}`, { cause: error });
  });
  parser.on("opentagstart", (tag) => {
    if (depth === 1 && tag.name === MEMBER) {
      // saxes has read past the name and one delimiter; find the '<' that opened it.
      const startIndex = window.lastIndexOf(`<${tag.name}`, window.indexOf(parser.position));
      member = { startIndex, lineNumber: window.lineAt(startIndex), id: null, values: new Map() };
    }
  });
  parser.on("opentag", (tag: SaxesTagPlain) => {
    depth++;
    if (depth === 1) {
      if (tag.name !== ROOT) failure ??= new LandingFileError(file, `line ${parser.line}`, `the root element is <${tag.name}>, expected <${ROOT}>`);
      exportedAt = attribute(tag, "exported_at");
    } else if (depth === 2) {
      if (tag.name === MEMBER && member) member.id = attribute(tag, "id");
      else if (!ignoredNames.has(tag.name)) {
        ignoredNames.add(tag.name);
        warn(`${file}: ignoring <${tag.name}> elements under <${ROOT}> (only <${MEMBER}> is a record)`);
      }
    } else if (depth === 3 && member && childFields.has(tag.name) && !member.values.has(tag.name)) {
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
      member?.values.set(field.name, field.text);
      field = undefined;
    }
    if (depth === 2 && member && tag.name === MEMBER) {
      const endIndex = window.indexOf(parser.position);
      recordNumber++;
      const open = member;
      ready.push({
        recordNumber,
        lineNumber: open.lineNumber,
        fields: fields.map((name) => (name === "member_id" ? open.id : name === "exported_at" ? exportedAt : (open.values.get(name) ?? null))),
        raw: window.slice(open.startIndex, endIndex),
      });
      member = undefined;
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
    // Between members only text after the last '<' can still be needed (a tag cut by the chunk).
    if (!member && window.length > 1 << 20) window.dropBefore(window.lastIndexOf("<", window.length));
    yield* ready.splice(0);
  }
  if (!sawText) throw new LandingFileError(file, "byte 0", `the file is empty: expected a <${ROOT}> document`);
  parser.close();
  if (failure) throw failure;
  yield* ready.splice(0);
}

function attribute(tag: SaxesTagPlain, name: string): string | null {
  const value = tag.attributes[name];
  return value === undefined ? null : value;
}
