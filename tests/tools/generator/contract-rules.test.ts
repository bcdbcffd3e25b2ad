import { describe, expect, it } from "vitest";
import { convertToUsdCents, normaliseEmail, normalisePhone, parseDecimal, parseTimestamp } from "../../../tools/generator/contract-rules.js";
import { countryCode } from "../../../tools/generator/countries.js";

describe("contract rules (SOURCES.md Normalisation)", () => {
  it("validates emails as the contract says", () => {
    expect(normaliseEmail(" Jane.Doe@Example.COM ")).toEqual({ email: "jane.doe@example.com", valid: true });
    expect(normaliseEmail("a@b.c")?.valid).toBe(true);
    for (const invalid of ["a@b", "a@b.", "a@.b", "a@b..c", "@b.c", "a@@b.c", "a b@c.d"]) expect(normaliseEmail(invalid)?.valid).toBe(false);
    expect(normaliseEmail("   ")).toBeNull();
  });

  it("normalises phones to E.164 with the default region", () => {
    expect(normalisePhone("+1 415 555 0134", "GB")).toBe("+14155550134");
    expect(normalisePhone("(415) 555-0134", "US")).toBe("+14155550134");
    expect(normalisePhone("1-415-555-0134", "CA")).toBe("+14155550134");
    expect(normalisePhone("001 415 555 0134", "DE")).toBe("+14155550134");
    expect(normalisePhone("020 7946 0958", "GB")).toBe("+442079460958");
    expect(normalisePhone("020 7946 0958", "US")).toBeNull();
    expect(normalisePhone("+39 06 1234 5678", "US")).toBe("+390612345678");
    expect(normalisePhone("555-0134", "US")).toBeNull();
    expect(normalisePhone("+1 415 555 013", "US")).toBeNull();
    expect(normalisePhone("(415) 555-0134", "DE")).toBeNull();
  });

  it("parses the contract's timestamps only", () => {
    expect(parseTimestamp("2024-03-05T14:22:10+01:00")).toBe(Date.UTC(2024, 2, 5, 13, 22, 10));
    expect(parseTimestamp("2024-03-05T14:22:10.123Z")).toBe(Date.UTC(2024, 2, 5, 14, 22, 10, 123));
    expect(parseTimestamp("2024-03-05T14:22:10")).toBe(Date.UTC(2024, 2, 5, 14, 22, 10));
    for (const bad of ["2024-03-05 14:22:10", "2024/03/05T14:22:10Z", "2024-02-30T00:00:00Z", "yesterday", ""]) expect(parseTimestamp(bad)).toBeNull();
  });

  it("converts money exactly, rounding half away from zero", () => {
    expect(convertToUsdCents(parseDecimal("10.00", 2)!, 2, 10_825n, 4)).toBe(1083n); // 10.825 → 10.83
    expect(convertToUsdCents(parseDecimal("19.99", 9)!, 9, 12_649n, 4)).toBe(2529n); // 25.285351 → 25.29
    expect(parseDecimal("12,50", 2)).toBeNull();
  });

  it("maps country spellings to alpha-2", () => {
    expect(["us", "USA", "united states", "GBR", "United Kingdom", "Bonaire, Sint Eustatius and Saba"].map(countryCode)).toEqual(["US", "US", "US", "GB", "GB", "BQ"]);
    expect(countryCode("Atlantis")).toBeNull();
  });
});
