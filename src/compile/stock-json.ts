/**
 * The compiled graph as the stock `dataform compile --json` prints it. Both decode the
 * same protocol buffers; protobuf's JSON form leaves out repeated fields that are empty,
 * where c360 decodes them as empty arrays (so code can read them without checks). This
 * drops them again, and drops what c360 adds to the graph for its own use (a unit test's
 * `dataset`, for selection), so that the two outputs compare equal.
 */
const C360_FIELDS: Record<string, ReadonlySet<string>> = { tests: new Set(["dataset"]) };

export function toStockJson(value: unknown, ownFields: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) return value.map((element) => toStockJson(element, ownFields));
  if (value === null || typeof value !== "object") return value;
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (ownFields.has(key)) continue;
    if (Array.isArray(field) && field.length === 0) continue;
    result[key] = Array.isArray(field) ? toStockJson(field, C360_FIELDS[key]) : toStockJson(field);
  }
  return result;
}
