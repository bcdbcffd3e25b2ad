/**
 * The Gamma-Gamma model of spend per purchase occasion (Fader, Hardie & Lee, "RFM and CLV",
 * 2005; Colombo & Jiang 1999): its log-likelihood over the customers with repeat
 * occasions, its maximum-likelihood fit, and the expected spend per future occasion.
 */
import { indexDistinct } from "./distinct-values.js";
import { maximizeLikelihood } from "./maximize.js";
import { logGamma } from "./special-functions.js";

export interface GammaGammaParameters {
  p: number;
  q: number;
  gamma: number;
}

/** A repeat buyer's spend: x repeat occasions (x ≥ 1) of mean value m̄ (> 0). */
export interface SpendHistory {
  x: number;
  meanValue: number;
  customers?: number;
}

/** Spends as columns, with ln m̄ computed once and each row's index into the distinct x, so that a likelihood evaluation computes ln Γ once per distinct x and one logarithm per row. */
export interface PreparedSpends {
  x: Float64Array;
  meanValue: Float64Array;
  logMeanValue: Float64Array;
  customers: Float64Array;
  distinctX: Float64Array;
  xIndex: Int32Array;
}

/** The spends as the likelihood reads them (rows in the given order). */
export function prepareSpends(spends: readonly SpendHistory[]): PreparedSpends {
  const size = spends.length;
  const x = new Float64Array(size);
  const meanValue = new Float64Array(size);
  const logMeanValue = new Float64Array(size);
  const customers = new Float64Array(size);
  spends.forEach((spend, index) => {
    x[index] = spend.x;
    meanValue[index] = spend.meanValue;
    logMeanValue[index] = Math.log(spend.meanValue);
    customers[index] = spend.customers ?? 1;
  });
  const [distinctX, xIndex] = indexDistinct(x);
  return { x, meanValue, logMeanValue, customers, distinctX, xIndex };
}

/**
 * Σ ln L(p, q, γ | x, m̄) = Σ [ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln m̄ + px ln x − (px + q) ln(γ + x m̄)].
 */
export function gammaGammaLogLikelihood({ p, q, gamma }: GammaGammaParameters, spends: PreparedSpends): number {
  const { distinctX, xIndex, x, meanValue, logMeanValue, customers } = spends;
  const perX = new Float64Array(distinctX.length);
  for (let index = 0; index < distinctX.length; index++) {
    const value = distinctX[index];
    perX[index] = logGamma(p * value + q) - logGamma(p * value) + p * value * Math.log(value);
  }
  const constant = -logGamma(q) + q * Math.log(gamma);
  let total = 0;
  for (let index = 0; index < customers.length; index++) {
    const px = p * x[index];
    total += customers[index] * (constant + perX[xIndex[index]] + (px - 1) * logMeanValue[index] - (px + q) * Math.log(gamma + x[index] * meanValue[index]));
  }
  return total;
}

export interface GammaGammaFit {
  parameters: GammaGammaParameters;
  logLikelihood: number;
  converged: boolean;
  reason?: string;
}

/** Fixed start: p = q = 2 (a finite mean) and γ the mean spend (the data's money scale). */
export function fitGammaGamma(spends: readonly SpendHistory[]): GammaGammaFit {
  let customers = 0;
  let spend = 0;
  for (const { meanValue, customers: count = 1 } of spends) {
    customers += count;
    spend += count * meanValue;
  }
  const prepared = prepareSpends(spends);
  const fit = maximizeLikelihood(([p, q, gamma]) => gammaGammaLogLikelihood({ p, q, gamma }, prepared), [2, 2, Math.max(spend / customers, 1e-6)]);
  const [p, q, gamma] = fit.values;
  const result = { parameters: { p, q, gamma }, logLikelihood: fit.logLikelihood, converged: fit.converged, reason: fit.reason };
  if (fit.converged && q <= 1) return { ...result, converged: false, reason: `q = ${q.toPrecision(4)} ≤ 1: the population's mean spend per occasion is infinite` };
  return result;
}

/** E[spend per occasion | x, m̄] = p (γ + x m̄) / (p x + q − 1); the population mean p γ / (q − 1) when x = 0. */
export function expectedOrderValue({ p, q, gamma }: GammaGammaParameters, x: number, meanValue: number | null): number {
  if (x === 0 || meanValue === null) return (p * gamma) / (q - 1);
  return (p * (gamma + x * meanValue)) / (p * x + q - 1);
}
