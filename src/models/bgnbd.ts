/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee, "Counting your customers the easy
 * way", 2005): its log-likelihood, its maximum-likelihood fit, and the per-customer
 * predictions the SQL scoring also computes. Time may be in any unit (days in c360's
 * builds, weeks in the paper); α is in that unit.
 */
import { indexDistinct } from "./distinct-values.js";
import { maximizeLikelihood } from "./maximize.js";
import { hypergeometric2F1Series, logBeta, logGamma } from "./special-functions.js";

export interface BgNbdParameters {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** A customer's history: x repeat purchase occasions, the last at t_x, observed for T (both from the first occasion). */
export interface PurchaseHistory {
  x: number;
  tx: number;
  T: number;
}

/**
 * Histories with how many customers share each, so the likelihood runs once per distinct
 * (x, t_x, T), and with each row's index into the distinct x, t_x and T values, so that the
 * terms that depend on one of them alone (ln Γ, ln B, ln(α + T), ln(α + t_x)) are computed
 * once per distinct value and evaluation rather than once per row.
 */
export interface GroupedHistories {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  customers: Float64Array;
  /** Number of customers (the sum of `customers`). */
  total: number;
  /** The distinct values of x, t_x and T, and each row's index into them. */
  distinctX: Float64Array;
  distinctTx: Float64Array;
  distinctT: Float64Array;
  xIndex: Int32Array;
  txIndex: Int32Array;
  tIndex: Int32Array;
}

/** Groups identical histories (a million customers are a few hundred thousand distinct triples); the rows keep the order of first appearance. */
export function groupHistories(histories: Iterable<PurchaseHistory & { customers?: number }>): GroupedHistories {
  const counts = new Map<string, { history: PurchaseHistory; customers: number }>();
  for (const history of histories) {
    const key = `${history.x}|${history.tx}|${history.T}`;
    const entry = counts.get(key);
    if (entry) entry.customers += history.customers ?? 1;
    else counts.set(key, { history, customers: history.customers ?? 1 });
  }
  const size = counts.size;
  const x = new Float64Array(size);
  const tx = new Float64Array(size);
  const T = new Float64Array(size);
  const customers = new Float64Array(size);
  let total = 0;
  let index = 0;
  for (const entry of counts.values()) {
    x[index] = entry.history.x;
    tx[index] = entry.history.tx;
    T[index] = entry.history.T;
    customers[index] = entry.customers;
    total += entry.customers;
    index++;
  }
  const [distinctX, xIndex] = indexDistinct(x);
  const [distinctTx, txIndex] = indexDistinct(tx);
  const [distinctT, tIndex] = indexDistinct(T);
  return { x, tx, T, customers, total, distinctX, distinctTx, distinctT, xIndex, txIndex, tIndex };
}

/** ln(α + v) for each of `values`. */
function logShifted(alpha: number, values: Float64Array): Float64Array {
  const logs = new Float64Array(values.length);
  for (let index = 0; index < values.length; index++) logs[index] = Math.log(alpha + values[index]);
  return logs;
}

/**
 * Σ over customers of ln L(r, α, a, b | x, t_x, T) (the paper's equation 6):
 * L = B(a, b + x)/B(a, b) · Γ(r + x) α^r / Γ(r) · [(α + T)^−(r+x) + [x > 0] a/(b + x − 1) (α + t_x)^−(r+x)].
 * The bracket is summed in log space as max + ln(1 + e^(min − max)); every row's term is the
 * same double whatever the order of rows, and the rows are added in their given order.
 */
export function bgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParameters, histories: GroupedHistories): number {
  const { distinctX, xIndex, txIndex, tIndex, customers } = histories;
  const base = -logGamma(r) + r * Math.log(alpha) - logBeta(a, b);
  const constant = new Float64Array(distinctX.length);
  const repeatWeight = new Float64Array(distinctX.length);
  const shape = new Float64Array(distinctX.length);
  for (let index = 0; index < distinctX.length; index++) {
    const x = distinctX[index];
    constant[index] = base + logGamma(r + x) + logBeta(a, b + x);
    repeatWeight[index] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0;
    shape[index] = r + x;
  }
  const logAlphaT = logShifted(alpha, histories.distinctT);
  const logAlphaTx = logShifted(alpha, histories.distinctTx);
  let total = 0;
  for (let index = 0; index < customers.length; index++) {
    const xi = xIndex[index];
    const survived = -shape[xi] * logAlphaT[tIndex[index]];
    let value = survived;
    if (distinctX[xi] > 0) {
      const dropped = repeatWeight[xi] - shape[xi] * logAlphaTx[txIndex[index]];
      // The larger term's exponential is e^0 = 1 exactly.
      value = survived >= dropped ? survived + Math.log(1 + Math.exp(dropped - survived)) : dropped + Math.log(Math.exp(survived - dropped) + 1);
    }
    total += customers[index] * (constant[xi] + value);
  }
  return total;
}

export interface BgNbdFit {
  parameters: BgNbdParameters;
  /** The (unpenalised) log-likelihood at the estimates. */
  logLikelihood: number;
  converged: boolean;
  reason?: string;
  /** Set when the plain maximum lies at the boundary (no dropout seen) and the fit was regularised: why. */
  regularised?: string;
}

/**
 * Weight of the fallback's penalty λ((ln a)² + (ln b)²): a log-normal prior on the dropout
 * Beta's a and b (unitless), weak next to a log-likelihood of thousands.
 */
export const DROPOUT_PENALTY = 0.1;

/**
 * Beyond this a or b the dropout Beta has all but collapsed to one value, and E[Y(t)]'s
 * series cancels catastrophically (its terms reach (1 − z)^(1 − a)): treated like a
 * boundary maximum.
 */
export const MAX_DROPOUT_SHAPE = 1000;

/**
 * Maximum likelihood from a fixed start: r = a = b = 1 and α the mean observation time (the
 * data's time scale). When data show no dropout the maximum lies at the boundary (a → 0,
 * b → ∞: nobody ever drops out), which the SQL cannot score (its series cancels
 * catastrophically); the fit is then made again with the weak penalty DROPOUT_PENALTY on
 * ln a and ln b, and `regularised` says so.
 */
export function fitBgNbd(histories: GroupedHistories): BgNbdFit {
  let observed = 0;
  for (let index = 0; index < histories.T.length; index++) observed += histories.customers[index] * histories.T[index];
  const start = [1, Math.max(observed / histories.total, 1), 1, 1];
  const logLikelihood = ([r, alpha, a, b]: number[]) => bgNbdLogLikelihood({ r, alpha, a, b }, histories);
  const fit = maximizeLikelihood(logLikelihood, start);
  // Index 2 or 3: a or b ran off (the dropout Beta degenerates); r or α running off is another matter (no rate heterogeneity) that a penalty on a and b would not cure.
  const dropoutIndex = fit.unbounded === 2 || fit.unbounded === 3 ? fit.unbounded : fit.converged ? [2, 3].find((index) => fit.values[index] > MAX_DROPOUT_SHAPE) : undefined;
  const ranOff = dropoutIndex !== undefined;
  if (!ranOff) {
    const [r, alpha, a, b] = fit.values;
    return { parameters: { r, alpha, a, b }, logLikelihood: fit.logLikelihood, converged: fit.converged, reason: fit.reason };
  }
  const penalised = maximizeLikelihood((values) => logLikelihood(values) - DROPOUT_PENALTY * (Math.log(values[2]) ** 2 + Math.log(values[3]) ** 2), start);
  const [r, alpha, a, b] = penalised.values;
  const stillDegenerate = Math.max(a, b) > MAX_DROPOUT_SHAPE;
  return {
    parameters: { r, alpha, a, b },
    logLikelihood: logLikelihood(penalised.values),
    converged: penalised.converged && !stillDegenerate,
    reason: stillDegenerate ? `a = ${a.toPrecision(4)}, b = ${b.toPrecision(4)} even with the penalty: the dropout is not identified` : penalised.reason,
    regularised: `the likelihood is highest at or near the boundary (${["r", "alpha", "a", "b"][dropoutIndex]} went to ${fit.values[dropoutIndex].toExponential(2)}: the data show almost no dropout, or no difference in it between customers), so a and b were estimated with the penalty ${DROPOUT_PENALTY}·((ln a)² + (ln b)²)`,
  };
}

/** P(alive | x, t_x, T) = 1 / (1 + [x > 0] a/(b + x − 1) ((α + T)/(α + t_x))^(r + x)). */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParameters, { x, tx, T }: PurchaseHistory): number {
  if (x === 0) return 1;
  return 1 / (1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x));
}

/**
 * E[Y(t) | x, t_x, T] (the paper's equation 10):
 * (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r + x) 2F1(r + x, b + x; a + b + x − 1; z)] / (1 + [x > 0] a/(b + x − 1) ((α + T)/(α + t_x))^(r + x)),
 * z = t/(α + T + t). By Euler's transformation ((α + T)/(α + T + t) = 1 − z) the bracket is
 * 1 − (1 − z)^(a − 1) 2F1(a + b − 1 − r, a − 1; a + b + x − 1; z), whose series does not grow with x.
 * NaN when the series does not converge within its cap.
 */
export function expectedPurchases(parameters: BgNbdParameters, history: PurchaseHistory, t: number): number {
  const { r, alpha, a, b } = parameters;
  const { x, T } = history;
  const z = t / (alpha + T + t);
  const series = hypergeometric2F1Series(a + b - 1 - r, a - 1, a + b + x - 1, z);
  if (!series.converged) return Number.NaN;
  const bracket = 1 - Math.pow(1 - z, a - 1) * series.value;
  return (((a + b + x - 1) / (a - 1)) * bracket) * probabilityAlive(parameters, history);
}

/** P(no purchase in the next t | x, t_x, T) = 1 − P(alive) (1 − ((α + T)/(α + T + t))^(r + x)). */
export function probabilityNoPurchase(parameters: BgNbdParameters, history: PurchaseHistory, t: number): number {
  const { r, alpha } = parameters;
  const { x, T } = history;
  return 1 - probabilityAlive(parameters, history) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x));
}
