/**
 * Maximum likelihood over positive parameters: Nelder–Mead (nelder-mead.ts) on the negative
 * log-likelihood in log-parameters, so every trial point is valid. Deterministic: the
 * start is given, the tolerances are fixed, and the simplex restarts from the best point
 * until a restart no longer improves the log-likelihood by more than the tolerance.
 */
import { nelderMead } from "./nelder-mead.js";

export interface MaximumLikelihood {
  /** The estimates, in the order of the start. */
  values: number[];
  logLikelihood: number;
  converged: boolean;
  /** Why converged is false, in words. */
  reason?: string;
  /** Index of a parameter that ran off to 0 or ∞ (the data do not identify it). */
  unbounded?: number;
  /** Log-likelihood evaluations the search took. */
  evaluations: number;
}

/** Stopping tolerance of the simplex on the log-parameters (1e-8: estimates to about 8 significant digits). */
export const SIMPLEX_TOLERANCE = 1e-8;
/** Stopping tolerance of the simplex on the log-likelihood, relative. */
export const LIKELIHOOD_TOLERANCE = 1e-12;
/** Iterations of one simplex run, per parameter. */
const ITERATIONS_PER_PARAMETER = 1000;
/** Restarts from the best point, at most. */
const MAX_RESTARTS = 8;
/** A restart that gains less log-likelihood than this fraction of it ends the search. */
const RESTART_GAIN = 1e-10;
/** An estimate whose natural log leaves ±LOG_BOUND ran to 0 or ∞: the data do not identify it. */
const LOG_BOUND = 20;

/** Maximises `logLikelihood` over positive parameters, starting from `start` (all > 0). */
export function maximizeLikelihood(logLikelihood: (values: number[]) => number, start: number[]): MaximumLikelihood {
  let evaluations = 0;
  const objective = (logValues: number[]): number => {
    evaluations++;
    if (logValues.some((value) => Math.abs(value) > 2 * LOG_BOUND)) return Number.MAX_VALUE;
    const value = -logLikelihood(logValues.map(Math.exp));
    return Number.isFinite(value) ? value : Number.MAX_VALUE;
  };
  const options = { maxIterations: ITERATIONS_PER_PARAMETER * start.length, tolerance: SIMPLEX_TOLERANCE, relativeValueTolerance: LIKELIHOOD_TOLERANCE, step: 0.5 };
  let best = nelderMead(objective, start.map(Math.log), options);
  let settled = false;
  for (let restart = 0; restart < MAX_RESTARTS && !settled; restart++) {
    const next = nelderMead(objective, [...best.x], options);
    settled = next.converged && !(next.fx < best.fx - RESTART_GAIN * Math.abs(best.fx));
    if (next.fx < best.fx) best = next;
  }
  const values = [...best.x].map(Math.exp);
  const result = { values, logLikelihood: -best.fx, evaluations };
  if (!Number.isFinite(best.fx) || best.fx === Number.MAX_VALUE) return { ...result, converged: false, reason: "the log-likelihood is not finite anywhere the search went" };
  if (!settled) return { ...result, converged: false, reason: `the maximum still moved after ${MAX_RESTARTS} restarts of the simplex` };
  const unbounded = best.x.findIndex((value) => Math.abs(value) > LOG_BOUND);
  if (unbounded >= 0) return { ...result, converged: false, unbounded, reason: `parameter ${unbounded + 1} ran off to ${values[unbounded].toExponential(2)}: the data do not identify it` };
  return { ...result, converged: true };
}
