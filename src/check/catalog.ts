/**
 * The tables the analyzer may read: declared sources and, action by action, the output
 * schema the analyzer reported for each upstream. Each table is reachable the ways
 * BigQuery SQL names it: `project.dataset.table` quoted as one identifier (what Dataform
 * renders), project.dataset.table as a path, and dataset.table inside the default project.
 */
import type { TableRef } from "../engines/engine.js";
import { bigQueryCatalogBase } from "./zetasql/bigquery-language.js";
import type { SimpleCatalogProto, SimpleTableProto, TypeProto } from "./zetasql/protos.js";
import type { ResolvedColumn } from "./zetasql/resolved-output.js";
import { parseTypeName, typeName } from "./zetasql/types.js";

export interface CatalogTable {
  database: string;
  schema: string;
  name: string;
  columns: ResolvedColumn[];
}

/** Column types written as BigQuery type names, e.g. { id: "INT64", tags: "ARRAY<STRING>" }. */
export type ColumnTypes = Record<string, string>;

export function columnsFromTypes(columns: ColumnTypes): ResolvedColumn[] {
  return Object.entries(columns).map(([name, type]) => ({ name, type: parseTypeName(type) }));
}

export function describeColumns(columns: ResolvedColumn[]): ColumnTypes {
  return Object.fromEntries(columns.map((column) => [column.name, typeName(column.type)]));
}

export class BigQueryCatalog {
  private readonly tables = new Map<string, CatalogTable>();

  constructor(readonly defaultProject: string) {}

  static key(table: { database?: string; schema: string; name: string }, defaultProject: string): string {
    return `${table.database ?? defaultProject}.${table.schema}.${table.name}`.toLowerCase();
  }

  add(table: TableRef, columns: ResolvedColumn[] | ColumnTypes): void {
    const resolved = Array.isArray(columns) ? columns : columnsFromTypes(columns);
    const database = table.database ?? this.defaultProject;
    this.tables.set(BigQueryCatalog.key(table, this.defaultProject), { database, schema: table.schema, name: table.name, columns: resolved });
  }

  get(table: TableRef): CatalogTable | undefined {
    return this.tables.get(BigQueryCatalog.key(table, this.defaultProject));
  }

  has(table: TableRef): boolean {
    return this.tables.has(BigQueryCatalog.key(table, this.defaultProject));
  }

  list(): CatalogTable[] {
    return [...this.tables.values()];
  }

  toProto(): SimpleCatalogProto {
    const root = emptyCatalog("bigquery");
    for (const table of this.tables.values()) {
      const { database, schema, name } = table;
      addTable(root, `${database}.${schema}.${name}`, table.columns);
      addTable(subCatalog(subCatalog(root, database), schema), name, table.columns);
      if (database.toLowerCase() === this.defaultProject.toLowerCase()) {
        addTable(root, `${schema}.${name}`, table.columns);
        addTable(subCatalog(root, schema), name, table.columns);
      }
    }
    return { ...root, ...bigQueryCatalogBase() };
  }
}

function emptyCatalog(name: string): SimpleCatalogProto {
  return { name, table: [], catalog: [] };
}

function subCatalog(parent: SimpleCatalogProto, name: string): SimpleCatalogProto {
  let child = parent.catalog.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!child) {
    child = emptyCatalog(name);
    parent.catalog.push(child);
  }
  return child;
}

/** The first registration of a name wins: ZetaSQL rejects a catalog with duplicates. */
function addTable(catalog: SimpleCatalogProto, name: string, columns: ResolvedColumn[]): void {
  if (catalog.table.some((table) => table.name.toLowerCase() === name.toLowerCase())) return;
  const table: SimpleTableProto = { name, column: columns.map((column) => ({ name: column.name, type: column.type as TypeProto })) };
  catalog.table.push(table);
}
