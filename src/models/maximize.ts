/**
 * Maximum likelihood over positive parameters: BFGS (quasi-newton.ts) with the analytic
 * gradient on the negative log-likelihood in log-parameters, so every trial point is valid.
 * Deterministic: the start is given, the tolerances are fixed, and so is every step.
 */
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
    return { ...result, converged: false, reason: "the search stalled where the log-likelihood still rises (it is not smooth there)" };
  }
  return { ...result, converged: true };
}

/** A stalled line search is convergence when the gradient is within rounding of zero: each |∂/∂θ| at most 1e-8 of (1 + |ln L|). */
function atPrecisionLimit(gradient: Float64Array, value: number): boolean {
  return gradient.every((component) => Math.abs(component) <= 1e-8 * (1 + Math.abs(value)));
}
