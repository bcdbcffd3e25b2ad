/**
 * What every format parser yields: one landing record, all text, with where it came from.
 * The orchestrator adds the file and part suffix and writes it as a bronze row.
 */
export interface BronzeRecord {
  /** 1-based number of the record within its part (header and blank lines not counted). */
  recordNumber: number;
  /** 1-based physical line where the record starts. */
  lineNumber: number;
  /**
   * Field values in the source's `fields` order; null when the record could not be split
   * into fields (then `raw` holds it). Sources without fields (NDJSON, JSON array) give [].
   */
  fields: (string | null)[] | null;
  /** The record's raw text where the format keeps it or the record could not be split. */
  raw: string | null;
}

/** Receives non-fatal findings (extra CSV columns, ...) for the load report. */
export type WarningSink = (message: string) => void;
