/**
 * Whether BG/NBD's boundary, "nobody drops out", is the maximum: decided without a search.
 *
 * As a or b runs off with a / (a + b) → 0, the dropout Beta collapses to the point mass at
 * p = 0, and the BG/NBD likelihood tends to the NBD's (Poisson purchasing with Gamma(r, α)
 * rates and no dropout). For fixed (r, α) the log-likelihood is concave in the distribution G
 * of the dropout probability p (each customer's likelihood is linear in G: the integral of
 * f_i(p) = (1 − p)^x A_i + [x > 0] p (1 − p)^(x − 1) B_i over G), so the point mass at 0
 * maximises it over every distribution of p, Beta or not, if and only if no point mass
 * gains on it at the margin (Lindsay 1983, "The geometry of mixture likelihoods"):
 * D(p) = Σ_i c_i (f_i(p) / f_i(0) − 1) ≤ 0 for every p in (0, 1]. Here
 * f_i(p) / f_i(0) = (1 − p)^x + [x > 0] p (1 − p)^(x − 1) R_i with
 * R_i = ((α + T) / (α + t_x))^(r + x), so D(p) = Σ_x [C_x ((1 − p)^x − 1) + p (1 − p)^(x − 1) S_x]
 * with C_x the customers and S_x = Σ c_i R_i over the histories with that x: once the S_x are
 * summed (one exponential per history), D costs one term per distinct x at each p.
 *
 * Checked at the NBD's own maximum (r, α), that is the certificate that the BG/NBD maximum
 * lies at the no-dropout boundary: no dropout of any kind raises the no-dropout fit's
 * likelihood. Where it fails (some customers look like early drop-outs, D > 0 for some p), an
 * interior maximum may exist that a search heading for the boundary passes by.
 */
import type { GroupedHistories } from "./bgnbd.js";
import { maximizeLikelihood } from "./maximize.js";
import { digamma, logGamma } from "./special-functions.js";

export interface NoDropoutCheck {
  /** True when the NBD fit converged and D(p) ≤ 0 at every p checked: the no-dropout boundary is the maximum over every dropout distribution. */
  holds: boolean;
  /** The NBD's maximum-likelihood (r, α), when its fit converged. */
  r?: number;
  alpha?: number;
  /** The largest D(p) found, and where (D'(0) for p → 0). */
  largestGain: number;
  at: number;
  /** Evaluations of the NBD log-likelihood (each costs one term per distinct x and per distinct T). */
  evaluations: number;
}

/**
 * NBD log-likelihood (BG/NBD's at a → 0): Σ_x C_x [ln Γ(r + x) − ln Γ(r) + r ln α] − Σ_T (r C_T + Σ x) ln(α + T),
 * with its gradient in (r, α).
 */
export function noDropoutLogLikelihood(r: number, alpha: number, histories: GroupedHistories, gradient: Float64Array): number {
  const { distinctX, distinctT, customersPerX, customersPerT, occasionsPerT } = histories;
  const logAlpha = Math.log(alpha);
  const logGammaR = logGamma(r);
  const digammaR = digamma(r);
  let value = 0;
  let dr = 0;
  let dAlpha = 0;
  for (let xi = 0; xi < distinctX.length; xi++) {
    const x = distinctX[xi];
    const count = customersPerX[xi];
    value += count * (logGamma(r + x) - logGammaR + r * logAlpha);
    dr += count * (digamma(r + x) - digammaR + logAlpha);
    dAlpha += (count * r) / alpha;
  }
  for (let ti = 0; ti < distinctT.length; ti++) {
    const shifted = alpha + distinctT[ti];
    const logShifted = Math.log(shifted);
    const weight = r * customersPerT[ti] + occasionsPerT[ti];
    value -= weight * logShifted;
    dr -= customersPerT[ti] * logShifted;
    dAlpha -= weight / shifted;
  }
  gradient[0] = dr;
  gradient[1] = dAlpha;
  return value;
}

/** At most this many terms (points × distinct x) in the check: about 0.1 s. */
const MAX_CHECK_TERMS = 5_000_000;

/** Points of (0, 1] at which D is checked: 400 log-spaced in [1e-9, 1e-2], then steps of at most 1e-3 and 0.1 / max x (the scale on which (1 − p)^x changes). */
function checkPoints(maxX: number): Float64Array {
  const points: number[] = [];
  for (let k = 0; k < 400; k++) points.push(10 ** (-9 + (7 * k) / 400));
  const step = Math.min(1e-3, 0.1 / Math.max(maxX, 1));
  const steps = Math.ceil(0.99 / step);
  for (let k = 0; k <= steps; k++) points.push(0.01 + (0.99 * k) / steps);
  return Float64Array.from(points);
}

/**
 * D(p) = Σ_i c_i (f_i(p) / f_i(0) − 1) at (r, α), as a function of p, and D'(0) (see the module's comment): the S_x are summed
 * once, then each D(p) costs one term per distinct x.
 */
export function dropoutGain(histories: GroupedHistories, r: number, alpha: number): { gain: (p: number) => number; slope: number; maxX: number } {
  const { distinctX, distinctT, distinctTx, customersPerX, repeat } = histories;
  const logAlphaT = Float64Array.from(distinctT, (T) => Math.log(alpha + T));
  const logAlphaTx = Float64Array.from(distinctTx, (tx) => Math.log(alpha + tx));
  // ln S_x = m_x + ln Σ c_i e^(ln R_i − m_x), m_x the largest ln R_i of that x (R_i reaches far beyond the doubles for large x): one exponential per history.
  const rows = repeat.customers.length;
  const logRatio = new Float64Array(rows);
  const largest = new Float64Array(distinctX.length).fill(Number.NEGATIVE_INFINITY);
  for (let row = 0; row < rows; row++) {
    const xi = repeat.xIndex[row];
    logRatio[row] = (r + distinctX[xi]) * (logAlphaT[repeat.tIndex[row]] - logAlphaTx[repeat.txIndex[row]]);
    largest[xi] = Math.max(largest[xi], logRatio[row]);
  }
  const scaled = new Float64Array(distinctX.length);
  for (let row = 0; row < rows; row++) scaled[repeat.xIndex[row]] += repeat.customers[row] * Math.exp(logRatio[row] - largest[repeat.xIndex[row]]);
  const logS = largest.map((value, xi) => value + Math.log(scaled[xi]));
  // D'(0) = Σ_x (S_x − x C_x): the gain of the smallest dropout.
  let slope = 0;
  let maxX = 0;
  for (let xi = 0; xi < distinctX.length; xi++) {
    const x = distinctX[xi];
    maxX = Math.max(maxX, x);
    slope += (x > 0 ? Math.exp(logS[xi]) : 0) - x * customersPerX[xi];
  }
  const gain = (p: number) => {
    const logSurvive = Math.log1p(-p);
    let total = 0;
    for (let xi = 0; xi < distinctX.length; xi++) {
      const x = distinctX[xi];
      if (x === 0) continue;
      // (1 − p)^(x − 1) is 1 for x = 1, also at p = 1.
      total += customersPerX[xi] * Math.expm1(x * logSurvive) + Math.exp(Math.log(p) + (x === 1 ? 0 : (x - 1) * logSurvive) + logS[xi]);
    }
    return total;
  };
  return { gain, slope, maxX };
}

/** Fits the NBD and checks D(p) ≤ 0 at its maximum (see the module's comment). */
export function checkNoDropoutMaximum(histories: GroupedHistories, start: readonly [number, number]): NoDropoutCheck {
  const nbd = maximizeLikelihood(([r, alpha], gradient) => noDropoutLogLikelihood(r, alpha, histories, gradient), start);
  if (!nbd.converged) return { holds: false, largestGain: Number.NaN, at: Number.NaN, evaluations: nbd.evaluations };
  const [r, alpha] = nbd.values;
  const { gain, slope, maxX } = dropoutGain(histories, r, alpha);
  const points = checkPoints(maxX);
  // Thousands of occasions per customer would take seconds to check this finely: the searches decide then, as they always did.
  if (points.length * histories.distinctX.length > MAX_CHECK_TERMS) return { holds: false, r, alpha, largestGain: Number.NaN, at: Number.NaN, evaluations: nbd.evaluations };
  let largestGain = slope;
  let at = 0;
  for (const p of points) {
    const value = gain(p);
    // A NaN (overflow) fails the check: the searches decide, as they always did.
    if (value > largestGain || Number.isNaN(value)) {
      largestGain = value;
      at = p;
    }
  }
  return { holds: largestGain <= 0, r, alpha, largestGain, at, evaluations: nbd.evaluations };
}
