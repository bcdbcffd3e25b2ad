/**
 * The compiled Dataform graph, as plain objects decoded from core's protocol buffers.
 * Only the fields c360 reads are typed; the rest pass through untouched to compiled.json.
 */
import type { TableRef } from "../engines/engine.js";

export interface ColumnDescriptor {
  path?: string[];
  description?: string;
}

export interface ActionDescriptor {
  description?: string;
  columns?: ColumnDescriptor[];
}

interface ActionBase {
  target: TableRef;
  canonicalTarget?: TableRef;
  fileName?: string;
  tags?: string[];
  dependencyTargets?: TableRef[];
  disabled?: boolean;
  actionDescriptor?: ActionDescriptor;
}

export interface CompiledTable extends ActionBase {
  /** "table" | "view" | "incremental" */
  type: string;
  enumType?: string;
  query: string;
  incrementalQuery?: string;
  uniqueKey?: string[];
  preOps?: string[];
  postOps?: string[];
  incrementalPreOps?: string[];
  incrementalPostOps?: string[];
  protected?: boolean;
  bigquery?: { partitionBy?: string; clusterBy?: string[] };
}

export interface CompiledOperation extends ActionBase {
  queries?: string[];
  hasOutput?: boolean;
}

export interface CompiledAssertion extends ActionBase {
  query: string;
  parentAction?: TableRef;
}

export type CompiledDeclaration = ActionBase;

export interface CompiledTest {
  name: string;
  testQuery: string;
  expectedOutputQuery: string;
  fileName?: string;
  tags?: string[];
  target?: TableRef;
  dependencyTargets?: TableRef[];
  disabled?: boolean;
  /** c360: the `dataset` of the test's config block (core does not keep it in the graph). */
  dataset?: string;
}

export interface CompiledGraph {
  projectConfig?: {
    defaultDatabase?: string;
    defaultSchema?: string;
    assertionSchema?: string;
    defaultLocation?: string;
    vars?: Record<string, string>;
  };
  tables?: CompiledTable[];
  operations?: CompiledOperation[];
  assertions?: CompiledAssertion[];
  declarations?: CompiledDeclaration[];
  tests?: CompiledTest[];
  graphErrors?: { compilationErrors?: { fileName?: string; actionName?: string; message?: string; stack?: string }[] };
  dataformCoreVersion?: string;
}
