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
  bigqueryLabels?: Record<string, string>;
  /** BigQuery reservation for the action's jobs (config `reservation`). */
  reservation?: string;
  /** "ACTION_COMPILATION_MODE_JIT" for actions whose SQL is produced at run time (jitCode). */
  compilationMode?: string;
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
  /** Incrementals: what a later run does when the query's columns differ from the table's (IGNORE, FAIL, EXTEND, SYNCHRONIZE; see runner/schema-change.ts). */
  onSchemaChange?: string | number;
  /** A view that BigQuery keeps as a materialized view. */
  materialized?: boolean;
  bigquery?: {
    partitionBy?: string;
    clusterBy?: string[];
    labels?: Record<string, string>;
    /** Incrementals: a condition on the target's rows the merge is limited to (Dataform: `DATAFORM_DEST.<filter>`). */
    updatePartitionFilter?: string;
    /** Incrementals: conditions added to the merge's join, written against DATAFORM_DEST / DATAFORM_SOURCE. */
    incrementalPredicates?: string[];
  };
  /** Just-in-time actions: a JavaScript async function of the JiT context, returning the SQL at run time. */
  jitCode?: string;
}

export interface CompiledOperation extends ActionBase {
  queries?: string[];
  hasOutput?: boolean;
  jitCode?: string;
}

/** A Jupyter notebook action (Dataform runs it on Colab Enterprise). */
export interface CompiledNotebook extends ActionBase {
  notebookContents?: string;
}

export interface CompiledAssertion extends ActionBase {
  query: string;
  jitCode?: string;
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
    builtinAssertionNamePrefix?: string;
    disableAssertions?: boolean;
    defaultReservation?: string;
  };
  tables?: CompiledTable[];
  operations?: CompiledOperation[];
  assertions?: CompiledAssertion[];
  declarations?: CompiledDeclaration[];
  tests?: CompiledTest[];
  notebooks?: CompiledNotebook[];
  /** Data the project hands to every JiT action's context (`jctx.data`). */
  jitData?: Record<string, unknown>;
  graphErrors?: { compilationErrors?: { fileName?: string; actionName?: string; message?: string; stack?: string }[] };
  dataformCoreVersion?: string;
}
