/**
 * The schemas of declared sources, which no SQL in the project produces. A bronze table
 * (the table of one of the project's landing sources, c360.json `sources`) has exactly the
 * columns the loader writes: every field as STRING, bookkeeping columns as the loader types
 * them. Any other declaration has the columns it declares, as STRING (Dataform column
 * descriptors carry no types, and declared sources are raw text in this framework).
 */
import type { CompiledDeclaration } from "../compile/graph-types.js";
import { BOOKKEEPING_COLUMNS, type LandingSource } from "../loader/catalog.js";
import type { ColumnTypes } from "./catalog.js";

/** The bookkeeping columns the loader writes as integers (LoadColumn type "integer"); the rest are text. */
const INTEGER_BOOKKEEPING_COLUMNS: ReadonlySet<string> = new Set(["_record_number", "_line_number"]);

/** A schema, a problem (an error), or unknown (a declaration that lists no columns: a warning; what reads it is not analyzed). */
export type SourceSchema = { ok: true; columns: ColumnTypes } | { ok: false; problem: string } | { ok: false; unknown: string };

function bronzeSource(declaration: CompiledDeclaration, sources: readonly LandingSource[]): LandingSource | undefined {
  return sources.find((source) => source.schema === declaration.target.schema && source.table === declaration.target.name);
}

function columnType(name: string): string {
  return INTEGER_BOOKKEEPING_COLUMNS.has(name) ? "INT64" : "STRING";
}

/** Top-level names only; a nested descriptor (path a.b) documents a field of STRUCT column a. */
function declaredColumnNames(declaration: CompiledDeclaration): string[] {
  const names = (declaration.actionDescriptor?.columns ?? []).map((column) => column.path?.[0]).filter((name): name is string => Boolean(name));
  return [...new Set(names)];
}

export function sourceSchema(declaration: CompiledDeclaration, sources: readonly LandingSource[]): SourceSchema {
  const declared = declaredColumnNames(declaration);
  const source = bronzeSource(declaration, sources);
  if (source) {
    const loaded = [...BOOKKEEPING_COLUMNS, ...source.fields];
    const unknown = declared.filter((name) => !loaded.includes(name));
    if (unknown.length > 0) {
      return {
        ok: false,
        problem: `declares column(s) ${unknown.join(", ")} that the loader does not write to ${declaration.target.schema}.${declaration.target.name} (it writes ${loaded.join(", ")})`,
      };
    }
    return { ok: true, columns: Object.fromEntries(loaded.map((name) => [name, columnType(name)])) };
  }
  if (declared.length === 0) {
    return { ok: false, unknown: "declares no columns, so its schema is unknown and what reads it is not analyzed: list them in the declaration's `columns` to check it" };
  }
  return { ok: true, columns: Object.fromEntries(declared.map((name) => [name, columnType(name)])) };
}
