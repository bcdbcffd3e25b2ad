/**
 * Typed errors of the framework. Each carries the context a user needs to act
 * (file, line, action, config key) and maps to a CLI exit code.
 */
export type ExitCode = 0 | 1 | 2;

export class C360Error extends Error {
  /** The process exit code this error should produce when it reaches the CLI. */
  readonly exitCode: ExitCode = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A command-line usage mistake (unknown selector, bad --vars syntax, ...). */
export class UsageError extends C360Error {}

/** c360.json, dataform.json or workflow_settings.yaml does not match its schema. */
export class ConfigError extends C360Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is invalid:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

export interface CompilationProblem {
  fileName: string;
  actionName?: string;
  message: string;
  /** 1-based position in fileName, when it could be found. */
  line?: number;
  column?: number;
}

function problemLocation(problem: CompilationProblem): string {
  if (!problem.fileName) return "(project)";
  if (problem.line === undefined) return problem.fileName;
  return `${problem.fileName}:${problem.line}${problem.column !== undefined ? `:${problem.column}` : ""}`;
}

/** One line per distinct message: the same failure in many files (a bad var read by each) is reported once, with its files. */
function describeProblems(problems: CompilationProblem[]): string[] {
  const byMessage = new Map<string, CompilationProblem[]>();
  for (const problem of problems) byMessage.set(problem.message, [...(byMessage.get(problem.message) ?? []), problem]);
  return [...byMessage.values()].map((same) => {
    const [first] = same;
    if (same.length === 1) return `  ${problemLocation(first)}${first.actionName ? ` [${first.actionName}]` : ""}: ${first.message}`;
    const files = [...new Set(same.map(problemLocation))];
    return `  ${first.message} (in ${files.length} file(s): ${files.slice(0, 3).join(", ")}${files.length > 3 ? ", …" : ""})`;
  });
}

/** Dataform reported errors while compiling the project. */
export class CompilationError extends C360Error {
  constructor(readonly problems: CompilationProblem[]) {
    const lines = describeProblems(problems);
    super(`Compilation failed with ${lines.length} error(s):\n${lines.join("\n")}`);
  }
}

/** A landing file could not be read at all (missing, not UTF-8, truncated). */
export class LandingFileError extends C360Error {
  constructor(
    readonly file: string,
    readonly position: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file} (${position}): ${detail}`, options);
  }
}

/** A statement failed in the warehouse; names the action that issued it. */
export class ExecutionError extends C360Error {
  override readonly exitCode = 1;
  /** The SQL that failed, when the warehouse's position refers to it (BigQuery's "[line:column]"). */
  readonly statement?: string;
  constructor(
    readonly actionName: string,
    /** The warehouse's own message, without the action name. */
    readonly detail: string,
    options?: { cause?: unknown; statement?: string },
  ) {
    super(`${actionName}: ${detail}`, options);
    this.statement = options?.statement;
  }
}

/** An engine was asked for something it declares it cannot do (Engine.capabilities). */
export class UnsupportedCapabilityError extends C360Error {}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The message to show beside an action's name (without repeating the name). */
export function actionErrorMessage(error: unknown): string {
  return error instanceof ExecutionError ? error.detail : errorMessage(error);
}
