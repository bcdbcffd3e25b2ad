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
      // The block's own indent comes off first: the SQL is laid out again anyway, but a
      // template's later lines are restored as they were and would gain two spaces a pass.
      const body = formatSql(outdent(segment.text.slice(open + 1, -1)));
      parts.push(`${segment.name} {\n${indent(body)}\n}`);
    } else if (segment.text.trim()) {
      parts.push(formatSql(segment.text));
    }
  }
  return parts.join("\n\n") + "\n";
}

/** Each line without the block indent that `indent` gives it (up to two leading spaces). */
function outdent(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(/^ {1,2}/, ""))
    .join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line ? `  ${line}` : line))
    .join("\n");
}
