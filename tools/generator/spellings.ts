/**
 * The messy spellings SOURCES.md allows, one function per kind of value. A `variant`
 * number picks the spelling deterministically, so that a generator that cycles through
 * variants (person index modulo the count) is sure to produce every one of them.
 */

export const PHONE_VARIANTS = 6;

/** A valid spelling of an E.164 number for a record whose default region is `region`. */
export function spellPhone(e164: string, region: string, variant: number): string {
  const digits = e164.slice(1);
  if (digits.startsWith("1") && digits.length === 11) {
    const [area, exchange, line] = [digits.slice(1, 4), digits.slice(4, 7), digits.slice(7)];
    const usLocal = region === "US" || region === "CA";
    switch (variant % PHONE_VARIANTS) {
      case 0:
        return `+1 ${area} ${exchange} ${line}`;
      case 1:
        return usLocal ? `(${area}) ${exchange}-${line}` : `+1 (${area}) ${exchange}-${line}`;
      case 2:
        return usLocal ? `${area}.${exchange}.${line}` : `001.${area}.${exchange}.${line}`;
      case 3:
        return usLocal ? `1-${area}-${exchange}-${line}` : `+1-${area}-${exchange}-${line}`;
      case 4:
        return `001 ${area} ${exchange} ${line}`;
      default:
        return `+1${area}${exchange}${line}`;
    }
  }
  const country = digits.startsWith("44") ? "44" : digits.slice(0, 2);
  const national = digits.slice(country.length);
  const grouped = `${national.slice(0, 2)} ${national.slice(2, 6)} ${national.slice(6)}`;
  switch (variant % 4) {
    case 0:
      return `+${country} ${grouped}`;
    case 1:
      // GB's national spelling is valid only where GB is the default region.
      return country === "44" && region === "GB" ? `0${grouped}` : `00${country} ${grouped}`;
    case 2:
      return `00${country} ${national}`;
    default:
      return `+${country}-${national.slice(0, 2)}-${national.slice(2)}`;
  }
}

/** Spellings no rule turns into a valid E.164 number. */
export const INVALID_PHONES = ["555-0134", "12345", "call me", "+1 415 555 013", "0000000", "+12 34"];

export const BIRTH_DATE_VARIANTS = 3;

export function spellBirthDate(year: number, month: number, day: number, variant: number): string {
  const [mm, dd] = [String(month).padStart(2, "0"), String(day).padStart(2, "0")];
  switch (variant % BIRTH_DATE_VARIANTS) {
    case 0:
      return `${year}-${mm}-${dd}`;
    case 1:
      return `${dd}/${mm}/${year}`;
    default:
      return `${year}${mm}${dd}`;
  }
}

/** Birth dates treated as missing: impossible, another spelling, after as_of (2030), empty. */
export const UNUSABLE_BIRTH_DATES = ["1985-02-30", "31/04/1990", "April 12 1985", "2030-01-01", "19851350", ""];

export const GENDER_SPELLINGS: Record<"male" | "female" | "other" | "unknown", readonly string[]> = {
  male: ["M", "Male", "m", "MALE", "male"],
  female: ["F", "Female", "f", "FEMALE", "female"],
  other: ["other", "X", "x", "Other", "OTHER"],
  unknown: ["", "unknown", "n/a", "?"],
};

/** Spellings of a country: alpha-2 / alpha-3 / name in several cases. */
export function spellCountry(country: { alpha2: string; alpha3: string; name: string }, variant: number): string {
  const spellings = [country.alpha2, country.alpha2.toLowerCase(), country.alpha3, country.alpha3.toLowerCase(), country.name, country.name.toUpperCase(), country.name.toLowerCase()];
  return spellings[variant % spellings.length];
}

export const UNKNOWN_COUNTRIES = ["Atlantis", "U.S.A.", "Europe", ""];

export const OPT_IN_SPELLINGS: Record<"true" | "false" | "null", readonly string[]> = {
  true: ["true", "TRUE", "True", "yes", "Yes", "YES", "y", "Y", "1"],
  false: ["false", "FALSE", "False", "no", "No", "NO", "n", "N", "0"],
  null: ["", "maybe", "unknown", "2"],
};

/** Email spellings that normalise to `email`: case changes and surrounding spaces. */
export function spellEmail(email: string, variant: number): string {
  const [local, domain] = email.split("@");
  switch (variant % 5) {
    case 0:
      return email;
    case 1:
      return email.toUpperCase();
    case 2:
      return ` ${capitalise(local)}@${capitalise(domain)} `;
    case 3:
      return `${email}  `;
    default:
      return ` ${local}@${domain.toUpperCase()}`;
  }
}

function capitalise(text: string): string {
  return text.replace(/(^|[.\-_])([a-z])/g, (_match, separator: string, letter: string) => separator + letter.toUpperCase());
}

/** Invalid emails per SOURCES.md (never link). */
export const INVALID_EMAILS = ["jane.doe@example", "a@b.", "a@.b", "a@b..c", "no-at-sign.example.com", "two@@example.com", "sp ace@example.com", "@example.com"];

export const TIMESTAMP_VARIANTS = 5;

/**
 * A spelling of the instant `millis`: Z, fraction + Z, no zone (UTC), or an offset.
 * Every variant denotes the same instant.
 */
export function spellTimestamp(millis: number, variant: number): string {
  switch (variant % TIMESTAMP_VARIANTS) {
    case 0:
      return `${isoSeconds(millis)}Z`;
    case 1:
      return `${new Date(millis).toISOString().slice(0, 23)}Z`;
    case 2:
      return isoSeconds(millis);
    case 3:
      return withOffset(millis, 60);
    default:
      return withOffset(millis, -300);
  }
}

/** The instant written in local time at `offsetMinutes` from UTC, with that offset. */
export function withOffset(millis: number, offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const magnitude = Math.abs(offsetMinutes);
  const zone = `${sign}${String(Math.floor(magnitude / 60)).padStart(2, "0")}:${String(magnitude % 60).padStart(2, "0")}`;
  return `${isoSeconds(millis + offsetMinutes * 60_000)}${zone}`;
}

function isoSeconds(millis: number): string {
  return new Date(millis).toISOString().slice(0, 19);
}

/** Timestamp spellings that are not the contract's format. */
export const UNPARSEABLE_TIMESTAMPS = ["2024/03/05 14:22", "05/03/2024 14:22:10", "yesterday", "2024-13-01T00:00:00Z", "2024-03-05 14:22:10", "1709648530"];
