/**
 * The compiled graph as the stock `dataform compile --json` prints it. Both decode the
 * same protocol buffers; protobuf's JSON form leaves out repeated fields that are empty,
 * where c360 decodes them as empty arrays (so code can read them without checks). This
 * drops them again, so that the two outputs compare equal.
 */
export function toStockJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toStockJson);
  if (value === null || typeof value !== "object") return value;
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (Array.isArray(field) && field.length === 0) continue;
    result[key] = toStockJson(field);
  }
  return result;
}
