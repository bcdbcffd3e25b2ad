/** The local DuckDB file of a project's default target, as c360.json (or its default) names it. */
import path from "node:path";
import { loadProject } from "../../src/config/project.js";

export function localDatabasePath(projectDir: string, target?: string): string {
  const context = loadProject({ projectDir, target });
  if (context.target.engine !== "duckdb") throw new Error(`target ${context.targetName} of ${projectDir} is not a DuckDB target`);
  return path.resolve(projectDir, context.target.database);
}
