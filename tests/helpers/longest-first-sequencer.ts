/**
 * Vitest's order of test files, with the known longest files of each project first. Vitest
 * sorts by the durations of the last run when its cache has them, and otherwise (a clean clone,
 * as in CI) by file size: then a 15-second file could start last and stretch the run's end on
 * one core while the other waits. The files named in vitest.config.ts's START_FIRST start
 * first, in that order; the rest keep vitest's order behind them.
 */
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

export function longestFirstSequencer(startFirst: readonly string[]) {
  return class LongestFirstSequencer extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = await super.sort(files);
      const rank = (file: TestSpecification) => {
        const index = startFirst.indexOf(path.relative(file.project.config.root, file.moduleId).split(path.sep).join("/"));
        return index < 0 ? startFirst.length : index;
      };
      // vitest's order keeps each project's files together, in the order the projects run: reorder within each.
      const groups: TestSpecification[][] = [];
      for (const file of sorted) {
        const last = groups.at(-1);
        if (last && last[0].project === file.project) last.push(file);
        else groups.push([file]);
      }
      return groups.flatMap((group) => group.map((file, position) => ({ file, position })).sort((a, b) => rank(a.file) - rank(b.file) || a.position - b.position).map(({ file }) => file));
    }
  };
}
