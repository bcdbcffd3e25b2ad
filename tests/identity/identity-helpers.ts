/** Reading identity results back from a silver build. */
import { createHash } from "node:crypto";
import type { SilverBuild } from "../staging/silver-harness.js";

export interface MappedIdentifier {
  customerKey: string;
  rule: string;
}

/** customer_identity_map as node ('<system>:<id>') → key and rule. */
export async function identityMap(build: SilverBuild): Promise<Map<string, MappedIdentifier>> {
  const rows = await build.query("select source_system, source_id, customer_key, rule from c360.customer_identity_map order by source_system, source_id");
  return new Map(rows.map((row) => [`${row.source_system}:${row.source_id}`, { customerKey: String(row.customer_key), rule: String(row.rule) }]));
}

/** The customers as sorted lists of member nodes, sorted by their first member. */
export function clusters(map: Map<string, MappedIdentifier>): string[][] {
  const byKey = new Map<string, string[]>();
  for (const [node, { customerKey }] of map) byKey.set(customerKey, [...(byKey.get(customerKey) ?? []), node]);
  return [...byKey.values()].map((members) => members.sort(byteOrder)).sort((left, right) => byteOrder(left[0], right[0]));
}

export function byteOrder(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left), Buffer.from(right));
}

export function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

export async function iterations(build: SilverBuild): Promise<{ step: number; labelsChanged: number; components: number }[]> {
  const rows = await build.query("select step, labels_changed, components from c360_identity.identity_component_iterations order by step");
  return rows.map((row) => ({ step: Number(row.step), labelsChanged: Number(row.labels_changed), components: Number(row.components) }));
}

/** The first step after which no label changed (the number of steps the graph needed). */
export function stepsToConverge(steps: { step: number; labelsChanged: number }[]): number {
  const last = [...steps].reverse().find((step) => step.labelsChanged > 0);
  return last ? last.step + 1 : 0;
}

export interface PairwiseScores {
  precision: number;
  recall: number;
  f1: number;
  truePairs: number;
  foundPairs: number;
  correctPairs: number;
}

/** Pairs of identifiers put in one customer, compared between a clustering and the truth. */
export function pairwiseScores(found: Map<string, string>, truth: Map<string, string>): PairwiseScores {
  const pairsIn = (clustering: Map<string, string>) => {
    const sizes = new Map<string, number>();
    for (const key of clustering.values()) sizes.set(key, (sizes.get(key) ?? 0) + 1);
    return [...sizes.values()].reduce((sum, size) => sum + (size * (size - 1)) / 2, 0);
  };
  // Pairs together in both: for each (found key, true key) group of n identifiers, n(n-1)/2.
  const joint = new Map<string, number>();
  for (const [node, key] of found) {
    const trueKey = truth.get(node);
    if (trueKey === undefined) continue;
    const cell = `${key}|${trueKey}`;
    joint.set(cell, (joint.get(cell) ?? 0) + 1);
  }
  const correctPairs = [...joint.values()].reduce((sum, size) => sum + (size * (size - 1)) / 2, 0);
  const foundPairs = pairsIn(found);
  const truePairs = pairsIn(truth);
  const precision = foundPairs === 0 ? 1 : correctPairs / foundPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), truePairs, foundPairs, correctPairs };
}
