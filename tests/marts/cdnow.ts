/**
 * The CDNOW benchmark (../shared/data/README.md): Fader & Hardie's 1/10 sample of the
 * customers who first bought at CDNOW in 1997 Q1, read from the shared data folder (never
 * copied), and the published BG/NBD + Gamma-Gamma model as the yardstick for the CLTV
 * predictor: the BG/NBD log-likelihood (to verify this implementation against the published
 * −9582.43), the conditional expected number of transactions in a holdout period, and the
 * Gamma-Gamma expected spend per transaction.
 */
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../helpers/project.js";

export const CDNOW_SAMPLE = path.resolve(REPO_ROOT, "../shared/data/CDNOW_sample.txt");

/** One customer-day: same-day records of a customer merged (dollars summed), as the literature does. */
export interface CustomerDay {
  customerId: string;
  /** YYYY-MM-DD */
  day: string;
  /** Dollars with cents, as text (exact). */
  dollars: string;
}

/** Parses CDNOW_sample.txt (`master_id sample_id YYYYMMDD cds dollars`, whitespace-separated) into customer-days. */
export function readCdnowCustomerDays(file = CDNOW_SAMPLE): CustomerDay[] {
  const cents = new Map<string, number>();
  for (const line of fs.readFileSync(file, "utf8").split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 5) continue;
    const [, sampleId, date, , dollars] = fields;
    const key = `${sampleId}|${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
    cents.set(key, (cents.get(key) ?? 0) + Math.round(Number(dollars) * 100));
  }
  return [...cents].map(([key, total]) => {
    const [customerId, day] = key.split("|");
    return { customerId, day, dollars: (total / 100).toFixed(2) };
  });
}

/** BG/NBD parameters (Fader, Hardie & Lee 2005) and Gamma-Gamma spend parameters. */
export interface BgNbdParameters {
  r: number;
  alpha: number;
  a: number;
  b: number;
}
export interface GammaGammaParameters {
  p: number;
  q: number;
  gamma: number;
}

/** The maximum-likelihood estimates on the CDNOW sample, as ../shared/data/README.md gives them. */
export const PUBLISHED_BG_NBD: BgNbdParameters = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
export const PUBLISHED_GAMMA_GAMMA: GammaGammaParameters = { p: 6.2488, q: 3.7446, gamma: 15.4477 };

/** A customer's calibration summary in weeks: x repeat transactions, t_x the last one's time, T the observed time. */
export interface RfmSummary {
  x: number;
  tx: number;
  T: number;
}

/** ln Γ(z), Lanczos approximation (g = 7, n = 9), accurate to ~1e-13 for z > 0. */
export function logGamma(z: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const shifted = z - 1;
  let sum = coefficients[0];
  for (let index = 1; index < 9; index++) sum += coefficients[index] / (shifted + index);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Gauss's hypergeometric 2F1(a, b; c; z) by its series, for 0 ≤ z < 1. */
export function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let j = 0; j < 100_000; j++) {
    term *= ((a + j) * (b + j)) / ((c + j) * (j + 1)) * z;
    sum += term;
    if (Math.abs(term) < 1e-15 * Math.abs(sum)) return sum;
  }
  throw new Error(`2F1(${a}, ${b}; ${c}; ${z}) did not converge`);
}

/** The BG/NBD log-likelihood of one customer (Fader, Hardie & Lee 2005, eq. 6). */
export function bgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParameters, { x, tx, T }: RfmSummary): number {
  const lnA1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const lnA2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const lnA3 = -(r + x) * Math.log(alpha + T);
  if (x === 0) return lnA1 + lnA2 + lnA3;
  const lnA4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  const largest = Math.max(lnA3, lnA4);
  return lnA1 + lnA2 + largest + Math.log(Math.exp(lnA3 - largest) + Math.exp(lnA4 - largest));
}

/** E[Y(t) | x, t_x, T]: expected transactions in the next t weeks (Fader, Hardie & Lee 2005, eq. 10). */
export function bgNbdExpectedTransactions({ r, alpha, a, b }: BgNbdParameters, { x, tx, T }: RfmSummary, t: number): number {
  const ratio = (alpha + T) / (alpha + T + t);
  const hypergeometric = hypergeometric2F1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - Math.pow(ratio, r + x) * hypergeometric);
  const denominator = 1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 0);
  return numerator / denominator;
}

/** Gamma-Gamma expected spend per transaction given x repeat transactions of mean value zbar (Fader, Hardie & Lee 2005b). */
export function gammaGammaExpectedSpend({ p, q, gamma }: GammaGammaParameters, x: number, zbar: number): number {
  return (p * (gamma + x * zbar)) / (p * x + q - 1);
}
