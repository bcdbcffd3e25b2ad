/**
 * `c360 format`: formats the SQL parts of .sqlx files with sql-formatter (lower-case
 * keywords, two-space indent), leaving config, js and other blocks byte for byte as they
 * are. Formatting is idempotent: formatting formatted output changes nothing.
 */
import { format } from "sql-formatter";
import { protectTemplates, restoreTemplates, splitSqlx } from "./sqlx-blocks.js";

function formatSql(sql: string): string {
  if (!sql.trim()) return sql.trim();
  const { text, templates } = protectTemplates(sql);
  const formatted = format(text, {
    language: "bigquery",
    keywordCase: "lower",
    functionCase: "lower",
    dataTypeCase: "lower",
    tabWidth: 2,
    linesBetweenQueries: 1,
  });
  return restoreTemplates(formatted, templates);
}

/** Formats the SQL of a .sqlx file's blocks and body; returns the new file content. */
export function formatSqlx(source: string): string {
  const parts: string[] = [];
  for (const segment of splitSqlx(source)) {
    if (segment.kind === "block") {
      const isSqlBlock = segment.name === "pre_operations" || segment.name === "post_operations";
      if (!isSqlBlock) {
        parts.push(segment.text.trim());
        continue;
      }
      const open = segment.text.indexOf("{");
      const body = formatSql(segment.text.slice(open + 1, -1));
      parts.push(`${segment.name} {\n${indent(body)}\n}`);
    } else if (segment.text.trim()) {
      parts.push(formatSql(segment.text));
    }
  }
  return parts.join("\n\n") + "\n";
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line ? `  ${line}` : line))
    .join("\n");
}
