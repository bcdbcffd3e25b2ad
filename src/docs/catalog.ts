/**
 * The documentation catalog: every action with its description, columns (described in
 * SQLX, typed from the warehouse where the table exists), tags and lineage. Written as
 * target/docs/catalog.json and rendered to a static page by ./render-html.ts.
 */
import type { Engine } from "../engines/engine.js";
import { type Action, childrenIndex } from "../graph/actions.js";

export interface CatalogColumn {
  name: string;
  description: string;
  type?: string;
}

export interface CatalogEntry {
  name: string;
  kind: Action["kind"];
  fileName: string;
  description: string;
  tags: string[];
  dependsOn: string[];
  usedBy: string[];
  columns: CatalogColumn[];
}

function describedColumns(action: Action): CatalogColumn[] {
  if (action.kind === "test") return [];
  const descriptor = "compiled" in action ? action.compiled.actionDescriptor : undefined;
  return (descriptor?.columns ?? []).map((column) => ({ name: (column.path ?? []).join("."), description: column.description ?? "" }));
}

function descriptionOf(action: Action): string {
  if (action.kind === "test" || !("compiled" in action)) return "";
  return action.compiled.actionDescriptor?.description ?? "";
}

/** Builds the catalog; with an engine, adds each column's warehouse type (and undocumented columns). */
export async function buildCatalog(actions: Map<string, Action>, engine?: Engine): Promise<CatalogEntry[]> {
  const children = childrenIndex(actions);
  const entries: CatalogEntry[] = [];
  for (const action of [...actions.values()].sort((left, right) => left.name.localeCompare(right.name))) {
    const columns = describedColumns(action);
    if (engine && ["table", "view", "incremental", "declaration"].includes(action.kind)) {
      const warehouseColumns = (await engine.describeTable(action.target)) ?? [];
      for (const column of warehouseColumns) {
        const documented = columns.find((candidate) => candidate.name === column.name);
        if (documented) documented.type = column.type;
        else columns.push({ name: column.name, description: "", type: column.type });
      }
    }
    entries.push({
      name: action.name,
      kind: action.kind,
      fileName: action.fileName,
      description: descriptionOf(action),
      tags: action.tags,
      dependsOn: action.dependencies,
      usedBy: (children.get(action.name) ?? []).sort(),
      columns,
    });
  }
  return entries;
}
