/**
 * Puts a line (and column) on Dataform's compilation errors, which name a file at most:
 * - a .js file: the frame of that file in the error's stack;
 * - a .sqlx config block that does not parse: the syntax error's position within the block;
 * - otherwise the first line of the config block (then of the file) holding the name the
 *   message quotes (`Unexpected property "bogus"`, `nope is not defined`, `Could not resolve "x"`).
 * Core names the file from the first stack frame inside the project folder, which is c360's own
 * code when the project is this repository and no project file is on the stack (a mangled
 * `scripts/c360.ts`): such a name is replaced by the project file that quotes the name, if any.
 */
import path from "node:path";
import vm from "node:vm";
import type { CompilationProblem } from "../errors.js";
import { splitSqlx } from "../format/sqlx-blocks.js";
import { readSourceLines } from "../check/source-location.js";

export interface RawProblem {
  fileName?: string;
  actionName?: string;
  message?: string;
  stack?: string;
}

/** Names a message quotes: "x", 'x', or the identifier of "x is not defined". */
function quotedNames(message: string): string[] {
  const names = [...message.matchAll(/"([^"\n]{1,120})"|'([^'\n]{1,120})'/g)].map((match) => match[1] ?? match[2]);
  const undefinedName = /^(\w+) is not defined/.exec(message)?.[1];
  const all = undefinedName ? [undefinedName, ...names] : names;
  return all.filter((name) => /^[\w.\-/]+$/.test(name));
}

function firstLineWith(lines: string[], needle: string, from = 0, to = lines.length): { line: number; column: number } | undefined {
  for (let index = from; index < to; index++) {
    const column = lines[index].indexOf(needle);
    if (column >= 0) return { line: index + 1, column: column + 1 };
  }
  return undefined;
}

/** The config block's lines (0-based start, end exclusive) and text. */
function configBlock(source: string): { start: number; end: number; text: string } | undefined {
  let offset = 0;
  for (const segment of splitSqlx(source)) {
    if (segment.kind === "block" && segment.name === "config") {
      const start = source.slice(0, offset).split("\n").length - 1;
      return { start, end: start + segment.text.split("\n").length, text: segment.text };
    }
    offset += segment.text.length;
  }
  return undefined;
}

/** A syntax error of the config block's object literal, at its position in the file. */
function configSyntaxError(block: { start: number; text: string }, fileName: string): { line: number; column?: number } | undefined {
  const body = block.text.replace(/^config\s*/, "");
  try {
    new vm.Script(`(${body}\n)`, { filename: fileName });
    return undefined;
  } catch (error) {
    if (!(error instanceof SyntaxError)) return undefined;
    // V8 puts "file:line" on the stack's first line and a caret line under the source line.
    const stackLines = (error.stack ?? "").split("\n");
    const line = Number(/:(\d+)$/.exec(stackLines[0])?.[1]);
    if (!Number.isFinite(line) || line < 1) return undefined;
    // Below its first line the script's lines are the file's: the caret's column holds.
    const caret = stackLines[2]?.indexOf("^") ?? -1;
    return { line: block.start + line, column: line > 1 && caret >= 0 ? caret + 1 : undefined };
  }
}

/** The line of a .js file's frame in the error's stack. */
function stackPosition(stack: string | undefined, absoluteFile: string): { line: number; column: number } | undefined {
  if (!stack) return undefined;
  const escaped = absoluteFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

export function locateCompilationProblems(projectDir: string, problems: RawProblem[], projectFiles: string[]): CompilationProblem[] {
  const known = new Set(projectFiles);
  const sources = new Map<string, string[] | undefined>();
  const linesOf = (file: string) => {
    if (!sources.has(file)) sources.set(file, readSourceLines(projectDir, file));
    return sources.get(file);
  };
  return problems.map((problem) => {
    const message = problem.message ?? "";
    let fileName = problem.fileName ?? "";
    const names = quotedNames(message);
    if (fileName && !known.has(fileName)) {
      // Not a project file: core picked a frame of c360's own code. Find who quotes the name.
      fileName = projectFiles.find((file) => names.some((name) => linesOf(file)?.some((text) => text.includes(`"${name}"`) || text.includes(`'${name}'`)))) ?? "";
    }
    const located: CompilationProblem = { fileName, actionName: problem.actionName, message };
    const lines = fileName ? linesOf(fileName) : undefined;
    if (!lines) return located;
    if (fileName.endsWith(".js")) {
      const position = stackPosition(problem.stack, path.join(projectDir, fileName));
      if (position) return { ...located, ...position };
    }
    const block = fileName.endsWith(".sqlx") ? configBlock(lines.join("\n")) : undefined;
    const syntax = block ? configSyntaxError(block, fileName) : undefined;
    if (syntax) return { ...located, ...syntax };
    for (const name of names) {
      const position = (block ? firstLineWith(lines, name, block.start, block.end) : undefined) ?? firstLineWith(lines, name);
      if (position) return { ...located, ...position };
    }
    return located;
  });
}
