/**
 * The Gamma-Gamma model of spend per purchase occasion (Fader, Hardie & Lee, "RFM and CLV",
 * 2005; Colombo & Jiang 1999): its log-likelihood over the customers with repeat
 * occasions, its maximum-likelihood fit, and the expected spend per future occasion.
 */
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

/**
 * Σ ln L(p, q, γ | x, m̄) = Σ [ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln m̄ + px ln x − (px + q) ln(γ + x m̄)].
 */
export function gammaGammaLogLikelihood({ p, q, gamma }: GammaGammaParameters, spends: readonly SpendHistory[]): number {
  const byX = new Map<number, number>();
  const constant = -logGamma(q) + q * Math.log(gamma);
  let total = 0;
  for (const { x, meanValue, customers = 1 } of spends) {
    let perX = byX.get(x);
    if (perX === undefined) {
      perX = logGamma(p * x + q) - logGamma(p * x) + p * x * Math.log(x);
      byX.set(x, perX);
    }
    total += customers * (constant + perX + (p * x - 1) * Math.log(meanValue) - (p * x + q) * Math.log(gamma + x * meanValue));
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
  const fit = maximizeLikelihood(([p, q, gamma]) => gammaGammaLogLikelihood({ p, q, gamma }, spends), [2, 2, Math.max(spend / customers, 1e-6)]);
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
