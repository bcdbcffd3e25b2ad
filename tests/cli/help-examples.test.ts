/**
 * Every example of the built-in help parses, and every selection in it selects something:
 * in this repository, or, for the placeholder model the framework's examples name (my_model,
 * tag:daily), in tests/fixtures/projects/help-examples.
 */
import { describe, expect, it } from "vitest";
import type { CommandModule } from "yargs";
import yargs from "yargs";
import { checkCommand } from "../../src/cli/commands/check.js";
import { compileCommand } from "../../src/cli/commands/compile.js";
import { dashboardCommand } from "../../src/cli/commands/dashboard.js";
import { diffCommand } from "../../src/cli/commands/diff.js";
import { docsCommand } from "../../src/cli/commands/docs.js";
import { buildCommand, runCommand, testCommand } from "../../src/cli/commands/execute.js";
import { formatCommand } from "../../src/cli/commands/format.js";
import { graphCommand } from "../../src/cli/commands/graph.js";
import { lsCommand } from "../../src/cli/commands/ls.js";
import { queryCommand } from "../../src/cli/commands/query.js";
import { seedCommand } from "../../src/cli/commands/seed.js";
import { validateCommand } from "../../src/cli/commands/validate.js";
import { selectActions } from "../../src/graph/selection.js";
import { compareWithState } from "../../src/graph/state.js";
import path from "node:path";
import { compiledProject, REPO_ROOT } from "../helpers/project.js";

const COMMANDS = [buildCommand, runCommand, testCommand, lsCommand, seedCommand, compileCommand, checkCommand, formatCommand, validateCommand, queryCommand, graphCommand, docsCommand, diffCommand, dashboardCommand] as CommandModule[];

function examplesOf(command: CommandModule): string[] {
  const examples: string[] = [];
  const recorder: Record<string, unknown> = new Proxy({}, {
    get: (_target, property) => (property === "example" ? (text: string) => (examples.push(text), recorder) : () => recorder),
  });
  (command.builder as (y: unknown) => unknown)(recorder);
  return examples;
}

/** Shell words of an example (double quotes kept together), without "$0" and what follows a pipe. */
function words(example: string): string[] {
  const beforePipe = example.split(" | ")[0];
  return [...beforePipe.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]).filter((word) => word !== "$0");
}

const EXAMPLES = COMMANDS.flatMap((command) => examplesOf(command).map((example) => ({ command, example })));
const { actions } = compiledProject(REPO_ROOT, { dialect: "duckdb", as_of_date: "2024-06-30" });
const { actions: placeholderActions } = compiledProject(path.join(REPO_ROOT, "tests/fixtures/projects/help-examples"), {});

describe("the built-in help examples", () => {
  it("are there for every command", () => {
    expect(EXAMPLES.length).toBeGreaterThan(25);
  });

  for (const { command, example } of EXAMPLES) {
    it(`parses: ${example}`, async () => {
      const failures: string[] = [];
      await yargs(words(example))
        .command({ ...command, handler: () => {} })
        .strict()
        .fail((message) => failures.push(message))
        .parseAsync();
      expect(failures).toEqual([]);
    });

    const args = words(example);
    const values = (flag: string) => args.flatMap((word, index) => (word === flag && args[index + 1] ? [args[index + 1]] : []));
    if (values("--select").length === 0) continue;
    const placeholder = args.some((word) => /\bmy_model\b|tag:daily/.test(word));
    it(`selects actions of ${placeholder ? "the help-examples fixture" : "this repository"}: ${example}`, () => {
      const graph = placeholder ? placeholderActions : actions;
      const state = compareWithState(graph, new Map([...graph].filter(([name]) => !name.endsWith("customer_360"))), "saved");
      expect(selectActions(graph, values("--select"), values("--exclude"), { state }).size).toBeGreaterThan(0);
    });
  }
});
