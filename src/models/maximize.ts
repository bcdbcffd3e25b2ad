/**
 * Maximum likelihood over positive parameters: BFGS (quasi-newton.ts) with the analytic
 * gradient on the negative log-likelihood in log-parameters, so every trial point is valid;
 * and, where a search's path matters (which of two maxima it reaches), the Nelder–Mead
 * simplex (nelder-mead.ts) the fits always used, finished by BFGS. Deterministic: the start
 * is given, the tolerances are fixed, and so is every step.
 */
import { nelderMead } from "./nelder-mead.js";
import { minimizeBfgs } from "./quasi-newton.js";

/** ln L at `values`, with ∂ ln L / ∂ values written into `gradient` (in the parameters themselves, not their logs). */
export type LogLikelihoodWithGradient = (values: Float64Array, gradient: Float64Array) => number;

export interface MaximumLikelihood {
  /** The estimates, in the order of the start. */
  values: number[];
  logLikelihood: number;
  converged: boolean;
  /** Why converged is false, in words. */
  reason?: string;
  /** Index of a parameter that ran off to 0 or ∞ (the data do not identify it). */
  unbounded?: number;
  /** Evaluations of the log-likelihood and its gradient the search took. */
  evaluations: number;
}

export interface MaximizeOptions {
  /** Parameters whose log leaving ±LOG_BOUND ends the search at once (a caller that only needs to know whether they run off). */
  stopWhenUnbounded?: readonly number[];
}

/** Converged when a full quasi-Newton step moves every log-parameter by at most this (estimates to about 10 significant digits). */
export const STEP_TOLERANCE = 1e-10;
/** Quasi-Newton iterations, at most. */
const MAX_ITERATIONS = 1000;
/** A step moves a log-parameter by at most this (a factor e² ≈ 7.4 on the parameter). */
const MAX_STEP = 2;
/** An estimate whose natural log leaves ±LOG_BOUND ran to 0 or ∞: the data do not identify it. */
export const LOG_BOUND = 20;

/** Maximises `logLikelihood` over positive parameters, starting from `start` (all > 0). */
export function maximizeLikelihood(logLikelihood: LogLikelihoodWithGradient, start: readonly number[], options: MaximizeOptions = {}): MaximumLikelihood {
  const n = start.length;
  const values = new Float64Array(n);
  const gradient = new Float64Array(n);
  // −ln L over θ = ln(values): ∂/∂θ_i = −values_i ∂ ln L / ∂ values_i. Beyond ±2·LOG_BOUND the parameters overflow or vanish: outside the domain.
  const objective = (logValues: Float64Array, logGradient: Float64Array): number => {
    for (let i = 0; i < n; i++) {
      if (Math.abs(logValues[i]) > 2 * LOG_BOUND) return Number.POSITIVE_INFINITY;
      values[i] = Math.exp(logValues[i]);
    }
    const value = -logLikelihood(values, gradient);
    for (let i = 0; i < n; i++) logGradient[i] = -values[i] * gradient[i];
    return Number.isFinite(value) && logGradient.every(Number.isFinite) ? value : Number.POSITIVE_INFINITY;
  };
  const watched = options.stopWhenUnbounded ?? [];
  const search = minimizeBfgs(objective, start.map(Math.log), {
    stepTolerance: STEP_TOLERANCE,
    maxIterations: MAX_ITERATIONS,
    maxStep: MAX_STEP,
    stopWhen: watched.length > 0 ? (logValues) => watched.some((index) => Math.abs(logValues[index]) > LOG_BOUND) : undefined,
  });
  const estimates = [...search.x].map(Math.exp);
  const result = { values: estimates, logLikelihood: -search.fx, evaluations: search.evaluations };
  if (!Number.isFinite(search.fx)) return { ...result, converged: false, reason: "the log-likelihood is not finite at the start" };
  const unbounded = [...search.x].findIndex((value) => Math.abs(value) > LOG_BOUND);
  if (unbounded >= 0) return { ...result, converged: false, unbounded, reason: `parameter ${unbounded + 1} ran off to ${estimates[unbounded].toExponential(2)}: the data do not identify it` };
  if (search.outcome === "iterations") return { ...result, converged: false, reason: `the maximum still moved after ${MAX_ITERATIONS} quasi-Newton iterations` };
  if (search.outcome === "no-descent" && !atPrecisionLimit(search.gradient, search.fx)) {
    return { ...result, converged: false, reason: "the search stalled where the log-likelihood still rises, by less than double precision can show" };
  }
  return { ...result, converged: true };
}

/** A stalled line search is convergence when the gradient is within rounding of zero: each |∂/∂θ| at most 1e-8 of (1 + |ln L|). */
function atPrecisionLimit(gradient: Float64Array, value: number): boolean {
  return gradient.every((component) => Math.abs(component) <= 1e-8 * (1 + Math.abs(value)));
}

/** The simplex search's settings, as the fits have always used them. */
const SIMPLEX = { tolerance: 1e-8, relativeValueTolerance: 1e-12, step: 0.5, iterationsPerParameter: 1000, maxRestarts: 8, restartGain: 1e-10 };

/**
 * The search the fits used before BFGS, unchanged: Nelder–Mead from `start`, restarted from
 * the best point until a restart no longer gains more than 1e-10 of the log-likelihood (at
 * most 8 restarts); except that it ends as soon as a watched parameter's log leaves
 * ±LOG_BOUND. Its path explores more widely than BFGS's and may reach an interior maximum
 * that BFGS passes by on its way to the boundary. `logLikelihood` is called without a gradient.
 */
export function maximizeBySimplex(logLikelihood: (values: Float64Array) => number, start: readonly number[], options: MaximizeOptions = {}): MaximumLikelihood {
  let evaluations = 0;
  const objective = (logValues: number[]): number => {
    evaluations++;
    if (logValues.some((value) => Math.abs(value) > 2 * LOG_BOUND)) return Number.MAX_VALUE;
    const value = -logLikelihood(Float64Array.from(logValues, Math.exp));
    return Number.isFinite(value) ? value : Number.MAX_VALUE;
  };
  const watched = options.stopWhenUnbounded ?? [];
  const simplexOptions = {
    ...SIMPLEX,
    maxIterations: SIMPLEX.iterationsPerParameter * start.length,
    stopWhen: watched.length > 0 ? (logValues: number[]) => watched.some((index) => Math.abs(logValues[index]) > LOG_BOUND) : undefined,
  };
  let best = nelderMead(objective, start.map(Math.log), simplexOptions);
  let settled = false;
  for (let restart = 0; restart < SIMPLEX.maxRestarts && !settled && !best.stopped; restart++) {
    const next = nelderMead(objective, [...best.x], simplexOptions);
    settled = next.converged && !(next.fx < best.fx - SIMPLEX.restartGain * Math.abs(best.fx));
    if (next.fx < best.fx || next.stopped) best = next;
  }
  const values = best.x.map(Math.exp);
  const result = { values, logLikelihood: -best.fx, evaluations };
  const unbounded = best.x.findIndex((value) => Math.abs(value) > LOG_BOUND);
  const ranOff = { ...result, converged: false, unbounded, reason: `parameter ${unbounded + 1} ran off to ${values[unbounded]?.toExponential(2)}: the data do not identify it` };
  if (best.stopped) return ranOff;
  if (!Number.isFinite(best.fx) || best.fx === Number.MAX_VALUE) return { ...result, converged: false, reason: "the log-likelihood is not finite anywhere the search went" };
  if (!settled) return { ...result, converged: false, reason: `the maximum still moved after ${SIMPLEX.maxRestarts} restarts of the simplex` };
  return unbounded >= 0 ? ranOff : { ...result, converged: true };
}
