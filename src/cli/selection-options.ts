/** The selection options of run, test, build, ls and graph, and the selection they make. */
import type { Argv } from "yargs";
import type { Action } from "../graph/actions.js";
import { type IndirectSelection, type SelectionOptions, selectActions } from "../graph/selection.js";
import { compareWithState, loadSavedActions } from "../graph/state.js";

export interface SelectionArguments {
  select?: string[];
  exclude?: string[];
  state?: string;
  indirectSelection: IndirectSelection;
}

export function withSelectionOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("select", {
      type: "array",
      string: true,
      alias: "s",
      describe: "Actions to select, as dbt writes them: name, tag:x, path:dir, kind:table, state:modified, +name, name+, 2+name, name+1, @name; words unite, a,b intersects",
    })
    .option("exclude", { type: "array", string: true, describe: "Actions to leave out (same syntax as --select)" })
    .option("state", { type: "string", describe: "Folder with a saved compiled.json (a copy of target/) that state:modified and state:new compare with" })
    .option("indirect-selection", {
      choices: ["eager", "cautious", "empty"] as const,
      default: "eager" as const,
      describe: "Which tests come with a selected action: eager (every test reading it), cautious (tests whose every input is selected), empty (none)",
    });
}

/** Reads the --state folder; call before compiling, which rewrites the project's own target/. */
export function savedStateFrom(argv: SelectionArguments): Map<string, Action> | undefined {
  return argv.state ? loadSavedActions(argv.state) : undefined;
}

export function selectionOptions(argv: SelectionArguments, actions: Map<string, Action>, saved: Map<string, Action> | undefined): SelectionOptions {
  return { indirect: argv.indirectSelection, state: saved && argv.state ? compareWithState(actions, saved, argv.state) : undefined };
}

export function selectFrom(argv: SelectionArguments, actions: Map<string, Action>, saved: Map<string, Action> | undefined): Set<string> {
  return selectActions(actions, argv.select, argv.exclude, selectionOptions(argv, actions, saved));
}
