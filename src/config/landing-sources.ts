/**
 * The landing sources a project declares in c360.json (`sources`): which files of the
 * landing folder the loader reads, in which format, and the bronze table each one fills.
 * The framework knows no source of its own: a project that declares none has no load step.
 * c360.schema.json validates the shape; this module gives the loader its defaults.
 */
export type LandingFormat = "csv" | "ndjson" | "json-array" | "xml";

/** Where an XML source's records and fields are: one record per `record` child of the `root` element. */
export interface XmlLayout {
  root: string;
  record: string;
  /** Column → attribute of the record element. */
  recordAttributes: Record<string, string>;
  /** Column → attribute of the root element (the same for every record of a file). */
  rootAttributes: Record<string, string>;
  /** Every other column is the text of the record's child element of the same name. */
}

export interface LandingSource {
  /** The source system the file comes from (warnings group a system's files). */
  system: string;
  /** File path inside the landing folder for the plain part (parts add -<suffix>). */
  file: string;
  format: LandingFormat;
  /** The bronze table the source fills. */
  schema: string;
  table: string;
  /**
   * Field columns, all text, after the loader's bookkeeping columns. CSV: header names.
   * XML: attribute/child names (see XmlLayout). NDJSON and JSON array sources keep the whole
   * record in _raw_record and have none.
   */
  fields: string[];
  /** A required source missing from the landing folder stops the load; a missing optional one warns. */
  required: boolean;
  /** XML sources only. */
  xml?: XmlLayout;
}

/** A source as written in c360.json (`sources[]`). */
export interface LandingSourceConfig {
  system: string;
  file: string;
  format: LandingFormat;
  schema: string;
  table: string;
  columns?: string[];
  required?: boolean;
  xml?: { root: string; record: string; recordAttributes?: Record<string, string>; rootAttributes?: Record<string, string> };
}

export function landingSourcesFrom(configs: readonly LandingSourceConfig[] = []): LandingSource[] {
  return configs.map((config) => ({
    system: config.system,
    file: config.file,
    format: config.format,
    schema: config.schema,
    table: config.table,
    fields: config.columns ?? [],
    required: config.required ?? false,
    ...(config.xml ? { xml: { recordAttributes: {}, rootAttributes: {}, ...config.xml } } : {}),
  }));
}

/** schema.table of the source's bronze table. */
export function bronzeTableName(source: Pick<LandingSource, "schema" | "table">): string {
  return `${source.schema}.${source.table}`;
}
