/** The hypergeometric series (Euler form) against mpmath's hyp2f1 (30 digits), and ln Γ from @stdlib. */
import { describe, expect, it } from "vitest";
import { hypergeometric2F1Euler, hypergeometric2F1Series, logGamma } from "../../src/models/special-functions.js";

// mpmath 1.3.0, mp.dps = 30: mpmath.hyp2f1(a, b, c, z).
const REFERENCE: [number, number, number, number, number][] = [
  [0.2426, 2.4258, 2.2187, 0.5, 1.2067390611567010294],
  [50.2426, 52.4258, 52.2187, 0.92, 2.1655652278979524943e55],
  [200.2426, 202.4258, 202.2187, 0.92, 7.4897840334722420381e219],
  [1.5, 0.3, 2.7, 0.987, 1.4075543039612130152],
  [2.2426, 4.425800000000001, 4.2187, 39 / (4.4135 + 38.86 + 39), 4.5743426535115016997],
];

describe("hypergeometric 2F1", () => {
  it.each(REFERENCE)("2F1(%f, %f; %f; %f) by Euler's transformation matches mpmath to 1e-12", (a, b, c, z, expected) => {
    const value = hypergeometric2F1Euler(a, b, c, z);
    expect(value.converged).toBe(true);
    expect(Math.abs(value.value / expected - 1)).toBeLessThan(1e-12);
  });

  it("keeps the Euler series short for heavy buyers: its length does not grow with x", () => {
    const light = hypergeometric2F1Euler(0.2426 + 1, 2.4258 + 1, 0.7929 + 2.4258, 0.92);
    const heavy = hypergeometric2F1Euler(0.2426 + 200, 2.4258 + 200, 0.7929 + 2.4258 + 199, 0.92);
    expect(heavy.terms).toBeLessThanOrEqual(light.terms);
  });

  it("reports a series that does not converge within its cap instead of a wrong value", () => {
    const capped = hypergeometric2F1Series(2, 2, 1.5, 0.9999);
    expect(capped.converged).toBe(false);
    expect(Number.isNaN(capped.value)).toBe(true);
  });

  it("ln Γ comes from @stdlib", () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
  });
});
