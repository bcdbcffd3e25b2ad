/**
 * dbt-style node selection: `name`, `schema.name`, `tag:x`, `+name` (with everything
 * upstream), `name+` (with everything downstream); `--exclude` takes the same syntax.
 */
import { UsageError } from "../errors.js";
import { type Action, downstreamOf, upstreamOf } from "./actions.js";

function matchesName(action: Action, pattern: string): boolean {
  return action.name === pattern || action.target.name === pattern;
}

function resolveSelector(selector: string, actions: Map<string, Action>): Set<string> {
  const withUpstream = selector.startsWith("+");
  const withDownstream = selector.endsWith("+");
  const core = selector.slice(withUpstream ? 1 : 0, withDownstream ? -1 : undefined);
  if (!core) throw new UsageError(`Empty selector '${selector}'. Use a name, tag:<tag>, +name or name+.`);
  const matched = [...actions.values()].filter((action) =>
    core.startsWith("tag:") ? action.tags.includes(core.slice(4)) : matchesName(action, core),
  );
  if (matched.length === 0) {
    throw new UsageError(`Selector '${selector}' matches no action. Run 'c360 compile' to list action names and tags.`);
  }
  const selected = new Set<string>();
  for (const action of matched) {
    selected.add(action.name);
    if (withUpstream) for (const name of upstreamOf(action.name, actions)) selected.add(name);
    if (withDownstream) for (const name of downstreamOf(action.name, actions)) selected.add(name);
  }
  return selected;
}

/** The names of the selected actions (all when `select` is empty), minus the excluded. */
export function selectActions(actions: Map<string, Action>, select: string[] = [], exclude: string[] = []): Set<string> {
  const selected = new Set<string>();
  if (select.length === 0) for (const name of actions.keys()) selected.add(name);
  for (const selector of select) for (const name of resolveSelector(selector, actions)) selected.add(name);
  for (const selector of exclude) for (const name of resolveSelector(selector, actions)) selected.delete(name);
  return selected;
}
