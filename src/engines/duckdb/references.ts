/**
 * Dataform renders every ref() as a fully qualified BigQuery name: `project.dataset.table`.
 * On DuckDB a project is a catalog: the project's own tables live in the warehouse file
 * (the project part is dropped: `"dataset"."table"`), and every other project the graph
 * names is a database file attached under the project's name (`"project"."dataset"."table"`,
 * see DuckDbEngine: `catalogs` are those attached). The only other rewrite is lexical: string literals
 * that Dataform itself writes with BigQuery's backslash escapes (`'it\'s'`, in built-in
 * rowConditions assertions) get the standard doubled quote DuckDB reads. SQL is not
 * otherwise translated.
 */
const THREE_PART = /^`([^`.\s]+)\.([^`.\s]+)\.([^`.\s]+)`/;
const TWO_PART = /^`([^`.\s]+)\.([^`.\s]+)`/;

export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Index just past the string literal that starts at `start` (a single quote). */
function endOfStringLiteral(sql: string, start: number): number {
  for (let index = start + 1; index < sql.length; index++) {
    if (sql[index] === "\\") index++;
    else if (sql[index] === "'") {
      if (sql[index + 1] === "'") index++;
      else return index + 1;
    }
  }
  return sql.length;
}

/** A BigQuery string literal body with backslash escapes, as a standard SQL literal. */
function standardStringLiteral(literal: string): string {
  if (!literal.includes("\\")) return literal;
  const body = literal.slice(1, -1).replace(/\\(.)/g, (_match, escaped: string) => (escaped === "'" ? "''" : escaped === "\\" ? "\\" : `\\${escaped}`));
  return `'${body}'`;
}

export function rewriteDataformReferences(sql: string, catalogs: ReadonlySet<string> = new Set()): string {
  let output = "";
  let index = 0;
  while (index < sql.length) {
    const char = sql[index];
    if (char === "'") {
      const end = endOfStringLiteral(sql, index);
      output += standardStringLiteral(sql.slice(index, end));
      index = end;
    } else if (char === "-" && sql[index + 1] === "-") {
      const end = sql.indexOf("\n", index);
      const stop = end < 0 ? sql.length : end;
      output += sql.slice(index, stop);
      index = stop;
    } else if (char === "`") {
      const rest = sql.slice(index, index + 1024);
      const three = THREE_PART.exec(rest);
      const two = three ? null : TWO_PART.exec(rest);
      if (three) {
        output += `${catalogs.has(three[1]) ? `${quoteIdentifier(three[1])}.` : ""}${quoteIdentifier(three[2])}.${quoteIdentifier(three[3])}`;
        index += three[0].length;
      } else if (two) {
        output += `${quoteIdentifier(two[1])}.${quoteIdentifier(two[2])}`;
        index += two[0].length;
      } else {
        output += char;
        index++;
      }
    } else {
      output += char;
      index++;
    }
  }
  return output;
}
