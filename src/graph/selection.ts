/**
 * dbt's node selection (https://docs.getdbt.com/reference/node-selection/syntax), on the
 * compiled Dataform graph:
 * - a selector is `[@|+|N+]method:value[+|+N]`; a bare value selects by name (`orders`,
 *   `analytics.orders`, `stg_*`);
 * - methods: `tag:`, `path:` (a definitions folder or file, `*` allowed), `kind:` (table, view,
 *   incremental, operation, assertion, declaration, test), `state:modified` / `state:new`
 *   (against a saved compiled.json, see state.ts);
 * - `+X` adds all upstream, `2+X` two levels of it; `X+` and `X+1` downstream; `@X` adds X's
 *   downstream and everything those read;
 * - words (separate arguments or separated by spaces) are a union, `a,b` an intersection;
 * - indirect selection (eager by default): the assertions and unit tests attached to a
 *   selected action are selected with it, so `build`/`test --select X` run X's tests.
 * `--exclude` takes the same syntax (with the same indirect selection) and wins.
 */
import { closest, distance } from "fastest-levenshtein";
import { UsageError } from "../errors.js";
import { type Action, type ActionKind, childrenIndex } from "./actions.js";
import { type StateComparison } from "./state.js";

export type IndirectSelection = "eager" | "cautious" | "empty";

export interface SelectionOptions {
  /** How the tests attached to selected actions are added (dbt's --indirect-selection). */
  indirect?: IndirectSelection;
  /** The saved state that `state:` selectors compare with (--state DIR). */
  state?: StateComparison;
}

const KINDS: Record<string, ActionKind> = {
  table: "table",
  tables: "table",
  view: "view",
  views: "view",
  incremental: "incremental",
  incrementals: "incremental",
  operation: "operation",
  operations: "operation",
  assertion: "assertion",
  assertions: "assertion",
  declaration: "declaration",
  declarations: "declaration",
  source: "declaration",
  test: "test",
  tests: "test",
  unit_test: "test",
};

const METHODS = ["tag", "path", "kind", "state", "name"] as const;
type Method = (typeof METHODS)[number];

interface ParsedSelector {
  text: string;
  method: Method;
  value: string;
  /** Levels of upstream to add: 0 none, Infinity all. */
  upstream: number;
  downstream: number;
  /** `@X`: X's downstream and everything that downstream reads. */
  at: boolean;
}

const SELECTOR = /^(@)?(?:(\d*)\+)?(.+?)(?:\+(\d*))?$/;

export function parseSelector(text: string): ParsedSelector {
  const match = SELECTOR.exec(text);
  const core = match?.[3] ?? "";
  if (!match || /^[+@]*$/.test(core) || core.endsWith(":")) {
    throw new UsageError(`Selector '${text}' is incomplete. Use a name, tag:<tag>, path:<folder>, kind:<kind>, state:modified, with +, N+, +N or @ around it.`);
  }
  const [at, upstreamDepth, , downstreamDepth] = [match[1], match[2], match[3], match[4]];
  const hasUpstream = text.slice(at ? 1 : 0).match(/^\d*\+/) !== null;
  const hasDownstream = text.endsWith("+") || /\+\d+$/.test(text);
  const colon = core.indexOf(":");
  const method = colon > 0 ? core.slice(0, colon) : "name";
  if (!(METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`Selector '${text}': unknown method '${method}:'. Methods: ${METHODS.map((name) => `${name}:`).join(", ")}.`);
  }
  if (at && (hasUpstream || hasDownstream)) throw new UsageError(`Selector '${text}': '@' cannot be combined with '+'.`);
  return {
    text,
    method: method as Method,
    value: colon > 0 ? core.slice(colon + 1) : core,
    upstream: hasUpstream ? (upstreamDepth ? Number(upstreamDepth) : Infinity) : 0,
    downstream: hasDownstream ? (downstreamDepth ? Number(downstreamDepth) : Infinity) : 0,
    at: Boolean(at),
  };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

function normalizedPath(value: string): string {
  return value.replace(/^\.\//, "").replace(/\/+$/, "");
}

function matcher(selector: ParsedSelector, options: SelectionOptions): (action: Action) => boolean {
  const { method, value } = selector;
  switch (method) {
    case "name": {
      const pattern = globToRegExp(value);
      return (action) => pattern.test(action.name) || pattern.test(action.target.name);
    }
    case "tag":
      return (action) => action.tags.includes(value);
    case "path": {
      const wanted = normalizedPath(value);
      const pattern = globToRegExp(wanted);
      return (action) => action.fileName === wanted || action.fileName.startsWith(`${wanted}/`) || pattern.test(action.fileName);
    }
    case "kind": {
      const kind = KINDS[value];
      if (!kind) throw new UsageError(`Selector '${selector.text}': unknown kind '${value}'. Kinds: ${[...new Set(Object.values(KINDS))].join(", ")}.`);
      return (action) => action.kind === kind;
    }
    case "state": {
      if (value !== "modified" && value !== "new") throw new UsageError(`Selector '${selector.text}': use state:modified or state:new.`);
      const state = options.state;
      if (!state) throw new UsageError(`Selector '${selector.text}' needs --state DIR: a folder holding the compiled.json to compare with (e.g. a copy of target/ from the main branch).`);
      return (action) => (value === "new" ? state.isNew(action.name) : state.isModified(action.name));
    }
  }
}

/** Names of actions within `depth` steps along `next` (the start excluded). */
function walk(start: string, depth: number, next: (name: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  let frontier = [start];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const following: string[] = [];
    for (const name of frontier) {
      for (const neighbour of next(name)) {
        if (seen.has(neighbour) || neighbour === start) continue;
        seen.add(neighbour);
        following.push(neighbour);
      }
    }
    frontier = following;
  }
  return seen;
}

class Selector {
  private readonly children: Map<string, string[]>;
  constructor(
    private readonly actions: Map<string, Action>,
    private readonly options: SelectionOptions,
  ) {
    this.children = childrenIndex(actions);
  }

  private readonly parents = (name: string): readonly string[] => this.actions.get(name)?.dependencies.filter((parent) => this.actions.has(parent)) ?? [];
  private readonly childrenOf = (name: string): readonly string[] => this.children.get(name) ?? [];

  /** One selector, graph operators applied. */
  atom(text: string): Set<string> {
    const selector = parseSelector(text);
    const matches = matcher(selector, this.options);
    const matched = [...this.actions.values()].filter(matches).map((action) => action.name);
    // An unchanged project is no mistake: state: selectors may select nothing.
    if (matched.length === 0 && selector.method !== "state") throw new UsageError(noMatchMessage(selector, this.actions));
    const selected = new Set(matched);
    for (const name of matched) {
      for (const upstream of walk(name, selector.upstream, this.parents)) selected.add(upstream);
      const downstream = walk(name, selector.at ? Infinity : selector.downstream, this.childrenOf);
      for (const child of downstream) selected.add(child);
      if (selector.at) for (const child of downstream) for (const upstream of walk(child, Infinity, this.parents)) selected.add(upstream);
    }
    return selected;
  }

  /** A word: selectors joined by commas, intersected. */
  word(text: string): Set<string> {
    const parts = text.split(",").filter((part) => part !== "");
    let result = this.atom(parts[0]);
    for (const part of parts.slice(1)) {
      const other = this.atom(part);
      result = new Set([...result].filter((name) => other.has(name)));
    }
    return result;
  }

  /** Words, united; then the tests attached to what they select. */
  union(arguments_: string[]): Set<string> {
    const selected = new Set<string>();
    for (const word of arguments_.flatMap((argument) => argument.split(/\s+/)).filter((word) => word !== "")) {
      for (const name of this.word(word)) selected.add(name);
    }
    for (const name of attachedTests(this.actions, selected, this.options.indirect ?? "eager")) selected.add(name);
    return selected;
  }
}

/** What an assertion or unit test checks: the actions it reads or covers (declarations left out). */
function testedActions(test: Action, actions: Map<string, Action>): string[] {
  const names = test.kind === "test" ? test.covers : test.dependencies;
  return names.filter((name) => {
    const kind = actions.get(name)?.kind;
    return kind !== undefined && kind !== "declaration";
  });
}

/**
 * dbt's indirect selection: eager adds every test that checks at least one selected action,
 * cautious only those whose checked actions are all selected, empty none.
 */
export function attachedTests(actions: Map<string, Action>, selected: Set<string>, mode: IndirectSelection): string[] {
  if (mode === "empty") return [];
  const attached: string[] = [];
  for (const action of actions.values()) {
    if ((action.kind !== "assertion" && action.kind !== "test") || selected.has(action.name)) continue;
    const tested = testedActions(action, actions);
    if (tested.length === 0) continue;
    const hit = mode === "eager" ? tested.some((name) => selected.has(name)) : tested.every((name) => selected.has(name));
    if (hit) attached.push(action.name);
  }
  return attached;
}

/** The candidates a mistyped selector was probably meant to be, by edit distance. */
function noMatchMessage(selector: ParsedSelector, actions: Map<string, Action>): string {
  const candidates = candidatesFor(selector.method, actions);
  const near = candidates
    .map((candidate) => ({ candidate, distance: distance(selector.value, candidate) }))
    .filter((entry) => entry.distance <= Math.max(2, Math.ceil(selector.value.length / 3)))
    .sort((left, right) => left.distance - right.distance || left.candidate.localeCompare(right.candidate))
    .slice(0, 5)
    .map((entry) => entry.candidate);
  if (near.length === 0 && candidates.length > 0) near.push(closest(selector.value, candidates));
  const prefix = selector.method === "name" ? "" : `${selector.method}:`;
  const suggestion = near.length > 0 ? ` Did you mean ${near.map((name) => `'${prefix}${name}'`).join(", ")}?` : "";
  return `Selector '${selector.text}' matches no action.${suggestion} 'c360 ls' lists every action; 'c360 ls --format json' their tags, kinds and files.`;
}

function candidatesFor(method: Method, actions: Map<string, Action>): string[] {
  const values = new Set<string>();
  for (const action of actions.values()) {
    if (method === "name") {
      values.add(action.target.name);
      values.add(action.name);
    } else if (method === "tag") for (const tag of action.tags) values.add(tag);
    else if (method === "path") {
      const parts = action.fileName.split("/");
      for (let length = 1; length <= parts.length; length++) values.add(parts.slice(0, length).join("/"));
    } else if (method === "kind") values.add(action.kind);
    else values.add("modified");
  }
  return [...values].filter((value) => value !== "");
}

/** The names of the selected actions (all when `select` is empty), minus the excluded. */
export function selectActions(actions: Map<string, Action>, select: string[] = [], exclude: string[] = [], options: SelectionOptions = {}): Set<string> {
  const selector = new Selector(actions, options);
  const words = select.filter((argument) => argument.trim() !== "");
  const selected = words.length === 0 ? new Set(actions.keys()) : selector.union(words);
  const excludeWords = exclude.filter((argument) => argument.trim() !== "");
  if (excludeWords.length > 0) for (const name of selector.union(excludeWords)) selected.delete(name);
  return selected;
}
