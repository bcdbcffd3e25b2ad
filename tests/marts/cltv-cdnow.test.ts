/**
 * The predictive metrics validated on CDNOW (../shared/data, read in place; skipped where
 * absent): BG/NBD + Gamma-Gamma fitted as the build fits them (days, same-day purchases
 * merged, src/models/purchase-models.ts) on a calibration period, against what happened
 * next. Baselines: the former run_rate CLTV model and predicting nothing; recency for churn.
 * The figures are printed and recorded in docs/metrics.md.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { expectedPurchases, probabilityNoPurchase } from "../../src/models/bgnbd.js";
import { expectedOrderValue } from "../../src/models/gamma-gamma.js";
import { fitRows } from "../../src/models/purchase-models.js";
import { CDNOW_SAMPLE, readCdnowCustomerDays } from "./cdnow.js";

const DAY_MS = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
const addDays = (date: string, count: number) => new Date(Date.parse(date) + count * DAY_MS).toISOString().slice(0, 10);

interface Customer {
  x: number;
  tx: number;
  T: number;
  /** Mean of the repeat customer-days (null without one). */
  repeatMean: number | null;
  revenue: number;
  occasions: number;
  recency: number;
  holdoutOccasions: number;
  holdoutRevenue: number;
  /** A purchase in the 90 days after the calibration end. */
  boughtIn90: boolean;
}

/** Customers first seen by `calibrationEnd`, their calibration summary and what they did in the next `horizon` days. */
function split(calibrationEnd: string, horizon: number): Customer[] {
  const byCustomer = new Map<string, { day: string; dollars: number }[]>();
  for (const day of readCdnowCustomerDays()) byCustomer.set(day.customerId, [...(byCustomer.get(day.customerId) ?? []), { day: day.day, dollars: Number(day.dollars) }]);
  const holdoutEnd = addDays(calibrationEnd, horizon);
  const churnEnd = addDays(calibrationEnd, 90);
  const customers: Customer[] = [];
  for (const purchases of byCustomer.values()) {
    purchases.sort((left, right) => left.day.localeCompare(right.day));
    const calibration = purchases.filter((purchase) => purchase.day <= calibrationEnd);
    if (calibration.length === 0) continue;
    const holdout = purchases.filter((purchase) => purchase.day > calibrationEnd && purchase.day <= holdoutEnd);
    const first = calibration[0].day;
    const last = calibration[calibration.length - 1].day;
    const revenue = calibration.reduce((sum, purchase) => sum + purchase.dollars, 0);
    customers.push({
      x: calibration.length - 1,
      tx: days(first, last),
      T: days(first, calibrationEnd),
      repeatMean: calibration.length > 1 ? (revenue - calibration[0].dollars) / (calibration.length - 1) : null,
      revenue,
      occasions: calibration.length,
      recency: days(last, calibrationEnd),
      holdoutOccasions: holdout.length,
      holdoutRevenue: holdout.reduce((sum, purchase) => sum + purchase.dollars, 0),
      boughtIn90: purchases.some((purchase) => purchase.day > calibrationEnd && purchase.day <= churnEnd),
    });
  }
  return customers;
}

/** The former run_rate model (kept as a baseline): total / n × (n − 1 + 0.5) / max(days since first, 90) × horizon × max(0, 180 − recency) / 180. */
function runRate(customer: Customer, horizon: number): number {
  return ((customer.revenue / customer.occasions) * (customer.occasions - 1 + 0.5) / Math.max(customer.T, 90)) * horizon * Math.max(0, 180 - customer.recency) / 180;
}

/** Area under the ROC curve of `score` for `positive` (ties count half). */
function auc(scores: number[], positive: boolean[]): number {
  const order = scores.map((score, index) => ({ score, positive: positive[index] })).sort((left, right) => left.score - right.score);
  let rankSum = 0;
  let positives = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end < order.length && order[end].score === order[start].score) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let index = start; index < end; index++) if (order[index].positive) {
      rankSum += averageRank;
      positives++;
    }
    start = end;
  }
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

const rmse = (predicted: number[], actual: number[]) => Math.sqrt(predicted.reduce((sum, value, index) => sum + (value - actual[index]) ** 2, 0) / predicted.length);
const BANDS = [["low", 0, 0.5], ["medium", 0.5, 0.8], ["high", 0.8, Infinity]] as const;

function validate(calibrationEnd: string, horizon: number) {
  const customers = split(calibrationEnd, horizon);
  const fit = fitRows(
    customers.map((customer) => ({ x: customer.x, tx: customer.tx, T: customer.T, customers: 1 })),
    customers.filter((customer) => customer.x >= 1 && customer.repeatMean! > 0).map((customer) => ({ x: customer.x, meanValue: customer.repeatMean!, customers: 1 })),
    { minimumRepeatBuyers: 20, horizon: 365 },
  );
  const bgNbd = fit.bgNbd!.parameters;
  const gammaGamma = fit.gammaGamma!.parameters;
  const purchases = customers.map((customer) => expectedPurchases(bgNbd, customer, horizon));
  const models = customers.map((customer, index) => purchases[index] * expectedOrderValue(gammaGamma, customer.x, customer.repeatMean));
  const actual = customers.map((customer) => customer.holdoutRevenue);
  const risk = customers.map((customer) => probabilityNoPurchase(bgNbd, customer, 90));
  const noPurchase = customers.map((customer) => !customer.boughtIn90);
  const bands = BANDS.map(([name, from, to]) => {
    const members = customers.map((_, index) => index).filter((index) => risk[index] >= from && risk[index] < to);
    return {
      name,
      customers: members.length,
      meanRisk: members.reduce((sum, index) => sum + risk[index], 0) / members.length,
      observed: members.filter((index) => noPurchase[index]).length / members.length,
    };
  });
  const figures = {
    calibrationEnd,
    horizon,
    customers: customers.length,
    warnings: fit.warnings,
    parameters: { ...bgNbd, ...gammaGamma },
    converged: fit.rows.every((row) => row.converged),
    rmse: { models: rmse(models, actual), runRate: rmse(customers.map((customer) => runRate(customer, horizon)), actual), zero: rmse(actual.map(() => 0), actual) },
    purchases: { predicted: purchases.reduce((sum, value) => sum + value, 0), actual: customers.reduce((sum, customer) => sum + customer.holdoutOccasions, 0) },
    revenue: { predicted: models.reduce((sum, value) => sum + value, 0), actual: actual.reduce((sum, value) => sum + value, 0) },
    auc: { churnRisk: auc(risk, noPurchase), recency: auc(customers.map((customer) => customer.recency), noPurchase) },
    bands,
  };
  console.log(`CDNOW calibrated to ${calibrationEnd}, ${horizon}-day holdout:\n${JSON.stringify(figures, null, 1)}`);
  return figures;
}

describe.skipIf(!fs.existsSync(CDNOW_SAMPLE))("predictive metrics on CDNOW", () => {
  // The split (weeks 1–39 → 40–78) holds churn_risk to recency's AUC − 0.005; on the
  // second split churn_risk's AUC is reported (0.796 against recency's 0.801, docs/metrics.md), not held.
  for (const [calibrationEnd, horizon, holdsAuc] of [["1997-09-30", 273, true], ["1997-12-31", 181, false]] as const) {
    it(`calibrated to ${calibrationEnd}, predicting ${horizon} days: beats run_rate and nothing; churn_risk ranks and is calibrated`, () => {
      const figures = validate(calibrationEnd, horizon);
      expect(figures.converged).toBe(true);
      expect(figures.rmse.models).toBeLessThan(figures.rmse.runRate);
      expect(figures.rmse.models).toBeLessThan(figures.rmse.zero);
      if (holdsAuc) expect(figures.auc.churnRisk).toBeGreaterThanOrEqual(figures.auc.recency - 0.005);
      else expect(figures.auc.churnRisk).toBeGreaterThan(0.75);
      for (const band of figures.bands.filter((candidate) => candidate.customers >= 100)) {
        expect(Math.abs(band.observed - band.meanRisk), `band ${band.name}`).toBeLessThanOrEqual(0.08);
      }
    });
  }

  it("the 39-week calibration holds the data set's published facts (2,357 customers, Σx 2,457, 946 repeaters, 1,882 holdout purchases)", () => {
    const customers = split("1997-09-30", 273);
    expect(customers.length).toBe(2357);
    expect(customers.reduce((sum, customer) => sum + customer.x, 0)).toBe(2457);
    expect(customers.filter((customer) => customer.x > 0).length).toBe(946);
    expect(customers.reduce((sum, customer) => sum + customer.holdoutOccasions, 0)).toBe(1882);
  });
});
