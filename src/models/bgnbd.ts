/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee, "Counting your customers the easy
 * way", 2005): its log-likelihood, its maximum-likelihood fit, and the per-customer
 * predictions the SQL scoring also computes. Time may be in any unit (days in c360's
 * builds, weeks in the paper); α is in that unit.
 */
import { indexDistinct } from "./distinct-values.js";
import { maximizeBySimplex, maximizeLikelihood, type MaximumLikelihood } from "./maximize.js";
import { checkNoDropoutMaximum } from "./no-dropout.js";
import { digamma, hypergeometric2F1Series, logBeta, logGamma } from "./special-functions.js";

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
 * once per distinct value and evaluation rather than once per row. The sums of the terms
 * that depend on x or T alone are collected once per fit (customers per distinct x; customers
 * and Σ customers·x per distinct T), and the rows with x ≥ 1, the only ones whose term needs
 * a logarithm of its own, are kept apart in columns of their own.
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
  /** Customers per distinct x. */
  customersPerX: Float64Array;
  /** Customers, and Σ customers · x, per distinct T. */
  customersPerT: Float64Array;
  occasionsPerT: Float64Array;
  /** The rows with x ≥ 1, in their order: their customers and their indices into the distinct values. */
  repeat: { customers: Float64Array; xIndex: Int32Array; txIndex: Int32Array; tIndex: Int32Array };
}

/** Histories as columns (a build reads them so: grouped in SQL, one row per distinct history, with its customers). */
export interface HistoryColumns {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  customers: Float64Array;
}

/** Groups identical histories (a million customers are a few hundred thousand distinct triples); the rows keep the order of first appearance. */
export function groupHistories(histories: Iterable<PurchaseHistory & { customers?: number }>): GroupedHistories {
  return groupHistoryColumns(historyColumns(Array.isArray(histories) ? histories : [...histories]));
}

/** Histories given one object each (tests, simulated buyers) as columns; a history without `customers` is one customer's. */
export function historyColumns(histories: readonly (PurchaseHistory & { customers?: number })[]): HistoryColumns {
  const columns: HistoryColumns = { x: new Float64Array(histories.length), tx: new Float64Array(histories.length), T: new Float64Array(histories.length), customers: new Float64Array(histories.length) };
  for (let index = 0; index < histories.length; index++) {
    const history = histories[index];
    columns.x[index] = history.x;
    columns.tx[index] = history.tx;
    columns.T[index] = history.T;
    columns.customers[index] = history.customers ?? 1;
  }
  return columns;
}

/** groupHistories of columns: used as they are when already distinct and ordered (as a build reads them), else grouped. */
export function groupHistoryColumns(columns: HistoryColumns): GroupedHistories {
  if (strictlyAscending(columns)) return groupedFrom(columns);
  const xs: number[] = [];
  const txs: number[] = [];
  const Ts: number[] = [];
  const counts: number[] = [];
  const rows = new Map<string, number>();
  for (let index = 0; index < columns.x.length; index++) {
    const [x, tx, T, customers] = [columns.x[index], columns.tx[index], columns.T[index], columns.customers[index]];
    const key = `${x}|${tx}|${T}`;
    const row = rows.get(key);
    if (row !== undefined) {
      counts[row] += customers;
      continue;
    }
    rows.set(key, xs.length);
    xs.push(x);
    txs.push(tx);
    Ts.push(T);
    counts.push(customers);
  }
  return groupedFrom({ x: Float64Array.from(xs), tx: Float64Array.from(txs), T: Float64Array.from(Ts), customers: Float64Array.from(counts) });
}

/** The grouped form of distinct histories. */
function groupedFrom({ x, tx, T, customers }: HistoryColumns): GroupedHistories {
  const size = x.length;
  let total = 0;
  for (let index = 0; index < size; index++) total += customers[index];
  const [distinctX, xIndex] = indexDistinct(x);
  const [distinctTx, txIndex] = indexDistinct(tx);
  const [distinctT, tIndex] = indexDistinct(T);
  const customersPerX = new Float64Array(distinctX.length);
  const customersPerT = new Float64Array(distinctT.length);
  const occasionsPerT = new Float64Array(distinctT.length);
  let repeatRows = 0;
  for (let row = 0; row < size; row++) {
    customersPerX[xIndex[row]] += customers[row];
    customersPerT[tIndex[row]] += customers[row];
    occasionsPerT[tIndex[row]] += customers[row] * x[row];
    if (x[row] > 0) repeatRows++;
  }
  const repeat = { customers: new Float64Array(repeatRows), xIndex: new Int32Array(repeatRows), txIndex: new Int32Array(repeatRows), tIndex: new Int32Array(repeatRows) };
  for (let row = 0, at = 0; row < size; row++) {
    if (!(x[row] > 0)) continue;
    repeat.customers[at] = customers[row];
    repeat.xIndex[at] = xIndex[row];
    repeat.txIndex[at] = txIndex[row];
    repeat.tIndex[at] = tIndex[row];
    at++;
  }
  return { x, tx, T, customers, total, distinctX, distinctTx, distinctT, xIndex, txIndex, tIndex, customersPerX, customersPerT, occasionsPerT, repeat };
}

/** True when each history comes after the one before in (x, t_x, T) order: then no two are equal. */
function strictlyAscending({ x, tx, T }: HistoryColumns): boolean {
  for (let index = 1; index < x.length; index++) {
    const after = x[index] !== x[index - 1] ? x[index] > x[index - 1] : tx[index] !== tx[index - 1] ? tx[index] > tx[index - 1] : T[index] > T[index - 1];
    if (!after) return false;
  }
  return true;
}

/** ln(α + v) for each of `values`. */
function logShifted(alpha: number, values: Float64Array): Float64Array {
  const logs = new Float64Array(values.length);
  for (let index = 0; index < values.length; index++) logs[index] = Math.log(alpha + values[index]);
  return logs;
}

/** 1 / (α + v) for each of `values`. */
function inverseShifted(alpha: number, values: Float64Array): Float64Array {
  const inverses = new Float64Array(values.length);
  for (let index = 0; index < values.length; index++) inverses[index] = 1 / (alpha + values[index]);
  return inverses;
}

/**
 * Beyond this |u|, ln(1 + e^−|u|) < 5e-18 (and the share e^−|u| / (1 + e^−|u|) as small): below the
 * rounding of any row's term, so it is left out and the row costs no exponential or logarithm.
 */
const SATURATED = 40;
/** Factors of at most 2 multiplied before one logarithm: the product stays below 2^512, far from overflow. */
const PRODUCT_FACTORS = 512;

/**
 * Σ over customers of ln L(r, α, a, b | x, t_x, T) (the paper's equation 6):
 * L = B(a, b + x)/B(a, b) · Γ(r + x) α^r / Γ(r) · [(α + T)^−(r+x) + [x > 0] a/(b + x − 1) (α + t_x)^−(r+x)].
 * With s = −(r + x) ln(α + T) and d = ln a − ln(b + x − 1) − (r + x) ln(α + t_x), the bracket's
 * log is s + ln(1 + e^u), u = d − s = ln a − ln(b + x − 1) + (r + x)(ln(α + T) − ln(α + t_x)),
 * taken as max(u, 0) + ln(1 + e^−|u|). So the likelihood is a sum of terms in x alone (the
 * constant, by the customers per distinct x), in T alone (s, by the customers and Σ x per
 * distinct T) and ln(1 + e^u) over the rows with x ≥ 1; each sum is added in a fixed order.
 *
 * When `gradient` is given, the partial derivatives in (r, α, a, b) are written into it: the
 * constant's are digammas, once per distinct x; s's are sums per distinct T; ln(1 + e^u)'s
 * are σ(u) ∂u with the share σ(u) = e^u / (1 + e^u) (from the same e^−|u| the value uses),
 * summed per distinct x for ∂a and ∂b, whose ∂u depend on x alone.
 */
export function bgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParameters, histories: GroupedHistories, gradient?: Float64Array): number {
  const { distinctX, distinctT, distinctTx, customersPerX, customersPerT, occasionsPerT, repeat } = histories;
  const logAlpha = Math.log(alpha);
  const logA = Math.log(a);
  const base = -logGamma(r) + r * logAlpha - logBeta(a, b);
  const xs = distinctX.length;
  const repeatWeight = new Float64Array(xs);
  const shape = new Float64Array(xs);
  let constants = 0;
  for (let xi = 0; xi < xs; xi++) {
    const x = distinctX[xi];
    constants += customersPerX[xi] * (base + logGamma(r + x) + logBeta(a, b + x));
    repeatWeight[xi] = x > 0 ? logA - Math.log(b + x - 1) : 0;
    shape[xi] = r + x;
  }
  const logAlphaT = logShifted(alpha, distinctT);
  const logAlphaTx = logShifted(alpha, distinctTx);
  let survived = 0;
  for (let ti = 0; ti < distinctT.length; ti++) survived -= (r * customersPerT[ti] + occasionsPerT[ti]) * logAlphaT[ti];
  const { customers, xIndex, txIndex, tIndex } = repeat;
  const rows = customers.length;
  let dropped = 0;
  // Σ c ln(1 + e^−|u|) over the rows of one customer (most of them) as the logarithm of products of their factors (1 + e^−|u|) ∈ (1, 2]:
  // one logarithm per PRODUCT_FACTORS rows instead of one per row (a third of a row's cost); a product's rounding (512 roundings of
  // 1.1e-16 at most) is below that of the sum of the rows' terms it replaces.
  let product = 1;
  let factors = 0;
  if (!gradient) {
    for (let row = 0; row < rows; row++) {
      const xi = xIndex[row];
      const u = repeatWeight[xi] + shape[xi] * (logAlphaT[tIndex[row]] - logAlphaTx[txIndex[row]]);
      const c = customers[row];
      if (u > SATURATED) dropped += c * u;
      else if (u >= -SATURATED) {
        let factor: number;
        if (u > 0) {
          dropped += c * u;
          factor = 1 + Math.exp(-u);
        } else factor = 1 + Math.exp(u);
        if (c === 1) product *= factor;
        else dropped += c * Math.log(factor);
        if (++factors === PRODUCT_FACTORS) {
          dropped += Math.log(product);
          product = 1;
          factors = 0;
        }
      }
    }
    return constants + survived + dropped + Math.log(product);
  }
  const inverseAlphaT = inverseShifted(alpha, distinctT);
  const inverseAlphaTx = inverseShifted(alpha, distinctTx);
  // Σ c·σ(u) per distinct x (for ∂a and ∂b), and Σ c·σ(u)·∂u for ∂r and ∂α.
  const droppedPerX = new Float64Array(xs);
  let dr = 0;
  let dAlpha = 0;
  for (let row = 0; row < rows; row++) {
    const xi = xIndex[row];
    const ti = tIndex[row];
    const txi = txIndex[row];
    const gap = logAlphaT[ti] - logAlphaTx[txi];
    const u = repeatWeight[xi] + shape[xi] * gap;
    const c = customers[row];
    let share: number;
    if (u > SATURATED) {
      dropped += c * u;
      share = c;
    } else if (u < -SATURATED) {
      continue;
    } else {
      let factor: number;
      if (u > 0) {
        const ratio = Math.exp(-u);
        dropped += c * u;
        factor = 1 + ratio;
        share = c / factor;
      } else {
        const ratio = Math.exp(u);
        factor = 1 + ratio;
        share = (c * ratio) / factor;
      }
      if (c === 1) product *= factor;
      else dropped += c * Math.log(factor);
      if (++factors === PRODUCT_FACTORS) {
        dropped += Math.log(product);
        product = 1;
        factors = 0;
      }
    }
    droppedPerX[xi] += share;
    dr += share * gap;
    dAlpha += share * shape[xi] * (inverseAlphaT[ti] - inverseAlphaTx[txi]);
  }
  for (let ti = 0; ti < distinctT.length; ti++) {
    dr -= customersPerT[ti] * logAlphaT[ti];
    dAlpha -= (r * customersPerT[ti] + occasionsPerT[ti]) * inverseAlphaT[ti];
  }
  // ∂ constant: ∂r ψ(r + x) − ψ(r) + ln α; ∂α r/α; ∂a ψ(a + b) − ψ(a + b + x); ∂b ψ(b + x) − ψ(a + b + x) − ψ(b) + ψ(a + b).
  const digammaR = digamma(r);
  const digammaAB = digamma(a + b);
  const digammaB = digamma(b);
  let da = 0;
  let db = 0;
  for (let xi = 0; xi < xs; xi++) {
    const x = distinctX[xi];
    const count = customersPerX[xi];
    const digammaABX = digamma(a + b + x);
    dr += count * (digamma(r + x) - digammaR + logAlpha);
    dAlpha += count * (r / alpha);
    da += count * (digammaAB - digammaABX) + droppedPerX[xi] / a;
    db += count * (digamma(b + x) - digammaABX - digammaB + digammaAB) - (x > 0 ? droppedPerX[xi] / (b + x - 1) : 0);
  }
  gradient[0] = dr;
  gradient[1] = dAlpha;
  gradient[2] = da;
  gradient[3] = db;
  return constants + survived + dropped + Math.log(product);
}

export interface BgNbdFit {
  parameters: BgNbdParameters;
  /** The (unpenalised) log-likelihood at the estimates. */
  logLikelihood: number;
  converged: boolean;
  reason?: string;
  /** Set when the plain maximum lies at the boundary (no dropout seen) and the fit was regularised: why. */
  regularised?: string;
  /**
   * Evaluations of the log-likelihood (with its gradient, but in the simplex), of the stages that ran: the check of the no-dropout boundary (of the
   * NBD log-likelihood, whose cost does not grow with the histories), the plain search, the simplex that checks its run-off, BFGS finishing the
   * simplex's interior maximum, and the penalised search.
   */
  stages: { boundaryCheck: number; plain?: number; simplex?: number; finish?: number; penalised?: number };
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

/** The dropout Beta's mean a / (a + b), of the values [r, α, a, b]. */
function meanDropout(values: readonly number[]): number {
  return values[2] / (values[2] + values[3]);
}

/**
 * Maximum likelihood from a fixed start: r = a = b = 1 and α the mean observation time (the
 * data's time scale). When data show no dropout the maximum lies at the boundary (a → 0,
 * b → ∞: nobody ever drops out), which the SQL cannot score (its series cancels
 * catastrophically); the fit is then made again with the weak penalty DROPOUT_PENALTY on
 * ln a and ln b, and `regularised` says so.
 *
 * The boundary is recognised first without a search over (r, α, a, b): when no distribution
 * of dropout whatever raises the likelihood of the no-dropout (NBD) fit at its maximum
 * (no-dropout.ts), the maximum lies at the boundary. Otherwise BFGS searches; where it heads
 * for the boundary anyway (or does not converge), the simplex search the fit has always used
 * decides, as it always has, whether an interior maximum lies elsewhere.
 */
export function fitBgNbd(histories: GroupedHistories): BgNbdFit {
  let observed = 0;
  for (let index = 0; index < histories.T.length; index++) observed += histories.customers[index] * histories.T[index];
  const start = [1, Math.max(observed / histories.total, 1), 1, 1];
  const check = checkNoDropoutMaximum(histories, [start[0], start[1]]);
  const stages: BgNbdFit["stages"] = { boundaryCheck: check.evaluations };
  let boundary: string;
  if (check.holds) {
    boundary = `no distribution of dropout raises the likelihood of the no-dropout fit (r ${check.r!.toPrecision(4)}, α ${check.alpha!.toPrecision(4)})`;
  } else {
    const logLikelihood = ([r, alpha, a, b]: Float64Array, gradient: Float64Array) => bgNbdLogLikelihood({ r, alpha, a, b }, histories, gradient);
    // This search only decides whether the maximum runs off: it ends as soon as a or b leaves the log bound.
    let fit = maximizeLikelihood(logLikelihood, start, { stopWhenUnbounded: [2, 3] });
    stages.plain = fit.evaluations;
    // Index 2 or 3: a or b ran off (the dropout Beta degenerates); r or α running off is another matter (no rate heterogeneity) that a penalty on a and b would not cure.
    const runOffIndex = (search: MaximumLikelihood) =>
      search.unbounded === 2 || search.unbounded === 3 ? search.unbounded : search.converged ? [2, 3].find((index) => search.values[index] > MAX_DROPOUT_SHAPE) : undefined;
    // BFGS follows the steepest way up; when that way leads to the boundary (or BFGS does not converge), the simplex search decides whether an interior maximum
    // lies elsewhere (it finds one BFGS passes by on data with a few very early drop-outs), ended once a or b passes the bound.
    if (runOffIndex(fit) !== undefined || !fit.converged) {
      fit = maximizeBySimplex(([r, alpha, a, b]) => bgNbdLogLikelihood({ r, alpha, a, b }, histories), start, { stopWhenUnbounded: [2, 3] });
      stages.simplex = fit.evaluations;
      if (fit.converged && runOffIndex(fit) === undefined) {
        // The simplex stops when its vertices are within 1e-8 of each other in the log-parameters, which on a flat likelihood leaves the estimates
        // up to 1e-4 (relative) from the maximum: BFGS finishes from there (to 1e-10, as everywhere else), and is kept where it stays interior and
        // loses nothing beyond rounding (the simplex's own value tolerance, 1e-12 relative: the two values are then the same to the sums' precision).
        const finish = maximizeLikelihood(logLikelihood, fit.values);
        stages.finish = finish.evaluations;
        if (finish.converged && runOffIndex(finish) === undefined && finish.logLikelihood >= fit.logLikelihood - 1e-12 * (1 + Math.abs(fit.logLikelihood))) fit = finish;
      }
    }
    const dropoutIndex = runOffIndex(fit);
    if (dropoutIndex === undefined) {
      const [r, alpha, a, b] = fit.values;
      return { parameters: { r, alpha, a, b }, logLikelihood: fit.logLikelihood, converged: fit.converged, reason: fit.reason, stages };
    }
    boundary = `${["r", "alpha", "a", "b"][dropoutIndex]} went to ${fit.values[dropoutIndex].toExponential(2)}`;
  }
  const penalisedLikelihood = (values: Float64Array, gradient?: Float64Array) => {
    const value = bgNbdLogLikelihood({ r: values[0], alpha: values[1], a: values[2], b: values[3] }, histories, gradient);
    const [logA, logB] = [Math.log(values[2]), Math.log(values[3])];
    if (gradient) {
      gradient[2] -= (2 * DROPOUT_PENALTY * logA) / values[2];
      gradient[3] -= (2 * DROPOUT_PENALTY * logB) / values[3];
    }
    return value - DROPOUT_PENALTY * (logA ** 2 + logB ** 2);
  };
  let penalised = maximizeLikelihood(penalisedLikelihood, start);
  stages.penalised = penalised.evaluations;
  if (!penalised.converged) {
    // As for the plain search: where BFGS does not converge, the former simplex search has its say.
    penalised = maximizeBySimplex((values) => penalisedLikelihood(values), start);
    stages.penalised += penalised.evaluations;
  }
  const [r, alpha, a, b] = penalised.values;
  const stillDegenerate = Math.max(a, b) > MAX_DROPOUT_SHAPE;
  return {
    parameters: { r, alpha, a, b },
    logLikelihood: bgNbdLogLikelihood({ r, alpha, a, b }, histories),
    stages,
    converged: penalised.converged && !stillDegenerate,
    reason: stillDegenerate ? `a = ${a.toPrecision(4)}, b = ${b.toPrecision(4)} even with the penalty: the dropout is not identified` : penalised.reason,
    regularised: `the likelihood is highest at or near the boundary (${boundary}: the data show almost no dropout, or no difference in it between customers), so a and b were estimated with the penalty ${DROPOUT_PENALTY}·((ln a)² + (ln b)²)`,
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
