/** How a dashboard prints a value: fixed separators (not the machine's locale), exact decimals kept exact. */
import type { ValueFormat } from "./spec.js";

/** Thousands separators on the whole part of a decimal text. */
function grouped(text: string): string {
  const negative = text.startsWith("-");
  const [whole, fraction] = text.replace(/^-/, "").split(".");
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${withCommas}${fraction !== undefined ? `.${fraction}` : ""}`;
}

/** A decimal text rounded half away from zero to `places` decimals, without going through a float where the text is exact. */
function roundedText(value: unknown, places: number): string {
  const text = typeof value === "number" ? value.toFixed(Math.max(places, 12)) : String(value);
  if (!/^-?\d+(\.\d+)?$/.test(text)) return String(Number(text).toFixed(places));
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace(/^-/, "").split(".");
  const digits = BigInt(whole + fraction.padEnd(places + 1, "0").slice(0, places + 1));
  const rounded = (digits + 5n) / 10n;
  const padded = rounded.toString().padStart(places + 1, "0");
  const result = places === 0 ? padded : `${padded.slice(0, -places)}.${padded.slice(-places)}`;
  return negative && rounded !== 0n ? `-${result}` : result;
}

export function formatValue(value: unknown, format: ValueFormat = "text"): string {
  if (value === null || value === undefined) return "—";
  switch (format) {
    case "integer":
      return grouped(roundedText(value, 0));
    case "decimal":
      return grouped(roundedText(value, 2)).replace(/\.?0+$/, "");
    case "usd":
      return `USD ${grouped(roundedText(value, 2))}`;
    case "percent":
      return `${roundedText(Number(value) * 100, 1)} %`;
    case "days":
      return `${grouped(roundedText(value, 1)).replace(/\.0$/, "")} days`;
    default:
      return String(value);
  }
}

/** A value as a chart coordinate: numbers for measures, text for categories. */
export function numeric(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}
