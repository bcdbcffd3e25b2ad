/**
 * SOURCES.md's normalisation rules in TypeScript, for computing the ground truth of a
 * generated landing folder. They follow the contract's text literally; where it is
 * silent the choice is documented here and in the truth folder's README.
 */

const DAY_MS = 86_400_000;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Empty strings, JSON null and absent fields all mean "missing". */
export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** A timestamp as SOURCES.md spells it → epoch milliseconds (UTC), or null when unparseable. */
export function parseTimestamp(text: unknown): number | null {
  if (typeof text !== "string") return null;
  const match = TIMESTAMP.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return null;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  let offsetMinutes = 0;
  if (zone && zone !== "Z") {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(4, 6));
    if (hours > 23 || minutes > 59) return null;
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
  }
  const millis = fraction ? Math.floor(Number(`0${fraction}`) * 1000 + 1e-9) : 0;
  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), millis) - offsetMinutes * 60_000;
}

export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYY-MM-DD` → epoch day number, or null. */
export function parseIsoDate(text: unknown): number | null {
  if (typeof text !== "string") return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) return null;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
}

export function epochDay(millis: number): number {
  return Math.floor(millis / DAY_MS);
}

export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Epoch milliseconds of the end of `as_of_date` (exclusive): records at or after it are "after as_of". */
export function asOfEnd(asOfDate: string): number {
  const day = parseIsoDate(asOfDate);
  if (day === null) throw new Error(`as_of_date ${asOfDate} is not a YYYY-MM-DD date`);
  return (day + 1) * DAY_MS;
}

export interface NormalisedEmail {
  email: string;
  valid: boolean;
}

/** Trimmed, lower-cased; valid per SOURCES.md "Email". Null when missing. */
export function normaliseEmail(text: unknown): NormalisedEmail | null {
  if (typeof text !== "string") return null;
  const email = text.trim().toLowerCase();
  if (email === "") return null;
  const parts = email.split("@");
  const valid =
    parts.length === 2 &&
    parts[0].length > 0 &&
    !/\s/.test(email) &&
    parts[1].split(".").length >= 2 &&
    parts[1].split(".").every((label) => label.length > 0);
  return { email, valid };
}

/** The valid normalised email, or null. */
export function validEmail(text: unknown): string | null {
  const normalised = normaliseEmail(text);
  return normalised?.valid ? normalised.email : null;
}

/** SOURCES.md "Phone": E.164 with the record's default region, or null when invalid or missing. */
export function normalisePhone(text: unknown, region: string): string | null {
  if (typeof text !== "string") return null;
  const trimmed = text.trim();
  const digits = trimmed.replace(/\D/g, "");
  let e164: string;
  if (trimmed.startsWith("+")) e164 = `+${digits}`;
  else if (digits.startsWith("00")) e164 = `+${digits.slice(2)}`;
  else if (region === "GB" && /^0[^0]/.test(digits)) e164 = `+44${digits.slice(1)}`;
  else if ((region === "US" || region === "CA") && digits.length === 10) e164 = `+1${digits}`;
  else if ((region === "US" || region === "CA") && digits.length === 11 && digits.startsWith("1")) e164 = `+${digits}`;
  else return null;
  const count = e164.length - 1;
  if (count < 8 || count > 15) return null;
  if (e164.startsWith("+1") && count !== 11) return null;
  return e164;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A decimal string → value in units of 10^-scale (BigInt), or null when not a plain decimal. */
export function parseDecimal(text: unknown, scale: number): bigint | null {
  if (typeof text !== "string" || !DECIMAL.test(text.trim())) return null;
  const [whole, fraction = ""] = text.trim().replace("-", "").split(".");
  if (fraction.length > scale) return null;
  const value = BigInt(whole + fraction.padEnd(scale, "0"));
  return text.trim().startsWith("-") ? -value : value;
}

/** round(amount × rate, 2) half away from zero, in cents; amount and rate are decimals in units of 10^-scale. */
export function convertToUsdCents(amount: bigint, amountScale: number, rate: bigint, rateScale: number): bigint {
  const divisor = 10n ** BigInt(amountScale + rateScale - 2);
  const product = amount * rate;
  const magnitude = product < 0n ? -product : product;
  const rounded = (magnitude * 2n + divisor) / (divisor * 2n);
  return product < 0n ? -rounded : rounded;
}

export function centsToText(cents: bigint): string {
  const negative = cents < 0n;
  const magnitude = negative ? -cents : cents;
  const text = `${magnitude / 100n}.${String(magnitude % 100n).padStart(2, "0")}`;
  return negative ? `-${text}` : text;
}
