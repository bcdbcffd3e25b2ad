/**
 * From a position in compiled SQL to the line of the .sqlx that wrote it. Compiled SQL keeps
 * the model's lines (templating aside), so where the offending line appears exactly once in
 * the action's file, that is the line to show. Used by `c360 check` (ZetaSQL positions) and by
 * the runner for warehouse errors (DuckDB's "LINE n:" excerpt, BigQuery's "[line:column]").
 */
import fs from "node:fs";
import path from "node:path";

export interface SourcePosition {
  /** 1-based line in the action's file. */
  line: number;
  /** 1-based column in that line, when known. */
  column?: number;
}

/** The 1-based line of `file` equal to `sourceLine` (or, for an excerpt, the one line holding it), when exactly one does. */
export function lineInFile(lines: string[], sourceLine: string, options: { excerpt?: boolean } = {}): number | undefined {
  const wanted = options.excerpt ? sourceLine.trim() : sourceLine;
  if (!wanted.trim()) return undefined;
  const matches = lines.flatMap((text, index) => ((options.excerpt ? text.includes(wanted) : text === wanted) ? [index + 1] : []));
  return matches.length === 1 ? matches[0] : undefined;
}

/** The lines of a project file, or undefined when it cannot be read. */
export function readSourceLines(projectDir: string, fileName: string): string[] | undefined {
  const file = path.join(projectDir, fileName);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split(/\r?\n/) : undefined;
}

/** Where a statement's line and column (1-based, in the SQL sent) are in the action's file. */
export function locateInFile(lines: string[], sourceLine: string, column: number | undefined, options: { excerpt?: boolean } = {}): SourcePosition | undefined {
  const line = lineInFile(lines, sourceLine, options);
  if (line === undefined) return undefined;
  if (column === undefined) return { line };
  const offset = options.excerpt ? lines[line - 1].indexOf(sourceLine.trim()) - (sourceLine.length - sourceLine.trimStart().length) : 0;
  return { line, column: column + Math.max(0, offset) };
}

/** The offending line and column a warehouse error names, read from its message (and the statement it ran). */
export function sqlErrorPosition(message: string, statement?: string): { sourceLine: string; column?: number; excerpt: boolean } | undefined {
  // DuckDB: "...\n\nLINE 6:   fromm orders\n          ^" (the excerpt may be cut around the error with "...").
  const duck = /^LINE (\d+): (.*)$/m.exec(message);
  if (duck) {
    const prefix = `LINE ${duck[1]}: `;
    const after = message.slice(duck.index + duck[0].length + 1).split("\n")[0] ?? "";
    const caret = after.indexOf("^");
    const excerpt = duck[2].replace(/^\.\.\./, "").replace(/\.\.\.$/, "");
    const cut = duck[2].startsWith("...") ? 3 : 0;
    return { sourceLine: excerpt, column: caret >= prefix.length ? caret - prefix.length - cut + 1 : undefined, excerpt: true };
  }
  // BigQuery: "Syntax error: Unexpected identifier \"fromm\" at [6:3]".
  const bigquery = /at \[(\d+):(\d+)\]/.exec(message);
  if (bigquery && statement) {
    const sourceLine = statement.split(/\r?\n/)[Number(bigquery[1]) - 1];
    if (sourceLine !== undefined) return { sourceLine, column: Number(bigquery[2]), excerpt: false };
  }
  return undefined;
}

/** `file:line:column` of a warehouse error in the action's file, when it can be found. */
export function locateSqlError(projectDir: string, fileName: string, message: string, statement?: string): SourcePosition | undefined {
  if (!fileName) return undefined;
  const position = sqlErrorPosition(message, statement);
  if (!position) return undefined;
  const lines = readSourceLines(projectDir, fileName);
  return lines ? locateInFile(lines, position.sourceLine, position.column, { excerpt: position.excerpt }) : undefined;
}

/** DuckDB's "LINE 8:" excerpt relabelled with the file's line (caret kept under the same character). */
export function relabelExcerpt(message: string, fileName: string, position: SourcePosition): string {
  const match = /^LINE (\d+): (.*)\n( *)\^/m.exec(message);
  if (!match) return message;
  const oldPrefix = `LINE ${match[1]}: `;
  const newPrefix = `${fileName}:${position.line}: `;
  const caretIndent = " ".repeat(Math.max(0, match[3].length - oldPrefix.length + newPrefix.length));
  return message.slice(0, match.index) + `${newPrefix}${match[2]}\n${caretIndent}^` + message.slice(match.index + match[0].length);
}
