/**
 * Special functions of the purchase models. ln Γ, its derivative ψ and ln B come from @stdlib (well kept,
 * tested against Boost and Cephes); the Gaussian hypergeometric function is written here,
 * because no maintained npm package offers it, as the same block-wise series the SQL
 * scoring evaluates (includes/ts/metrics.ts), so that both give the same values.
 */
import betaln from "@stdlib/math-base-special-betaln";
import digammaFunction from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";

export const logGamma: (x: number) => number = gammaln;
export const logBeta: (a: number, b: number) => number = betaln;
/** ψ(x) = d ln Γ(x) / dx, for the likelihoods' gradients. */
export const digamma: (x: number) => number = digammaFunction;

/** Terms added per block of the series (one step of the SQL recursion). */
export const HYPERGEOMETRIC_BLOCK_TERMS = 6;
/** Blocks at most: 2,700 terms, enough for z up to about 0.987 (BigQuery caps a recursion at 500 steps). */
export const HYPERGEOMETRIC_MAX_BLOCKS = 450;
/** The series stops after the first block whose last term is at most this fraction of the sum. */
export const HYPERGEOMETRIC_RELATIVE_TOLERANCE = 1e-15;

export interface SeriesValue {
  value: number;
  /** Terms summed after the leading 1. */
  terms: number;
  converged: boolean;
}

/**
 * 2F1(a, b; c; z) for 0 ≤ z < 1 by its power series, summed in blocks of
 * HYPERGEOMETRIC_BLOCK_TERMS terms (term_{n+1} = term_n · z (a+n)(b+n) / ((c+n)(n+1))).
 * Convergence rule: stop after the first block whose last term satisfies
 * |term| ≤ 1e-15 · |sum|; once (a+n)(b+n) / ((c+n)(n+1)) ≤ 1 the remaining tail is at most
 * |term| · z / (1 − z). Not converged after HYPERGEOMETRIC_MAX_BLOCKS blocks: value NaN.
 */
export function hypergeometric2F1Series(a: number, b: number, c: number, z: number): SeriesValue {
  let term = 1;
  let sum = 1;
  let n = 0;
  for (let block = 0; block < HYPERGEOMETRIC_MAX_BLOCKS; block++) {
    for (let j = 0; j < HYPERGEOMETRIC_BLOCK_TERMS; j++, n++) {
      term *= (z * ((a + n) * (b + n))) / ((c + n) * (n + 1));
      sum += term;
    }
    if (Math.abs(term) <= HYPERGEOMETRIC_RELATIVE_TOLERANCE * Math.abs(sum)) return { value: sum, terms: n, converged: true };
  }
  return { value: Number.NaN, terms: n, converged: false };
}

/**
 * 2F1(a, b; c; z) through Euler's transformation, 2F1(a, b; c; z) = (1 − z)^(c − a − b)
 * 2F1(c − a, c − b; c; z): used where a and b grow with the data (BG/NBD's r + x, b + x)
 * while c − a and c − b do not, so the series' terms stay small and its length does not
 * grow with x.
 */
export function hypergeometric2F1Euler(a: number, b: number, c: number, z: number): SeriesValue {
  const series = hypergeometric2F1Series(c - a, c - b, c, z);
  return { ...series, value: Math.pow(1 - z, c - a - b) * series.value };
}
