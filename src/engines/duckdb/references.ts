/**
 * Dataform renders every ref() as a fully qualified BigQuery name: `project.dataset.table`.
 * DuckDB has one database per file, so the project part is dropped and the rest becomes a
 * schema-qualified, double-quoted name. Nothing else in the SQL is translated.
 */
const THREE_PART = /`([^`.\s]+)\.([^`.\s]+)\.([^`.\s]+)`/g;
const TWO_PART = /`([^`.\s]+)\.([^`.\s]+)`/g;

export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

export function rewriteDataformReferences(sql: string): string {
  return sql
    .replace(THREE_PART, (_match, _project: string, schema: string, name: string) => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`)
    .replace(TWO_PART, (_match, schema: string, name: string) => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`);
}
