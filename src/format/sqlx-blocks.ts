/**
 * Splits a .sqlx file into its top-level blocks (config, js, pre_operations,
 * post_operations, input "..." for tests) and the SQL between them, so that only SQL is
 * formatted. Braces inside strings, template literals and comments do not count.
 */
export interface SqlxSegment {
  kind: "block" | "sql";
  /** For blocks: the block keyword (config, js, pre_operations, ...). */
  name?: string;
  text: string;
}

const BLOCK_START = /^(config|js|pre_operations|post_operations|input\s+"[^"]*")\s*\{/;

/** Index just past the brace that closes the one at `open`. */
export function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    const next = text[index + 1];
    if (char === "/" && next === "/") index = endOf(text, index, "\n") - 1;
    else if (char === "/" && next === "*") index = endOf(text, index + 2, "*/") + 1;
    else if (char === '"' || char === "'" || char === "`") index = endOfString(text, index);
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return index + 1;
  }
  throw new Error(`unbalanced '{' at offset ${open}`);
}

function endOf(text: string, from: number, marker: string): number {
  const found = text.indexOf(marker, from);
  return found < 0 ? text.length : found + marker.length - 1;
}

/** Index of a string's closing quote; template literals may nest ${...}. */
function endOfString(text: string, start: number): number {
  const quote = text[start];
  for (let index = start + 1; index < text.length; index++) {
    const char = text[index];
    if (char === "\\") index++;
    else if (quote === "`" && char === "$" && text[index + 1] === "{") index = matchingBrace(text, index + 1) - 1;
    else if (char === quote) return index;
  }
  return text.length;
}

export function splitSqlx(source: string): SqlxSegment[] {
  const segments: SqlxSegment[] = [];
  let sqlStart = 0;
  let index = 0;
  while (index < source.length) {
    const atLineStart = index === 0 || source[index - 1] === "\n";
    const match = atLineStart ? BLOCK_START.exec(source.slice(index)) : null;
    if (match) {
      if (index > sqlStart) segments.push({ kind: "sql", text: source.slice(sqlStart, index) });
      const end = matchingBrace(source, index + match[0].length - 1);
      segments.push({ kind: "block", name: match[1], text: source.slice(index, end) });
      index = sqlStart = end;
      continue;
    }
    index++;
  }
  if (sqlStart < source.length) segments.push({ kind: "sql", text: source.slice(sqlStart) });
  return segments;
}

/** Replaces each ${...} with a placeholder identifier; returns the text and the originals. */
export function protectTemplates(sql: string): { text: string; templates: string[] } {
  const templates: string[] = [];
  let text = "";
  let index = 0;
  while (index < sql.length) {
    if (sql[index] === "$" && sql[index + 1] === "{") {
      const end = matchingBrace(sql, index + 1);
      text += `c360_template_${templates.length}_`;
      templates.push(sql.slice(index, end));
      index = end;
    } else {
      text += sql[index++];
    }
  }
  return { text, templates };
}

export function restoreTemplates(text: string, templates: string[]): string {
  return text.replace(/c360_template_(\d+)_/g, (_match, index: string) => templates[Number(index)]);
}
