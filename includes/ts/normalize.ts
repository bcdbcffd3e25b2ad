/**
 * The normalisation rules of SOURCES.md ("Normalisation", the column tables and
 * "Identity") as SQL expressions, written once for both dialects on top of dialect.ts.
 * Each helper takes SQL expressions (usually a bronze text column) and returns a SQL
 * expression; the optional last argument renders a given dialect (tests), otherwise the
 * compile var `dialect` decides.
 *
 * Helpers repeat their input expression: pass a column name or a short expression.
 */
import { compileVar, current, type Dialect, dateLiteral, regexpContains, regexpReplace, safeCast, safeParseDate, safeParseTimestamp, addMicroseconds, addMinutes, timestampLiteral, typeName } from "./dialect.js";

// ---------------------------------------------------------------------------------------
// Text

/** Whitespace as both engines' RE2 sees it, including Unicode spaces (no-break space, ...). */
const WHITESPACE = String.raw`[\s\p{Z}]`;

/** Surrounding whitespace removed (Unicode spaces too, the same on both engines); empty text becomes null. */
export function trimmed(expression: string, dialect?: Dialect): string {
  return `nullif(${regexpReplace(expression, String.raw`^${WHITESPACE}+|${WHITESPACE}+$`, "", dialect)}, '')`;
}

/** Trimmed and lower-cased, empty → null (enumerations). */
export function lowerTrimmed(expression: string, dialect?: Dialect): string {
  return `lower(${trimmed(expression, dialect)})`;
}

/** Trimmed and upper-cased, empty → null (codes). */
export function upperTrimmed(expression: string, dialect?: Dialect): string {
  return `upper(${trimmed(expression, dialect)})`;
}

// ---------------------------------------------------------------------------------------
// Email

/** Exactly one @, a non-empty local part, no whitespace, a domain of two or more non-empty dot-separated labels. */
export const EMAIL_PATTERN = String.raw`^[^@\s\p{Z}]+@[^@\s\p{Z}.]+(\.[^@\s\p{Z}.]+)+$`;

/** The email trimmed and lower-cased; null when empty. Kept whether valid or not. */
export function email(expression: string, dialect?: Dialect): string {
  return lowerTrimmed(expression, dialect);
}

/** True when the normalised email (the output of email()) is valid; false when invalid or missing. */
export function emailIsValid(normalisedEmail: string, dialect?: Dialect): string {
  return `coalesce(${regexpContains(normalisedEmail, EMAIL_PATTERN, dialect)}, false)`;
}

// ---------------------------------------------------------------------------------------
// Phone (E.164)

/**
 * The E.164 candidate of a free-text phone with a default region (an alpha-2 SQL
 * expression; null means US). Keeps the digits, and the + when the trimmed text starts
 * with one (a + elsewhere, as in "tel: +1…", is dropped); a leading 00 means +; in
 * GB a leading single 0 means +44 without the 0; in US/CA 10 digits mean +1 + digits and
 * 11 digits starting with 1 mean + digits; a + number keeps all its digits. Null when no
 * rule applies. Validity is phoneIsValid() of the candidate.
 */
export function phoneCandidate(expression: string, region: string = "'US'", dialect?: Dialect): string {
  const d = current(dialect);
  const digits = regexpReplace(expression, "[^0-9]", "", d);
  const defaultRegion = `coalesce(${region}, 'US')`;
  return (
    `case when ${digits} = '' then null ` +
    `when starts_with(${trimmed(expression, d)}, '+') then '+' || ${digits} ` +
    `when starts_with(${digits}, '00') then '+' || substr(${digits}, 3) ` +
    `when ${defaultRegion} = 'GB' and starts_with(${digits}, '0') then '+44' || substr(${digits}, 2) ` +
    `when ${defaultRegion} in ('US', 'CA') and length(${digits}) = 10 then '+1' || ${digits} ` +
    `when ${defaultRegion} in ('US', 'CA') and length(${digits}) = 11 and starts_with(${digits}, '1') then '+' || ${digits} ` +
    `end`
  );
}

/** Valid E.164: + and 8–15 digits; +1 numbers exactly 11 digits. False for null. */
export function phoneIsValid(candidate: string, dialect?: Dialect): string {
  return `coalesce(${regexpContains(candidate, String.raw`^\+[0-9]{8,15}$`, dialect)} and (not starts_with(${candidate}, '+1') or length(${candidate}) = 12), false)`;
}

/** The E.164 phone, null unless valid. */
export function phoneE164(expression: string, region: string = "'US'", dialect?: Dialect): string {
  const candidate = phoneCandidate(expression, region, dialect);
  return `case when ${phoneIsValid(candidate, dialect)} then ${candidate} end`;
}

// ---------------------------------------------------------------------------------------
// Dates and timestamps

/** `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z`, `±HH:MM` or nothing (SOURCES.md). */
export const TIMESTAMP_PATTERN = String.raw`^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$`;

/**
 * A contract timestamp text → timestamp in UTC (offset applied; no offset means UTC);
 * null when missing or unparseable, including impossible dates. Fractions keep
 * microseconds (further digits are dropped).
 */
export function timestamp(expression: string, dialect?: Dialect): string {
  const d = current(dialect);
  if (d !== "duckdb") return timestampFromParts(expression, d);
  // On text the pattern admits, DuckDB's own ISO 8601 parser gives exactly the instant that
  // timestampFromParts computes (offset applied, digits after the sixth dropped, no zone read
  // in the session's UTC), in half the time: checked on 20 M generated events and on the
  // cases of tests/includes/normalize.test.ts, which run both forms. The instant becomes a
  // UTC timestamp through its epoch microseconds: timezone('UTC', …) gives the same value
  // through ICU's calendar, at three times the cost (checked on 11 M orders' two fields).
  return `case when ${regexpContains(expression, TIMESTAMP_PATTERN, d)} then make_timestamp(epoch_us(try_cast(${expression} as timestamptz))) end`;
}

/**
 * timestamp() from substrings and integer arithmetic only, the same on every engine: what
 * BigQuery runs (its parser has no single format for "offset or nothing").
 */
export function timestampFromParts(expression: string, dialect?: Dialect): string {
  const d = current(dialect);
  const int64 = typeName("int64", d);
  const wallTime = safeParseTimestamp(`substr(${expression}, 1, 19)`, "%Y-%m-%dT%H:%M:%S", d);
  // On a text that matches TIMESTAMP_PATTERN an offset ±HH:MM is there exactly when the sixth
  // character from the end is a sign (else it is a digit, '.', ':' or 'Z'): plain substrings.
  const sign = `substr(${expression}, -6, 1)`;
  // The fraction's digits, '' when there is none: what lies between the '.' at position 20 and
  // the zone ('Z', ±HH:MM or nothing). Substrings, not a second regular expression: a quarter
  // of the time of this expression over millions of events.
  const zoneLength = `case when right(${expression}, 1) = 'Z' then 1 when ${sign} in ('+', '-') then 6 else 0 end`;
  const fraction = `case when substr(${expression}, 20, 1) = '.' then substr(${expression}, 21, length(${expression}) - 20 - ${zoneLength}) else '' end`;
  const microseconds = `cast(rpad(substr(${fraction}, 1, 6), 6, '0') as ${int64})`;
  const offsetMinutes =
    `(case when ${sign} = '-' then -1 when ${sign} = '+' then 1 else 0 end * ` +
    `coalesce(${safeCast(`substr(${expression}, -5, 2)`, "int64", d)} * 60 + ${safeCast(`substr(${expression}, -2, 2)`, "int64", d)}, 0))`;
  return `case when ${regexpContains(expression, TIMESTAMP_PATTERN, d)} then ${addMinutes(addMicroseconds(wallTime, microseconds, d), `-${offsetMinutes}`, d)} end`;
}

/** A date spelled `YYYY-MM-DD`, `DD/MM/YYYY` or `YYYYMMDD`; null for any other spelling or an impossible date. */
export function date(expression: string, dialect?: Dialect): string {
  const d = current(dialect);
  return (
    `case when ${regexpContains(expression, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", d)} then ${safeParseDate(expression, "%Y-%m-%d", d)} ` +
    `when ${regexpContains(expression, "^[0-9]{2}/[0-9]{2}/[0-9]{4}$", d)} then ${safeParseDate(expression, "%d/%m/%Y", d)} ` +
    `when ${regexpContains(expression, "^[0-9]{8}$", d)} then ${safeParseDate(expression, "%Y%m%d", d)} end`
  );
}

/** A `YYYY-MM-DD` date only (reference data); null otherwise. */
export function isoDate(expression: string, dialect?: Dialect): string {
  const d = current(dialect);
  return `case when ${regexpContains(expression, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", d)} then ${safeParseDate(expression, "%Y-%m-%d", d)} end`;
}

// ---------------------------------------------------------------------------------------
// Numbers and money

/** Digits with an optional minus and an optional `.` fraction: `19.99`, `-3`, `0.5` (not `+1`, `.5`, `5.`, `1e3`, `1,000`). */
export const DECIMAL_PATTERN = String.raw`^-?[0-9]+(\.[0-9]+)?$`;

/** A decimal text (surrounding whitespace allowed) → exact decimal; null when missing or not a plain decimal. */
export function decimal(expression: string, dialect?: Dialect): string {
  const d = current(dialect);
  const text = trimmed(expression, d);
  return `case when ${regexpContains(text, DECIMAL_PATTERN, d)} then ${safeCast(text, "decimal", d)} end`;
}

/** A whole number (digits only, surrounding whitespace allowed) → int64; null otherwise (or beyond int64). */
export function wholeNumber(expression: string, dialect?: Dialect): string {
  const d = current(dialect);
  const text = trimmed(expression, d);
  return `case when ${regexpContains(text, "^[0-9]+$", d)} then ${safeCast(text, "int64", d)} end`;
}

/** amount × rate rounded half away from zero to cents, exact (no intermediate rounding on either engine). */
export function toUsd(amount: string, rate: string, dialect?: Dialect): string {
  const d = current(dialect);
  if (d === "duckdb") return `cast(round(${amount} * ${rate}, 2) as decimal(38, 9))`;
  // NUMERIC × NUMERIC rounds to 9 decimals before our rounding; BIGNUMERIC keeps the product exact.
  return `cast(round(cast(${amount} as bignumeric) * cast(${rate} as bignumeric), 2) as numeric)`;
}

// ---------------------------------------------------------------------------------------
// Enumerations

/** M/Male → male, F/Female → female, other/X → other (any case); anything else, or empty → unknown. */
export function gender(expression: string, dialect?: Dialect): string {
  const value = lowerTrimmed(expression, dialect);
  return `case when ${value} in ('m', 'male') then 'male' when ${value} in ('f', 'female') then 'female' when ${value} in ('other', 'x') then 'other' else 'unknown' end`;
}

/** true/false, yes/no, y/n, 1/0 (any case) → boolean; anything else or empty → null. */
export function boolean(expression: string, dialect?: Dialect): string {
  const value = lowerTrimmed(expression, dialect);
  return `case when ${value} in ('true', 'yes', 'y', '1') then true when ${value} in ('false', 'no', 'n', '0') then false end`;
}

/** bronze, silver, gold or platinum (any case) → lower case; anything else → null. */
export function tier(expression: string, dialect?: Dialect): string {
  const value = lowerTrimmed(expression, dialect);
  return `case when ${value} in ('bronze', 'silver', 'gold', 'platinum') then ${value} end`;
}

/** Rank of a normalised tier (platinum 4 … bronze 1; null → 0), for "highest tier" orderings. */
export function tierRank(normalisedTier: string): string {
  return `case ${normalisedTier} when 'platinum' then 4 when 'gold' then 3 when 'silver' then 2 when 'bronze' then 1 else 0 end`;
}

/** A currency code upper-cased; null unless USD, EUR or GBP. */
export function currency(expression: string, dialect?: Dialect): string {
  const value = upperTrimmed(expression, dialect);
  return `case when ${value} in ('USD', 'EUR', 'GBP') then ${value} end`;
}

/** The lookup key of a country spelling (alpha-2, alpha-3 or name, any case): trimmed, upper case. */
export function countryKey(expression: string, dialect?: Dialect): string {
  return upperTrimmed(expression, dialect);
}

// ---------------------------------------------------------------------------------------
// As-of date (SOURCES.md "Identity"): records after the end of that day (UTC) are ignored.

function asOfText(explicit?: string): string {
  const value = explicit ?? compileVar("as_of_date");
  if (value === undefined) throw new Error('the compile var "as_of_date" is not set (ISO date, e.g. 2024-06-30)');
  const parsed = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  // An impossible day (2024-02-30) is an invalid Date, whose toISOString() throws: test getTime first.
  const date = new Date(`${value}T00:00:00Z`);
  const valid = parsed !== null && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  if (!valid) throw new Error(`the compile var "as_of_date" must be an ISO date YYYY-MM-DD, got "${value}"`);
  return value;
}

/** The as-of date as a date literal. */
export function asOfDate(asOf?: string, dialect?: Dialect): string {
  return dateLiteral(asOfText(asOf), dialect);
}

/** The first instant after the as-of date (next day 00:00 UTC) as a timestamp literal. */
export function asOfEnd(asOf?: string, dialect?: Dialect): string {
  const next = new Date(`${asOfText(asOf)}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return timestampLiteral(`${next.toISOString().slice(0, 10)} 00:00:00`, dialect);
}

/** True when a timestamp lies after the end of the as-of date; false for null (unknown times are not "after"). */
export function isAfterAsOf(timestampExpression: string, asOf?: string, dialect?: Dialect): string {
  return `coalesce(${timestampExpression} >= ${asOfEnd(asOf, dialect)}, false)`;
}

/** True when a date lies after the as-of date; false for null. */
export function isDateAfterAsOf(dateExpression: string, asOf?: string, dialect?: Dialect): string {
  return `coalesce(${dateExpression} > ${asOfDate(asOf, dialect)}, false)`;
}

/** The var max_accounts_per_identifier (default 3) as an integer literal. */
export function maxAccountsPerIdentifier(explicit?: string): string {
  const value = explicit ?? compileVar("max_accounts_per_identifier") ?? "3";
  if (!/^[0-9]+$/.test(value)) throw new Error(`the compile var "max_accounts_per_identifier" must be a whole number, got "${value}"`);
  return String(Number(value));
}
