/**
 * BFGS quasi-Newton minimisation with an analytic gradient (Nocedal & Wright, "Numerical
 * Optimization", 2nd ed., algorithm 6.1: inverse-Hessian update, first-step scaling by
 * (6.20), Armijo backtracking). Written here because no maintained npm package offers a
 * dependency-free BFGS (numeric's uncmin is unmaintained since 2012; fmin's cannot be used,
 * see nelder-mead.ts). Deterministic: the arithmetic is the same on every run, so are the
 * iterates; nothing depends on time or randomness.
 */

/** f at x, with ∇f(x) written into `gradient`; a non-finite value means "outside the domain". */
export type ValueAndGradient = (x: Float64Array, gradient: Float64Array) => number;

export interface QuasiNewtonOptions {
  /** Converged when the quasi-Newton step −H∇f (the estimated distance to the minimum) moves every coordinate by at most this. */
  stepTolerance: number;
  maxIterations: number;
  /** No step moves a coordinate by more than this (keeps the first steps, taken before the curvature is known, in range). */
  maxStep: number;
  /** Ends the search early, before the step, when it returns true for the current point. */
  stopWhen?: (x: Float64Array) => boolean;
}

export interface QuasiNewtonMinimum {
  x: Float64Array;
  fx: number;
  gradient: Float64Array;
  iterations: number;
  /** Evaluations of f and its gradient (one each per call). */
  evaluations: number;
  /** How the search ended: `converged` (the step tolerance was met or the gradient is zero), `stopped` (stopWhen), `no-descent` (the line search found no lower value: the limit of double precision, or a non-smooth point), `iterations` (maxIterations). */
  outcome: "converged" | "stopped" | "no-descent" | "iterations";
}

/** Sufficient decrease of the Armijo condition. */
const ARMIJO = 1e-4;
/** Halvings of the step before the line search gives up. */
const MAX_HALVINGS = 60;
/** Relative rounding of f: a decrease smaller than this fraction of (1 + |f|) cannot be told from noise in a sum of many terms. */
const ROUNDING = 1e-15;
/** Times at most the inverse Hessian is replaced by the finite-difference one, when the step tolerance seems met. */
const MAX_REFRESHES = 3;
/** Central-difference step of the finite-difference Hessian. */
const HESSIAN_STEP = 1e-4;
/**
 * A finite-difference Hessian taken within this distance (every coordinate) of the point is used again instead of a new one
 * (2n evaluations). The refreshes come near the minimum, between Newton steps of 1e-5 or less: over such a step the Hessian
 * changes by about that fraction, no more than its own finite-difference error (the step HESSIAN_STEP), so the next Newton
 * step lands within that fraction of its own length (1e-10 or less) of where a fresh Hessian would put it.
 */
const HESSIAN_REUSE_DISTANCE = 1e-4;

export function minimizeBfgs(f: ValueAndGradient, start: ArrayLike<number>, options: QuasiNewtonOptions): QuasiNewtonMinimum {
  const n = start.length;
  let x = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let evaluations = 1;
  let fx = f(x, gradient);
  const result = (outcome: QuasiNewtonMinimum["outcome"], iterations: number): QuasiNewtonMinimum => ({ x, fx, gradient, iterations, evaluations, outcome });
  if (!Number.isFinite(fx)) return result("no-descent", 0);
  // Inverse Hessian, row-major; identity until the first step gives a curvature to scale it by.
  let inverse = identity(n);
  const direction = new Float64Array(n);
  const trial = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  let trialGradient = new Float64Array(n);
  let refreshes = 0;
  /** The last finite-difference inverse Hessian and the point it was taken at. */
  let lastExact: { at: Float64Array; inverse: Float64Array } | undefined;
  const exactInverse = (): Float64Array | undefined => {
    if (lastExact && maxAbsDifference(lastExact.at, x) <= HESSIAN_REUSE_DISTANCE) return lastExact.inverse;
    const exact = inverseHessian(f, x, n);
    evaluations += 2 * n;
    if (exact) lastExact = { at: x, inverse: exact };
    return exact;
  };
  /** Set when the search, about to stop for want of descent, went on once from steepest descent; cleared by the next step taken. */
  let restartedFromSteepest = false;
  for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    if (options.stopWhen?.(x)) return result("stopped", iteration);
    if (gradient.every((value) => value === 0)) return result("converged", iteration);
    multiply(inverse, gradient, direction, -1);
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (the update lost positive definiteness to rounding): restart from steepest descent.
      inverse = identity(n);
      for (let i = 0; i < n; i++) direction[i] = -gradient[i];
      slope = dot(gradient, direction);
    }
    let longest = maxAbs(direction);
    if (longest <= options.stepTolerance && refreshes < MAX_REFRESHES) {
      // Along a flat ridge the update's H can understate the distance: check it with the true Hessian (finite differences of the gradient).
      refreshes++;
      const exact = exactInverse();
      if (exact) {
        inverse = exact;
        multiply(inverse, gradient, direction, -1);
        longest = maxAbs(direction);
      }
    }
    if (longest <= options.stepTolerance) return result("converged", iteration);
    if (longest > options.maxStep) {
      for (let i = 0; i < n; i++) direction[i] *= options.maxStep / longest;
      slope *= options.maxStep / longest;
    }
    let step = 1;
    let trialValue = Number.NaN;
    let accepted = false;
    // Halve until the decrease is sufficient, or until the decrease asked for is below the rounding of f (no halving could show it).
    for (let halving = 0; halving <= MAX_HALVINGS && -step * slope > ROUNDING * (1 + Math.abs(fx)); halving++, step /= 2) {
      for (let i = 0; i < n; i++) trial[i] = x[i] + step * direction[i];
      evaluations++;
      trialValue = f(trial, trialGradient);
      // Strictly lower as well: where the decrease is below rounding the search ends rather than loop on equal values.
      if (Number.isFinite(trialValue) && trialValue < fx && trialValue <= fx + ARMIJO * step * slope) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      // f no longer resolves the descent: finish with Newton steps on the true Hessian, judged by the gradient, which still resolves it.
      const newton = (): "step" | "converged" | "stalled" => {
        if (refreshes >= MAX_REFRESHES) return "stalled";
        refreshes++;
        const exact = exactInverse();
        if (!exact) return "stalled";
        inverse = exact;
        multiply(inverse, gradient, direction, -1);
        if (maxAbs(direction) <= options.stepTolerance) return "converged";
        if (maxAbs(direction) > options.maxStep) return "stalled";
        for (let i = 0; i < n; i++) trial[i] = x[i] + direction[i];
        evaluations++;
        trialValue = f(trial, trialGradient);
        return Number.isFinite(trialValue) && maxAbs(trialGradient) < maxAbs(gradient) ? "step" : "stalled";
      };
      const outcome = newton();
      if (outcome === "converged") return result("converged", iteration);
      if (outcome === "stalled") {
        // From steepest descent the line search could not show a decrease either (|∇f|² below the rounding of f), and the step test would not refresh
        // the Hessian first (|∇f| above the tolerance): the restart would go straight to refreshing the same Hessian at the same point and stall
        // the same way, so it is not taken.
        const restartIsVain = dot(gradient, gradient) <= ROUNDING * (1 + Math.abs(fx)) && maxAbs(gradient) > options.stepTolerance;
        if (restartedFromSteepest || restartIsVain) return result("no-descent", iteration);
        // Once more from steepest descent before stopping: along a ridge the update's direction can miss a rise that is far
        // from rounding (the penalised BG/NBD search stopped 0.62 below its maximum on the 1 M-person benchmark's incremental build).
        restartedFromSteepest = true;
        inverse = identity(n);
        continue;
      }
    }
    for (let i = 0; i < n; i++) {
      s[i] = trial[i] - x[i];
      y[i] = trialGradient[i] - gradient[i];
    }
    restartedFromSteepest = false;
    x = Float64Array.from(trial);
    [gradient, trialGradient] = [trialGradient, gradient];
    fx = trialValue;
    const curvature = dot(s, y);
    // Skip the update when the curvature is not positive (it would not stay positive definite).
    if (curvature > 0) {
      if (iteration === 0 && refreshes === 0) inverse = scaled(identity(n), curvature / dot(y, y));
      inverse = updated(inverse, s, y, 1 / curvature);
    }
  }
  return result("iterations", options.maxIterations);
}

/** The inverse of the Hessian at x by central differences of the analytic gradient (symmetrised), or undefined when it is not positive definite there. */
function inverseHessian(f: ValueAndGradient, x: Float64Array, n: number): Float64Array | undefined {
  const hessian = new Float64Array(n * n);
  const point = new Float64Array(n);
  const up = new Float64Array(n);
  const down = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    point.set(x);
    point[j] = x[j] + HESSIAN_STEP;
    if (!Number.isFinite(f(point, up))) return undefined;
    point[j] = x[j] - HESSIAN_STEP;
    if (!Number.isFinite(f(point, down))) return undefined;
    for (let i = 0; i < n; i++) hessian[i * n + j] = (up[i] - down[i]) / (2 * HESSIAN_STEP);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) hessian[i * n + j] = hessian[j * n + i] = (hessian[i * n + j] + hessian[j * n + i]) / 2;
  return choleskyInverse(hessian, n);
}

/** A⁻¹ for a symmetric positive definite A by its Cholesky factor L (A = L Lᵀ); undefined when A is not positive definite. */
function choleskyInverse(matrix: Float64Array, n: number): Float64Array | undefined {
  const lower = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j];
      for (let k = 0; k < j; k++) sum -= lower[i * n + k] * lower[j * n + k];
      if (i === j) {
        if (!(sum > 0)) return undefined;
        lower[i * n + i] = Math.sqrt(sum);
      } else {
        lower[i * n + j] = sum / lower[j * n + j];
      }
    }
  }
  // Column by column: solve L Lᵀ c = e_j.
  const inverse = new Float64Array(n * n);
  const column = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let sum = i === j ? 1 : 0;
      for (let k = 0; k < i; k++) sum -= lower[i * n + k] * column[k];
      column[i] = sum / lower[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = column[i];
      for (let k = i + 1; k < n; k++) sum -= lower[k * n + i] * column[k];
      column[i] = sum / lower[i * n + i];
    }
    for (let i = 0; i < n; i++) inverse[i * n + j] = column[i];
  }
  return inverse;
}

function identity(n: number): Float64Array {
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) matrix[i * n + i] = 1;
  return matrix;
}

function scaled(matrix: Float64Array, factor: number): Float64Array {
  return matrix.map((value) => value * factor);
}

function dot(left: Float64Array, right: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < left.length; i++) sum += left[i] * right[i];
  return sum;
}

function maxAbsDifference(left: Float64Array, right: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < left.length; i++) largest = Math.max(largest, Math.abs(left[i] - right[i]));
  return largest;
}

function maxAbs(values: Float64Array): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest;
}

/** out = factor · matrix · vector. */
function multiply(matrix: Float64Array, vector: Float64Array, out: Float64Array, factor: number): void {
  const n = vector.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += matrix[i * n + j] * vector[j];
    out[i] = factor * sum;
  }
}

/** The BFGS update of the inverse Hessian: (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ. */
function updated(inverse: Float64Array, s: Float64Array, y: Float64Array, rho: number): Float64Array {
  const n = s.length;
  const hy = new Float64Array(n);
  multiply(inverse, y, hy, 1);
  const yhy = dot(y, hy);
  const next = new Float64Array(n * n);
  // H is symmetric: (I − ρ s yᵀ) H (I − ρ y sᵀ) = H − ρ (s (Hy)ᵀ + (Hy) sᵀ) + ρ² (yᵀHy) s sᵀ.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      next[i * n + j] = inverse[i * n + j] - rho * (s[i] * hy[j] + hy[i] * s[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
    }
  }
  return next;
}
