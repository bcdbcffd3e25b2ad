/** The BFGS minimiser and maximizeLikelihood on functions whose minimum is known exactly. */
import { describe, expect, it } from "vitest";
import { LOG_BOUND, maximizeBySimplex, maximizeLikelihood, STEP_TOLERANCE } from "../../src/models/maximize.js";
import { minimizeBfgs, type ValueAndGradient } from "../../src/models/quasi-newton.js";

/** Rosenbrock's valley, minimum 0 at (1, 1): curved and badly scaled. */
const rosenbrock: ValueAndGradient = ([x, y], gradient) => {
  gradient[0] = -2 * (1 - x) - 400 * x * (y - x * x);
  gradient[1] = 200 * (y - x * x);
  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
};
const options = { stepTolerance: 1e-10, maxIterations: 1000, maxStep: 2 };

describe("minimizeBfgs", () => {
  it("finds Rosenbrock's minimum (1, 1) from (−1.2, 1) to the step tolerance", () => {
    const minimum = minimizeBfgs(rosenbrock, [-1.2, 1], options);
    expect(minimum.outcome).toBe("converged");
    expect(Math.abs(minimum.x[0] - 1)).toBeLessThan(1e-8);
    expect(Math.abs(minimum.x[1] - 1)).toBeLessThan(1e-8);
    expect(minimum.evaluations).toBeLessThan(200);
  });

  it("is deterministic: two runs give the same bits and the same count of evaluations", () => {
    const first = minimizeBfgs(rosenbrock, [-1.2, 1], options);
    const second = minimizeBfgs(rosenbrock, [-1.2, 1], options);
    expect([...second.x]).toEqual([...first.x]);
    expect(second.fx).toBe(first.fx);
    expect(second.evaluations).toBe(first.evaluations);
  });

  it("ends at once when stopWhen says so, and reports maxIterations when it runs out", () => {
    expect(minimizeBfgs(rosenbrock, [-1.2, 1], { ...options, stopWhen: ([x]) => x > 0 }).outcome).toBe("stopped");
    expect(minimizeBfgs(rosenbrock, [-1.2, 1], { ...options, maxIterations: 3 }).outcome).toBe("iterations");
  });

  it("never moves a coordinate by more than maxStep in one iteration", () => {
    const far: ValueAndGradient = ([x], gradient) => {
      gradient[0] = 2 * (x - 1000);
      return (x - 1000) ** 2;
    };
    const oneStep = minimizeBfgs(far, [0], { ...options, maxIterations: 1 });
    expect(oneStep.x[0]).toBe(2);
  });
});

describe("maximizeLikelihood (log-parameters)", () => {
  // ln L = 3 ln v − v (a Gamma(4, 1) kernel): maximum at v = 3, exactly.
  const gammaKernel = ([v]: Float64Array, gradient: Float64Array) => {
    gradient[0] = 3 / v - 1;
    return 3 * Math.log(v) - v;
  };

  it("finds an interior maximum to the step tolerance", () => {
    const fit = maximizeLikelihood(gammaKernel, [1]);
    expect(fit.converged).toBe(true);
    expect(Math.abs(Math.log(fit.values[0] / 3))).toBeLessThan(100 * STEP_TOLERANCE);
  });

  // ln L = −(ln u)² + ln v rises for ever in v: v runs off to ∞.
  const runsOff = ([u, v]: Float64Array, gradient: Float64Array) => {
    gradient[0] = (-2 * Math.log(u)) / u;
    gradient[1] = 1 / v;
    return -(Math.log(u) ** 2) + Math.log(v);
  };

  it("stops a watched parameter's run-off as soon as its log leaves ±LOG_BOUND", () => {
    const watched = maximizeLikelihood(runsOff, [2, 1], { stopWhenUnbounded: [1] });
    const unwatched = maximizeLikelihood(runsOff, [2, 1]);
    for (const fit of [watched, unwatched]) {
      expect(fit.converged).toBe(false);
      expect(fit.unbounded).toBe(1);
    }
    // Stopped within one step (at most 2 in ln v) past the bound, and sooner than the search left to run.
    expect(Math.log(watched.values[1])).toBeGreaterThan(LOG_BOUND);
    expect(Math.log(watched.values[1])).toBeLessThanOrEqual(LOG_BOUND + 2);
    expect(watched.evaluations).toBeLessThan(unwatched.evaluations);
  });

  it("the simplex search stops the same way, and otherwise finds the interior maximum", () => {
    const watched = maximizeBySimplex((values) => runsOff(values, new Float64Array(2)), [2, 1], { stopWhenUnbounded: [1] });
    const unwatched = maximizeBySimplex((values) => runsOff(values, new Float64Array(2)), [2, 1]);
    for (const fit of [watched, unwatched]) expect([fit.converged, fit.unbounded]).toEqual([false, 1]);
    expect(Math.log(watched.values[1])).toBeGreaterThan(LOG_BOUND);
    expect(watched.evaluations).toBeLessThan(unwatched.evaluations);
    const interior = maximizeBySimplex((values) => gammaKernel(values, new Float64Array(1)), [1]);
    expect(interior.converged).toBe(true);
    expect(Math.abs(interior.values[0] / 3 - 1)).toBeLessThan(1e-7);
  });
});
