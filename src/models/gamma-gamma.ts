/**
 * The Gamma-Gamma model of spend per purchase occasion (Fader, Hardie & Lee, "RFM and CLV",
 * 2005; Colombo & Jiang 1999): its log-likelihood over the customers with repeat
 * occasions, its maximum-likelihood fit, and the expected spend per future occasion.
 */
import { indexDistinct } from "./distinct-values.js";
import { maximizeBySimplex, maximizeLikelihood } from "./maximize.js";
import { digamma, logGamma } from "./special-functions.js";

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
 * Spends as columns, with each row's index into the distinct x and the sums that depend on the data alone (customers and
 * Σ c ln m̄ per distinct x), so that a likelihood evaluation computes ln Γ once per distinct x and, per row, a division and
 * a factor of a product whose logarithm is taken once per many rows.
 */
export interface PreparedSpends {
  x: Float64Array;
  meanValue: Float64Array;
  logMeanValue: Float64Array;
  customers: Float64Array;
  distinctX: Float64Array;
  xIndex: Int32Array;
  /** Customers, and Σ customers · ln m̄, per distinct x. */
  customersPerX: Float64Array;
  logMeanValuePerX: Float64Array;
}

/** Spends as columns (a build reads them so). */
export interface SpendColumns {
  x: Float64Array;
  meanValue: Float64Array;
  customers: Float64Array;
}

/** The spends as the likelihood reads them (rows in the given order). */
export function prepareSpends(spends: readonly SpendHistory[] | SpendColumns): PreparedSpends {
  return prepareColumns(Array.isArray(spends) ? spendColumns(spends as readonly SpendHistory[]) : (spends as SpendColumns));
}

/** Spends given one object each (tests, simulated buyers) as columns; a spend without `customers` is one customer's. */
export function spendColumns(spends: readonly SpendHistory[]): SpendColumns {
  const columns: SpendColumns = { x: new Float64Array(spends.length), meanValue: new Float64Array(spends.length), customers: new Float64Array(spends.length) };
  spends.forEach((spend, index) => {
    columns.x[index] = spend.x;
    columns.meanValue[index] = spend.meanValue;
    columns.customers[index] = spend.customers ?? 1;
  });
  return columns;
}

function prepareColumns({ x, meanValue, customers }: SpendColumns): PreparedSpends {
  const size = x.length;
  const logMeanValue = new Float64Array(size);
  for (let index = 0; index < size; index++) logMeanValue[index] = Math.log(meanValue[index]);
  const [distinctX, xIndex] = indexDistinct(x);
  const customersPerX = new Float64Array(distinctX.length);
  const logMeanValuePerX = new Float64Array(distinctX.length);
  for (let index = 0; index < size; index++) {
    customersPerX[xIndex[index]] += customers[index];
    logMeanValuePerX[xIndex[index]] += customers[index] * logMeanValue[index];
  }
  return { x, meanValue, logMeanValue, customers, distinctX, xIndex, customersPerX, logMeanValuePerX };
}

/** A factor of the products whose logarithms replace one logarithm per row: kept within these bounds, a product of them stays within 1e±280. */
const FACTOR_BOUND = 1e30;
const PRODUCT_BOUND = 1e250;

/**
 * Σ ln L(p, q, γ | x, m̄) = Σ [ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln m̄ + px ln x − (px + q) ln(γ + x m̄)].
 * Its partial derivatives are written into `gradient`:
 * ∂p = Σ x [ψ(px + q) − ψ(px) + ln x + ln m̄ − ln(γ + x m̄)], ∂q = Σ [ψ(px + q) − ψ(q) + ln γ − ln(γ + x m̄)],
 * ∂γ = Σ [q/γ − (px + q)/(γ + x m̄)].
 */
export function gammaGammaLogLikelihood({ p, q, gamma }: GammaGammaParameters, spends: PreparedSpends, gradient: Float64Array = new Float64Array(3)): number {
  const { distinctX, xIndex, x, meanValue, customers, customersPerX, logMeanValuePerX } = spends;
  const xs = distinctX.length;
  // Per distinct x: Σ c ln(γ + x m̄) and Σ c / (γ + x m̄). The logarithms of a run of rows of one customer and one x (the rows come
  // ordered by x) are the logarithm of their product: one logarithm per run instead of one per row.
  const logShiftedPerX = new Float64Array(xs);
  const inverseShiftedPerX = new Float64Array(xs);
  let product = 1;
  let productX = -1;
  for (let index = 0; index < customers.length; index++) {
    const c = customers[index];
    const xi = xIndex[index];
    const shifted = gamma + x[index] * meanValue[index];
    inverseShiftedPerX[xi] += c / shifted;
    if (c === 1 && shifted <= FACTOR_BOUND && shifted >= 1 / FACTOR_BOUND) {
      if (xi !== productX || !(product < PRODUCT_BOUND && product > 1 / PRODUCT_BOUND)) {
        if (productX >= 0) logShiftedPerX[productX] += Math.log(product);
        product = 1;
        productX = xi;
      }
      product *= shifted;
    } else {
      logShiftedPerX[xi] += c * Math.log(shifted);
    }
  }
  if (productX >= 0) logShiftedPerX[productX] += Math.log(product);
  const constant = -logGamma(q) + q * Math.log(gamma);
  let total = 0;
  let dp = 0;
  let dq = 0;
  let dGamma = 0;
  let count = 0;
  for (let xi = 0; xi < xs; xi++) {
    const value = distinctX[xi];
    const px = p * value;
    const customersOfX = customersPerX[xi];
    const digammaSum = digamma(px + q);
    total += customersOfX * (constant + logGamma(px + q) - logGamma(px) + px * Math.log(value)) + (px - 1) * logMeanValuePerX[xi] - (px + q) * logShiftedPerX[xi];
    dp += customersOfX * value * (digammaSum - digamma(px) + Math.log(value)) + value * (logMeanValuePerX[xi] - logShiftedPerX[xi]);
    dq += customersOfX * digammaSum - logShiftedPerX[xi];
    dGamma -= (px + q) * inverseShiftedPerX[xi];
    count += customersOfX;
  }
  gradient[0] = dp;
  gradient[1] = dq + count * (Math.log(gamma) - digamma(q));
  gradient[2] = dGamma + (count * q) / gamma;
  return total;
}

export interface GammaGammaFit {
  parameters: GammaGammaParameters;
  logLikelihood: number;
  converged: boolean;
  reason?: string;
  /** Evaluations of the log-likelihood and its gradient the search took. */
  evaluations: number;
}

/** Fixed start: p = q = 2 (a finite mean) and γ the mean spend (the data's money scale). */
export function fitGammaGamma(spends: readonly SpendHistory[] | SpendColumns): GammaGammaFit {
  const prepared = prepareSpends(spends);
  let customers = 0;
  let spend = 0;
  for (let index = 0; index < prepared.customers.length; index++) {
    customers += prepared.customers[index];
    spend += prepared.customers[index] * prepared.meanValue[index];
  }
  const start = [2, 2, Math.max(spend / customers, 1e-6)];
  let fit = maximizeLikelihood(([p, q, gamma], gradient) => gammaGammaLogLikelihood({ p, q, gamma }, prepared, gradient), start);
  // Where BFGS does not converge, the simplex search the fit used before has its say, as it always had.
  if (!fit.converged) {
    const evaluations = fit.evaluations;
    fit = maximizeBySimplex(([p, q, gamma]) => gammaGammaLogLikelihood({ p, q, gamma }, prepared), start);
    fit.evaluations += evaluations;
  }
  const [p, q, gamma] = fit.values;
  const result = { parameters: { p, q, gamma }, logLikelihood: fit.logLikelihood, converged: fit.converged, reason: fit.reason, evaluations: fit.evaluations };
  if (fit.converged && q <= 1) return { ...result, converged: false, reason: `q = ${q.toPrecision(4)} ≤ 1: the population's mean spend per occasion is infinite` };
  return result;
}

/** E[spend per occasion | x, m̄] = p (γ + x m̄) / (p x + q − 1); the population mean p γ / (q − 1) when x = 0. */
export function expectedOrderValue({ p, q, gamma }: GammaGammaParameters, x: number, meanValue: number | null): number {
  if (x === 0 || meanValue === null) return (p * gamma) / (q - 1);
  return (p * (gamma + x * meanValue)) / (p * x + q - 1);
}
