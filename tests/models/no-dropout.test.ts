/**
 * The check that BG/NBD's no-dropout boundary is the maximum (src/models/no-dropout.ts): the NBD
 * likelihood is BG/NBD's at a → 0, the gain D(p) is the per-customer formula, and the check
 * holds exactly where the searches run off (no dropout) and fails where they find a maximum.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bgNbdLogLikelihood, fitBgNbd, groupHistories } from "../../src/models/bgnbd.js";
import { maximizeBySimplex, maximizeLikelihood } from "../../src/models/maximize.js";
import { checkNoDropoutMaximum, dropoutGain, noDropoutLogLikelihood } from "../../src/models/no-dropout.js";
import { REPO_ROOT } from "../helpers/project.js";

/** Repeated histories, x = 0 among them, one with t_x far below T. */
const histories = [
  { x: 0, tx: 0, T: 20 },
  { x: 3, tx: 12, T: 20 },
  { x: 1, tx: 2, T: 50 },
  { x: 1, tx: 2, T: 50 },
  { x: 7, tx: 45, T: 50 },
  { x: 4, tx: 30, T: 35 },
];

/** Nobody drops out: every customer bought last on the last day, at rates from 1 to 40 purchases in two years. */
const noDropout = Array.from({ length: 200 }, (_, index) => ({ x: 1 + (index % 40), tx: 730, T: 730, customers: 1 + (index % 3) }));

describe("the NBD log-likelihood (no dropout)", () => {
  it("is BG/NBD's as a → 0, with its gradient", () => {
    const grouped = groupHistories(histories);
    const gradient = new Float64Array(2);
    const value = noDropoutLogLikelihood(0.7, 12, grouped, gradient);
    expect(value / bgNbdLogLikelihood({ r: 0.7, alpha: 12, a: 1e-12, b: 3 }, grouped)).toBeCloseTo(1, 10);
    const step = 1e-5;
    const numeric = [
      (noDropoutLogLikelihood(0.7 + step, 12, grouped, new Float64Array(2)) - noDropoutLogLikelihood(0.7 - step, 12, grouped, new Float64Array(2))) / (2 * step),
      (noDropoutLogLikelihood(0.7, 12 + step, grouped, new Float64Array(2)) - noDropoutLogLikelihood(0.7, 12 - step, grouped, new Float64Array(2))) / (2 * step),
    ];
    numeric.forEach((expected, index) => expect(Math.abs(gradient[index] - expected)).toBeLessThan(1e-7 * (1 + Math.abs(expected))));
  });
});

describe("the gain of a dropout probability p over none, D(p)", () => {
  it("is Σ c [(1 − p)^x + [x > 0] p (1 − p)^(x − 1) ((α + T)/(α + t_x))^(r + x) − 1], with D'(0) = Σ c (R − x)", () => {
    const [r, alpha] = [0.7, 12];
    const { gain, slope } = dropoutGain(groupHistories(histories), r, alpha);
    const ratio = ({ x, tx, T }: (typeof histories)[number]) => Math.pow((alpha + T) / (alpha + tx), r + x);
    for (const p of [1e-6, 0.01, 0.3, 0.9, 1]) {
      const direct = histories.reduce((sum, history) => sum + Math.pow(1 - p, history.x) + (history.x > 0 ? p * Math.pow(1 - p, history.x - 1) * ratio(history) : 0) - 1, 0);
      expect(Math.abs(gain(p) - direct)).toBeLessThan(1e-12 * (1 + Math.abs(direct)));
    }
    const directSlope = histories.reduce((sum, history) => sum + (history.x > 0 ? ratio(history) : 0) - history.x, 0);
    expect(slope / directSlope).toBeCloseTo(1, 12);
  });
});

describe("checkNoDropoutMaximum", () => {
  it("holds where nobody drops out, and then the searches it spares run off too", () => {
    const grouped = groupHistories(noDropout);
    const start = [1, 730, 1, 1];
    const check = checkNoDropoutMaximum(grouped, [1, 730]);
    expect(check.holds).toBe(true);
    expect(check.largestGain).toBeLessThanOrEqual(0);
    // What the plain search and the simplex would have found: a or b past the log bound.
    const plain = maximizeLikelihood(([r, alpha, a, b], gradient) => bgNbdLogLikelihood({ r, alpha, a, b }, grouped, gradient), start, { stopWhenUnbounded: [2, 3] });
    const simplex = maximizeBySimplex(([r, alpha, a, b]) => bgNbdLogLikelihood({ r, alpha, a, b }, grouped), start, { stopWhenUnbounded: [2, 3] });
    for (const search of [plain, simplex]) expect([2, 3]).toContain(search.unbounded);
    // …and no (a, b) at the NBD's (r, α) beats the no-dropout likelihood.
    const limit = noDropoutLogLikelihood(check.r!, check.alpha!, grouped, new Float64Array(2));
    for (const a of [1e-3, 0.1, 1, 10]) for (const b of [0.5, 5, 500]) expect(bgNbdLogLikelihood({ r: check.r!, alpha: check.alpha!, a, b }, grouped)).toBeLessThan(limit);
  });

  it("fails where some customers look like early drop-outs (D > 0 somewhere), and the fit then finds its interior maximum", () => {
    // The same customers, and 60 more who bought two to four times in their first two weeks and never again.
    const grouped = groupHistories([...noDropout, ...Array.from({ length: 60 }, (_, index) => ({ x: 1 + (index % 3), tx: 5 + (index % 7), T: 730 }))]);
    const check = checkNoDropoutMaximum(grouped, [1, 730]);
    expect(check.holds).toBe(false);
    expect(check.largestGain).toBeGreaterThan(0);
    const fit = fitBgNbd(grouped);
    expect(fit.regularised).toBeUndefined();
    expect(fit.converged).toBe(true);
    expect(fit.stages.plain).toBeGreaterThan(0);
  });

  const SUMMARY = path.resolve(REPO_ROOT, "../shared/data/cdnow_customers_summary_with_transactions.csv");
  it.skipIf(!fs.existsSync(SUMMARY))("fails on CDNOW, whose maximum is interior", () => {
    const rows = fs.readFileSync(SUMMARY, "utf8").trim().split(/\r?\n/).slice(1).map((line) => line.split(",").map(Number));
    const check = checkNoDropoutMaximum(groupHistories(rows.map(([, x, tx, T]) => ({ x, tx, T }))), [1, 30]);
    expect(check.holds).toBe(false);
    expect(check.largestGain).toBeGreaterThan(0);
  });
});

describe("checkNoDropoutMaximum on extreme histories", () => {
  it("leaves the decision to the searches where customers have thousands of occasions (the fine check would take seconds)", () => {
    const heavy = Array.from({ length: 3000 }, (_, index) => ({ x: 1 + index * 2, tx: 7300, T: 7300 }));
    const check = checkNoDropoutMaximum(groupHistories(heavy), [1, 7300]);
    expect(check.holds).toBe(false);
    expect(check.largestGain).toBeNaN();
  });
});
