/**
 * BG/NBD and Gamma-Gamma fitted on the CDNOW sample (../shared/data, read in place) against
 * the published estimates, and the fit's behaviour on degenerate data.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bgNbdLogLikelihood, expectedPurchases, fitBgNbd, groupHistories, probabilityAlive } from "../../src/models/bgnbd.js";
import { fitGammaGamma, gammaGammaLogLikelihood, prepareSpends } from "../../src/models/gamma-gamma.js";
import { maximizeLikelihood } from "../../src/models/maximize.js";
import { fitRows } from "../../src/models/purchase-models.js";
import { logBeta, logGamma } from "../../src/models/special-functions.js";
import { REPO_ROOT } from "../helpers/project.js";

const SUMMARY = path.resolve(REPO_ROOT, "../shared/data/cdnow_customers_summary_with_transactions.csv");

function readSummary() {
  return fs
    .readFileSync(SUMMARY, "utf8")
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(",").map(Number))
    .map(([, x, tx, T, zbar]) => ({ x, tx, T, zbar }));
}

const within = (value: number, published: number, tolerance = 0.01) => Math.abs(value / published - 1) < tolerance;

describe.skipIf(!fs.existsSync(SUMMARY))("the fits on CDNOW (weeks, same-day purchases merged)", () => {
  it("BG/NBD comes within 1 % of r 0.2426, α 4.4135, a 0.7929, b 2.4258 (LL −9582.4)", () => {
    const fit = fitBgNbd(groupHistories(readSummary()));
    expect(fit.converged).toBe(true);
    expect(fit.regularised).toBeUndefined();
    const { r, alpha, a, b } = fit.parameters;
    expect([within(r, 0.2426), within(alpha, 4.4135), within(a, 0.7929), within(b, 2.4258)]).toEqual([true, true, true, true]);
    expect(fit.logLikelihood).toBeCloseTo(-9582.43, 1);
    // The paper's worked example: x = 2, t_x = 30.43, T = 38.86 → 1.226 purchases in the next 39 weeks.
    expect(expectedPurchases(fit.parameters, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 2);
  });

  it("Gamma-Gamma on the 946 repeat buyers comes within 1 % of p 6.25, q 3.74, γ 15.44", () => {
    const spends = readSummary()
      .filter((customer) => customer.x > 0)
      .map((customer) => ({ x: customer.x, meanValue: customer.zbar }));
    expect(spends.length).toBe(946);
    const fit = fitGammaGamma(spends);
    expect(fit.converged).toBe(true);
    expect([within(fit.parameters.p, 6.2488), within(fit.parameters.q, 3.7446), within(fit.parameters.gamma, 15.4477)]).toEqual([true, true, true]);
  });

  it("is deterministic: the same bits on every run (estimates, log-likelihood, evaluations)", () => {
    const histories = groupHistories(readSummary());
    expect(fitBgNbd(histories)).toEqual(fitBgNbd(histories));
    const spends = readSummary()
      .filter((customer) => customer.x > 0)
      .map((customer) => ({ x: customer.x, meanValue: customer.zbar }));
    expect(fitGammaGamma(spends)).toEqual(fitGammaGamma(spends));
  });

  it("finishes with one finite-difference Hessian where the Newton step moved less than 1e-4: the estimates of a fresh one at each refresh, in fewer evaluations", () => {
    const fit = fitBgNbd(groupHistories(readSummary()));
    // With a fresh Hessian at each refresh (2 × 4 more evaluations in each search): the boundary check 21 and the search 43 evaluations, the same bits.
    expect(fit.stages).toEqual({ boundaryCheck: 17, plain: 35 });
    expect([fit.parameters.r, fit.parameters.alpha, fit.parameters.a, fit.parameters.b]).toEqual([0.2425929072044665, 4.413531561205435, 0.7928861480987222, 2.425753436493438]);
    expect(fit.logLikelihood).toBe(-9582.425560567364);
  });
});

describe("bad input: a named warning and null parameters, never NaN or a throw", () => {
  const options = { minimumRepeatBuyers: 20, horizon: 365 };
  const expectNoFit = (result: ReturnType<typeof fitRows>) => {
    expect(result.warnings.some((warning) => warning.startsWith("no_model_fit:"))).toBe(true);
    expect(result.rows).toHaveLength(7);
    for (const row of result.rows) {
      expect(row.value).toBeNull();
      expect(row.converged).toBe(false);
    }
  };

  it("one buyer", () => expectNoFit(fitRows([{ x: 3, tx: 40, T: 100, customers: 1 }], [{ x: 3, meanValue: 20, customers: 1 }], options)));
  it("nobody with a repeat purchase", () => expectNoFit(fitRows([{ x: 0, tx: 0, T: 100, customers: 500 }], [], options)));
  it("every purchase on the same day", () => expectNoFit(fitRows([{ x: 0, tx: 0, T: 0, customers: 500 }], [], options)));
  it("an as_of_date before all orders (no buyer at all)", () => expectNoFit(fitRows([], [], options)));
  it("a history that is not valid (T < t_x)", () => expectNoFit(fitRows([{ x: 1, tx: 50, T: 10, customers: 30 }], [], options)));
  it("a history that is not valid (x < 0, or not a number), after valid ones", () => {
    const valid = Array.from({ length: 40 }, (_, index) => ({ x: 1 + (index % 5), tx: 30 + index, T: 400, customers: 1 }));
    for (const history of [{ x: -1, tx: 0, T: 10, customers: 1 }, { x: 1, tx: Number.NaN, T: 10, customers: 1 }]) {
      const result = fitRows([...valid, history], valid.map((spend) => ({ x: spend.x, meanValue: 20, customers: 1 })), options);
      expectNoFit(result);
      expect(result.warnings[0]).toContain(`a history is not a valid (x, t_x, T): ${JSON.stringify(history)}`);
    }
  });

  it("data without dropout get a regularised, converged fit and a warning that says so", () => {
    // Everyone, at rates from 1 to 30 purchases a year, bought in the last few days: the likelihood is highest at b → ∞.
    const histories = Array.from({ length: 100 }, (_, index) => ({ x: 1 + (index % 30), tx: 365 - (index % 4), T: 365, customers: 1 }));
    const result = fitRows(histories, histories.map((history, index) => ({ x: history.x, meanValue: 20 + index, customers: 1 })), options);
    expect(result.warnings.some((warning) => warning.startsWith("bgnbd_regularised:"))).toBe(true);
    expect(result.rows.filter((row) => row.model === "bgnbd").every((row) => row.converged && row.value !== null && Number.isFinite(row.value))).toBe(true);
    const parameters = result.bgNbd!.parameters;
    expect(probabilityAlive(parameters, { x: 12, tx: 363, T: 365 })).toBeGreaterThan(0.9);
  });

  // No dropout at all: the plain likelihood rises for ever along a → 0, b → ∞.
  const noDropout = Array.from({ length: 200 }, (_, index) => ({ x: 1 + (index % 40), tx: 730, T: 730, customers: 1 + (index % 3) }));

  it("recognises the no-dropout boundary without a search over (r, α, a, b), then fits with the penalty", () => {
    const fit = fitBgNbd(groupHistories(noDropout));
    expect(fit.regularised).toMatch(/^the likelihood is highest at or near the boundary \(no distribution of dropout raises the likelihood of the no-dropout fit \(r [0-9.]+, α [0-9.]+\): /);
    expect(fit.stages.boundaryCheck).toBeGreaterThan(0);
    expect([fit.stages.plain, fit.stages.simplex]).toEqual([undefined, undefined]);
    expect(fit.stages.penalised).toBeGreaterThan(0);
    expect(fit.converged).toBe(true);
  });

  it("where dropout gains but every search runs off, stops the plain search and the simplex once a or b runs past the log bound, then fits with the penalty", () => {
    // 40 more customers who bought twice in their first week and never again: dropout at once gains on none (the check fails), but the maximum is not
    // interior either (a two-point dropout: never, or at once).
    const histories = [...noDropout, { x: 1, tx: 3, T: 730, customers: 40 }];
    const fit = fitBgNbd(groupHistories(histories));
    expect(fit.regularised).toMatch(/^the likelihood is highest at or near the boundary \((a|b) went to /);
    const ranTo = Number(/went to ([^:]+):/.exec(fit.regularised!)![1]);
    // Past e^20 (the bound), not on to the searches' wall at e^40.
    expect(Math.abs(Math.log(ranTo))).toBeGreaterThan(20);
    expect(Math.abs(Math.log(ranTo))).toBeLessThan(30);
    expect(fit.stages.simplex).toBeGreaterThan(0);
    expect(fit.converged).toBe(true);
    expect(fit.stages.penalised).toBeGreaterThan(0);
    // The same search from the same start (α = the mean T, 730) left to run on takes longer.
    const grouped = groupHistories(histories);
    const unwatched = maximizeLikelihood(([r, alpha, a, b], gradient) => bgNbdLogLikelihood({ r, alpha, a, b }, grouped, gradient), [1, 730, 1, 1]);
    expect(fit.stages.plain).toBeLessThan(unwatched.evaluations);
  });
});

describe("the likelihoods, computed once per distinct value, equal the per-customer formulas", () => {
  // Repeated histories, x = 0 among them, and values shared across rows in different combinations.
  const histories = [
    { x: 0, tx: 0, T: 30 },
    { x: 2, tx: 10, T: 30 },
    { x: 2, tx: 10, T: 30 },
    { x: 2, tx: 25, T: 40 },
    { x: 5, tx: 25, T: 30 },
    { x: 0, tx: 0, T: 40 },
    { x: 1, tx: 39, T: 40 },
  ];
  const spends = [
    { x: 2, meanValue: 12.5, customers: 2 },
    { x: 2, meanValue: 40 },
    { x: 5, meanValue: 12.5 },
    { x: 1, meanValue: 7.25 },
  ];

  it("BG/NBD: Σ ln[B(a, b + x)/B(a, b) · Γ(r + x) α^r/Γ(r) · ((α + T)^−(r+x) + [x > 0] a/(b + x − 1) (α + t_x)^−(r+x))]", () => {
    const [r, alpha, a, b] = [0.7, 12, 0.9, 3.1];
    const direct = histories.reduce((sum, { x, tx, T }) => {
      const bracket = Math.pow(alpha + T, -(r + x)) + (x > 0 ? (a / (b + x - 1)) * Math.pow(alpha + tx, -(r + x)) : 0);
      return sum + logBeta(a, b + x) - logBeta(a, b) + logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + Math.log(bracket);
    }, 0);
    const grouped = groupHistories(histories);
    expect(grouped.x).toHaveLength(6);
    expect(bgNbdLogLikelihood({ r, alpha, a, b }, grouped) / direct).toBeCloseTo(1, 12);
  });

  it("BG/NBD over more histories than one product of factors takes (512), some of several customers: the same sum, with the gradient or without", () => {
    const [r, alpha, a, b] = [0.7, 12, 0.9, 3.1];
    const many = Array.from({ length: 1500 }, (_, index) => ({ x: index % 31, tx: index % 31 === 0 ? 0 : 1 + (index % 97), T: 100 + (index % 7), customers: index % 11 === 0 ? 3 : 1 }));
    const direct = many.reduce((sum, { x, tx, T, customers }) => {
      const bracket = Math.pow(alpha + T, -(r + x)) + (x > 0 ? (a / (b + x - 1)) * Math.pow(alpha + tx, -(r + x)) : 0);
      return sum + customers * (logBeta(a, b + x) - logBeta(a, b) + logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + Math.log(bracket));
    }, 0);
    const grouped = groupHistories(many);
    expect(grouped.repeat.customers.length).toBeGreaterThan(2 * 512);
    expect(bgNbdLogLikelihood({ r, alpha, a, b }, grouped) / direct).toBeCloseTo(1, 12);
    expect(bgNbdLogLikelihood({ r, alpha, a, b }, grouped, new Float64Array(4)) / direct).toBeCloseTo(1, 12);
  });

  /**
   * Central differences of `logLikelihood` at `point`, Richardson-extrapolated from the relative
   * steps 1e-4 and 5e-5 (truncation error of order step⁴): a step of 1e-6, as these tests took
   * before, leaves a rounding error of about 1e-14 / (2e-6 × 0.002) ≈ 3e-6 in ∂a at a = 0.002,
   * more than the tolerance, that passed or failed with the order of the likelihood's sums.
   */
  const finiteDifferences = (logLikelihood: (values: number[]) => number, point: number[]) =>
    point.map((value, index) => {
      const central = (step: number) => {
        const up = point.map((other, at) => (at === index ? other + step : other));
        const down = point.map((other, at) => (at === index ? other - step : other));
        return (logLikelihood(up) - logLikelihood(down)) / (2 * step);
      };
      return (4 * central(5e-5 * value) - central(1e-4 * value)) / 3;
    });

  it.each([
    [0.7, 12, 0.9, 3.1],
    [0.25, 30, 0.002, 250],
    [3, 0.5, 5, 0.6],
  ])("BG/NBD's gradient at r %f, α %f, a %f, b %f equals central finite differences", (r, alpha, a, b) => {
    const grouped = groupHistories(histories);
    const gradient = new Float64Array(4);
    bgNbdLogLikelihood({ r, alpha, a, b }, grouped, gradient);
    const numeric = finiteDifferences(([r, alpha, a, b]) => bgNbdLogLikelihood({ r, alpha, a, b }, grouped), [r, alpha, a, b]);
    numeric.forEach((expected, index) => expect(Math.abs(gradient[index] - expected)).toBeLessThan(1e-6 * (1 + Math.abs(expected))));
  });

  it.each([
    [4, 3, 20],
    [1.5, 346, 34000],
    [0.3, 1.2, 0.5],
  ])("Gamma-Gamma's gradient at p %f, q %f, γ %f equals central finite differences", (p, q, gamma) => {
    const prepared = prepareSpends(spends);
    const gradient = new Float64Array(3);
    gammaGammaLogLikelihood({ p, q, gamma }, prepared, gradient);
    const numeric = finiteDifferences(([p, q, gamma]) => gammaGammaLogLikelihood({ p, q, gamma }, prepared), [p, q, gamma]);
    numeric.forEach((expected, index) => expect(Math.abs(gradient[index] - expected)).toBeLessThan(1e-6 * (1 + Math.abs(expected))));
  });

  it("Gamma-Gamma: Σ [ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln m̄ + px ln x − (px + q) ln(γ + x m̄)]", () => {
    const [p, q, gamma] = [4, 3, 20];
    const direct = spends.reduce(
      (sum, { x, meanValue, customers = 1 }) =>
        sum + customers * (logGamma(p * x + q) - logGamma(p * x) - logGamma(q) + q * Math.log(gamma) + (p * x - 1) * Math.log(meanValue) + p * x * Math.log(x) - (p * x + q) * Math.log(gamma + x * meanValue)),
      0,
    );
    expect(gammaGammaLogLikelihood({ p, q, gamma }, prepareSpends(spends)) / direct).toBeCloseTo(1, 12);
  });

  it("Gamma-Gamma over runs of x, spends from 1e-3 to 1e200 (products flushed before they overflow, the largest taken one by one) and customers > 1: the same sum and gradient", () => {
    const [p, q, gamma] = [1.5, 3, 0.5];
    const many = Array.from({ length: 900 }, (_, index) => ({ x: 1 + (Math.floor(index / 50) % 7), meanValue: index % 300 === 40 ? 1e200 : 10 ** ((index % 21) - 3), customers: index % 17 === 0 ? 4 : 1 }));
    const terms = (values: number[]) =>
      many.map(({ x, meanValue, customers }) => {
        const [pv, qv, gv] = values;
        return customers * (logGamma(pv * x + qv) - logGamma(pv * x) - logGamma(qv) + qv * Math.log(gv) + (pv * x - 1) * Math.log(meanValue) + pv * x * Math.log(x) - (pv * x + qv) * Math.log(gv + x * meanValue));
      });
    const direct = terms([p, q, gamma]).reduce((sum, term) => sum + term, 0);
    const gradient = new Float64Array(3);
    expect(gammaGammaLogLikelihood({ p, q, gamma }, prepareSpends(many), gradient) / direct).toBeCloseTo(1, 12);
    // ∂γ = Σ c [q/γ − (px + q)/(γ + x m̄)], and ∂p, ∂q as finite differences of the direct sum.
    const dGamma = many.reduce((sum, { x, meanValue, customers }) => sum + customers * (q / gamma - (p * x + q) / (gamma + x * meanValue)), 0);
    expect(gradient[2] / dGamma).toBeCloseTo(1, 10);
    const step = 1e-6;
    const sum = (values: number[]) => terms(values).reduce((total, term) => total + term, 0);
    expect(gradient[0] / ((sum([p + step, q, gamma]) - sum([p - step, q, gamma])) / (2 * step))).toBeCloseTo(1, 5);
    expect(gradient[1] / ((sum([p, q + step, gamma]) - sum([p, q - step, gamma])) / (2 * step))).toBeCloseTo(1, 5);
  });
});
