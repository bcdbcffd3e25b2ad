/**
 * The `bgnbd_gamma_gamma` fit a project declares in c360.json (`fits`): reads each buyer's
 * (x, t_x, T, m̄) from the input action's table, fits BG/NBD and Gamma-Gamma by maximum
 * likelihood, and returns one row per parameter. A fit that cannot be made gives null
 * values, converged false and a warning that says why; it never throws for the data.
 */
import type { Engine, TableRef } from "../engines/engine.js";
import { expectedPurchases, fitBgNbd, groupHistoryColumns, historyColumns, type BgNbdFit, type HistoryColumns, type PurchaseHistory } from "./bgnbd.js";
import { fitGammaGamma, spendColumns, type GammaGammaFit, type SpendColumns } from "./gamma-gamma.js";
import { hypergeometric2F1Series } from "./special-functions.js";

/** Input columns of the fit, named by the project. */
export interface PurchaseModelColumns {
  /** x: repeat purchase occasions (occasions − 1). */
  repeatOccasions: string;
  /** t_x: time from the first to the last occasion. */
  recency: string;
  /** T: time from the first occasion to the end of observation. */
  age: string;
  /** m̄: mean value of the repeat occasions (null or ≤ 0 leaves the customer out of Gamma-Gamma). */
  repeatMeanValue: string;
}

export interface PurchaseModelOptions {
  columns: PurchaseModelColumns;
  /** Fewer customers with x ≥ 1 than this: no fit (the estimates would mean nothing). */
  minimumRepeatBuyers: number;
  /** The prediction horizon the scoring uses (same time unit); the fit warns when its hypergeometric series would not converge in SQL. */
  horizon?: number;
}

export interface ParameterRow {
  model: "bgnbd" | "gamma_gamma";
  parameter: string;
  /** Null when the model was not fitted. */
  value: number | null;
  logLikelihood: number | null;
  /** Customers the model was fitted on (or would have been). */
  customers: number;
  converged: boolean;
}

export interface PurchaseModelResult {
  rows: ParameterRow[];
  warnings: string[];
  bgNbd?: BgNbdFit;
  gammaGamma?: GammaGammaFit;
}

const BGNBD_PARAMETERS = ["r", "alpha", "a", "b"] as const;
const GAMMA_GAMMA_PARAMETERS = ["p", "q", "gamma"] as const;

/** The fit's inputs as read from the engine: distinct histories and distinct spends, each with its customers, as columns (no object per row). */
export interface FitInputs {
  histories: HistoryColumns;
  spends: SpendColumns;
}

/** Reads the input table grouped in SQL: one row per distinct history, in a fixed order so the sums, hence the estimates, are the same on every run. */
export async function readFitInputs(engine: Engine, input: TableRef, columns: PurchaseModelColumns, actionName: string): Promise<FitInputs> {
  const { repeatOccasions, recency, age, repeatMeanValue } = columns;
  const table = engine.quoteTable(input);
  // As floats: the engine hands a 64-bit integer to JavaScript as a bigint, several times slower to read than a double
  // for the hundreds of thousands of values; whole numbers below 2^53 are the same numbers either way.
  const float = (expression: string) => `cast(${expression} as ${engine.dialect === "bigquery" ? "float64" : "double"})`;
  const histories = await readColumns(
    engine,
    `select ${float(repeatOccasions)} as x, ${float(recency)} as tx, ${float(age)} as t, ${float("count(*)")} as customers from ${table} group by ${repeatOccasions}, ${recency}, ${age} order by 1, 2, 3`,
    ["x", "tx", "t", "customers"],
    actionName,
  );
  const spends = await readColumns(
    engine,
    `select ${float(repeatOccasions)} as x, ${float(repeatMeanValue)} as m, ${float("count(*)")} as customers from ${table} where ${repeatOccasions} >= 1 and ${repeatMeanValue} > 0 group by ${repeatOccasions}, ${repeatMeanValue} order by 1, 2`,
    ["x", "m", "customers"],
    actionName,
  );
  const [x, tx, T, customers] = histories;
  const [spendX, meanValue, spenders] = spends;
  return { histories: { x, tx, T, customers }, spends: { x: spendX, meanValue, customers: spenders } };
}

/**
 * A query's columns of numbers as doubles: as columns where the engine reads them so (no object
 * per row for a few hundred thousand rows), else from its rows. A null is NaN either way (the
 * fit rejects it as not a valid history).
 */
async function readColumns(engine: Engine, sql: string, names: readonly string[], actionName: string): Promise<Float64Array[]> {
  if (engine.queryFloatColumns) return engine.queryFloatColumns(sql, { actionName });
  const rows = await engine.query(sql, { actionName });
  return names.map((name) => Float64Array.from(rows, (row) => (row[name] === null || row[name] === undefined ? Number.NaN : Number(row[name]))));
}

/** Reads the input table and fits both models. */
export async function fitPurchaseModels(engine: Engine, input: TableRef, options: PurchaseModelOptions, actionName: string): Promise<PurchaseModelResult> {
  return fitColumns(await readFitInputs(engine, input, options.columns, actionName), options);
}

/** The fit on histories already read, one object each (tests; the benchmark's simulated buyers). */
export function fitRows(
  histories: readonly { x: number; tx: number; T: number; customers: number }[],
  spends: readonly { x: number; meanValue: number; customers: number }[],
  options: Omit<PurchaseModelOptions, "columns">,
): PurchaseModelResult {
  return fitColumns({ histories: historyColumns(histories), spends: spendColumns(spends) }, options);
}

/** The fit on inputs already read, as columns. */
export function fitColumns({ histories, spends }: FitInputs, options: Omit<PurchaseModelOptions, "columns">): PurchaseModelResult {
  const warnings: string[] = [];
  // One pass over the columns: this code runs once per build, before the JIT has compiled it.
  let buyers = 0;
  let repeatBuyers = 0;
  let invalid: (PurchaseHistory & { customers: number }) | undefined;
  for (let row = 0; row < histories.x.length; row++) {
    const x = histories.x[row];
    const tx = histories.tx[row];
    const T = histories.T[row];
    const customers = histories.customers[row];
    buyers += customers;
    if (x >= 1) repeatBuyers += customers;
    if (invalid === undefined && !(Number.isFinite(x) && Number.isFinite(tx) && Number.isFinite(T) && x >= 0 && tx >= 0 && T >= tx)) invalid = { x, tx, T, customers };
  }
  let spenders = 0;
  for (let row = 0; row < spends.customers.length; row++) spenders += spends.customers[row];
  const notFitted = (reason: string): PurchaseModelResult => {
    warnings.push(`no_model_fit: ${reason}; the predictive columns are null`);
    return { rows: [...rowsOf("bgnbd", BGNBD_PARAMETERS, null, null, buyers), ...rowsOf("gamma_gamma", GAMMA_GAMMA_PARAMETERS, null, null, spenders)], warnings };
  };
  if (invalid) return notFitted(`a history is not a valid (x, t_x, T): ${JSON.stringify(invalid)}`);
  if (repeatBuyers < options.minimumRepeatBuyers || spenders < options.minimumRepeatBuyers) {
    return notFitted(`${buyers} buyer(s), ${repeatBuyers} with a repeat purchase occasion, ${spenders} with repeat spend; a fit needs at least ${options.minimumRepeatBuyers} of each`);
  }
  const bgNbd = fitBgNbd(groupHistoryColumns(histories));
  const gammaGamma = fitGammaGamma(spends);
  if (bgNbd.regularised) warnings.push(`bgnbd_regularised: ${bgNbd.regularised}`);
  if (!bgNbd.converged) warnings.push(`bgnbd_not_converged: ${bgNbd.reason}`);
  if (!gammaGamma.converged) warnings.push(`gamma_gamma_not_converged: ${gammaGamma.reason}`);
  if (bgNbd.converged && options.horizon !== undefined) {
    // The worst case of the scoring's series: a one-time buyer seen today (T = 0, x = 0) has the largest z.
    const { r, alpha, a, b } = bgNbd.parameters;
    const series = hypergeometric2F1Series(a + b - 1 - r, a - 1, a + b - 1, options.horizon / (alpha + options.horizon));
    if (!series.converged) warnings.push(`hypergeometric_series_capped: with α = ${alpha.toPrecision(4)} the series of E[Y(${options.horizon})] does not converge within its cap for recent buyers; their expected purchases are null`);
  }
  if (bgNbd.converged && options.horizon !== undefined) {
    // Every distinct (x, T) the scoring will meet, evaluated as the SQL does: a value that is not finite is null there.
    // The last history of each pair (its t_x enters P(alive)).
    const pairs = new Map<number | string, number>();
    for (let row = 0; row < histories.x.length; row++) pairs.set(pairKey(histories.x[row], histories.T[row]), row);
    const failing = [...pairs.values()].filter((row) => !Number.isFinite(expectedPurchases(bgNbd.parameters, { x: histories.x[row], tx: histories.tx[row], T: histories.T[row] }, options.horizon!))).length;
    if (failing > 0) warnings.push(`prediction_not_finite: E[Y(${options.horizon})] is not finite for ${failing} of ${pairs.size} distinct (x, T); those customers' expected purchases and CLTV are null`);
  }
  const bothFitted = bgNbd.converged && gammaGamma.converged;
  if (!bothFitted) warnings.push("no_model_fit: a model did not converge; the predictive columns are null");
  const { r, alpha, a, b } = bgNbd.parameters;
  const { p, q, gamma } = gammaGamma.parameters;
  return {
    rows: [
      ...rowsOf("bgnbd", BGNBD_PARAMETERS, bgNbd.converged ? [r, alpha, a, b] : null, bgNbd.converged ? bgNbd.logLikelihood : null, buyers),
      ...rowsOf("gamma_gamma", GAMMA_GAMMA_PARAMETERS, gammaGamma.converged ? [p, q, gamma] : null, gammaGamma.converged ? gammaGamma.logLikelihood : null, spenders),
    ],
    warnings,
    bgNbd,
    gammaGamma,
  };
}

/** An (x, T) pair's key: one small integer where both are small whole numbers (no string to build for each of a few hundred thousand histories), else their text. */
function pairKey(x: number, T: number): number | string {
  return Number.isInteger(x) && Number.isInteger(T) && x >= 0 && x < 2 ** 14 && T >= 0 && T < 2 ** 16 ? x * 2 ** 16 + T : `${x}|${T}`;
}

function rowsOf(model: ParameterRow["model"], names: readonly string[], values: number[] | null, logLikelihood: number | null, customers: number): ParameterRow[] {
  return names.map((parameter, index) => ({ model, parameter, value: values ? values[index] : null, logLikelihood, customers, converged: values !== null }));
}
