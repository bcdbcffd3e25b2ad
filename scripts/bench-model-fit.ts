/**
 * Times the BG/NBD + Gamma-Gamma fit (src/models), as a build fits it: histories grouped by
 * distinct (x, t_x, T) and spends by (x, m̄), then both fits. The buyers are either simulated
 * (`--buyers N`: drawn from the models themselves, r 0.25, α 30 days, a 0.8, b 2.4; p 6, q 4,
 * γ 15; first purchase uniform over two years before as_of_date, so the fit also shows how
 * well it recovers them) or read from a built warehouse (`--warehouse file.duckdb`: the
 * grouped inputs of c360_models.customer_model_inputs, read as a build reads them; copy the
 * bench's target/bench/bench.duckdb first). Reports each stage's CPU seconds (grouping,
 * BG/NBD, Gamma-Gamma; the machine may be busy, so CPU beside wall time), the likelihood
 * evaluations of each search and the CPU of one evaluation, then the whole fit as a build runs
 * it, `--repeat N` times (default 1), and the estimates to 17 significant digits.
 *   node --import tsx scripts/bench-model-fit.ts --buyers 100000
 *   node --import tsx scripts/bench-model-fit.ts --warehouse /tmp/me/bench.duckdb --repeat 5
 */
import { bgNbdLogLikelihood, fitBgNbd, groupHistoryColumns, historyColumns } from "../src/models/bgnbd.js";
import { fitGammaGamma, gammaGammaLogLikelihood, prepareSpends, spendColumns } from "../src/models/gamma-gamma.js";
import { fitColumns, readFitInputs, type FitInputs } from "../src/models/purchase-models.js";
import { DuckDbEngine } from "../src/engines/duckdb/duckdb-engine.js";
import { Prng } from "../tools/generator/prng.js";

const argument = (name: string) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const buyers = Number(argument("--buyers") ?? 100_000);
const warehouse = argument("--warehouse");
const repeat = Number(argument("--repeat") ?? 1);
const random = new Prng(19);
/** Gamma(shape, 1) by Marsaglia and Tsang. */
function gamma(shape: number): number {
  if (shape < 1) return gamma(shape + 1) * Math.pow(random.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const u1 = random.next() || 1e-300;
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random.next());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
const beta = (a: number, b: number) => {
  const x = gamma(a);
  return x / (x + gamma(b));
};

/** Simulated buyers, one row each (grouped by the fit). */
function simulate(): FitInputs {
  const histories: { x: number; tx: number; T: number; customers: number }[] = [];
  const spends: { x: number; meanValue: number; customers: number }[] = [];
  for (let index = 0; index < buyers; index++) {
    const T = Math.floor(random.next() * 730);
    const rate = gamma(0.25) / 30;
    const dropout = beta(0.8, 2.4);
    let time = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      time += -Math.log(random.next() || 1e-300) / rate;
      const day = Math.floor(time);
      if (day > T) break;
      if (day > tx || x === 0) {
        x++;
        tx = day;
      }
      if (random.next() < dropout) break;
    }
    histories.push({ x, tx, T, customers: 1 });
    if (x > 0) {
      const scale = gamma(4) / 15;
      let total = 0;
      for (let purchase = 0; purchase < x; purchase++) total += gamma(6) / scale;
      spends.push({ x, meanValue: Math.round((100 * total) / x) / 100, customers: 1 });
    }
  }
  return { histories: historyColumns(histories), spends: spendColumns(spends) };
}

async function read(file: string): Promise<FitInputs> {
  const engine = await DuckDbEngine.open(file, { readOnly: true, connections: 1 });
  try {
    return await readFitInputs(engine, { schema: "c360_models", name: "customer_model_inputs" }, { repeatOccasions: "repeat_occasions", recency: "recency_days", age: "observed_days", repeatMeanValue: "repeat_mean_value_usd" }, "bench-model-fit");
  } finally {
    await engine.close();
  }
}

const started = performance.now();
const { histories, spends } = warehouse ? await read(warehouse) : simulate();
const inputSeconds = (performance.now() - started) / 1000;

/** Runs `work`, returning its result with its wall and CPU seconds. */
function timed<T>(work: () => T): { result: T; wall: number; cpu: number } {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const result = work();
  const cpu = process.cpuUsage(startedCpu);
  return { result, wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}
const seconds = ({ wall, cpu }: { wall: number; cpu: number }) => `${wall.toFixed(2)} s (CPU ${cpu.toFixed(2)} s)`;

const grouping = timed(() => groupHistoryColumns(histories));
const grouped = grouping.result;
const spenders = spends.customers.reduce((sum, customers) => sum + customers, 0);
const source = warehouse ? `${warehouse} (read in ${inputSeconds.toFixed(2)} s)` : `${buyers} simulated buyers (in ${inputSeconds.toFixed(1)} s)`;
console.log(`${source}: ${grouped.total} buyers, ${grouped.x.length} distinct (x, t_x, T), ${spenders} repeat buyers with spend, ${spends.x.length} distinct (x, m̄)`);
const bgNbd = timed(() => fitBgNbd(grouped));
const gammaGamma = timed(() => fitGammaGamma(spends));
const stages = Object.entries(bgNbd.result.stages).map(([stage, evaluations]) => `${stage} ${evaluations}`).join(", ");
console.log(`grouping ${seconds(grouping)}; BG/NBD ${seconds(bgNbd)}, evaluations: ${stages}; Gamma-Gamma ${seconds(gammaGamma)}, evaluations: ${gammaGamma.result.evaluations}`);

// One evaluation's CPU at the estimates, with and without the gradient (what each stage's evaluations cost).
const perEvaluation = (evaluate: () => void) => {
  const rounds = 50;
  const { cpu } = timed(() => {
    for (let round = 0; round < rounds; round++) evaluate();
  });
  return `${((1000 * cpu) / rounds).toFixed(3)} ms`;
};
const gradient = new Float64Array(4);
const preparedSpends = prepareSpends(spends);
console.log(
  `one evaluation (CPU): BG/NBD with gradient ${perEvaluation(() => bgNbdLogLikelihood(bgNbd.result.parameters, grouped, gradient))}, value only ${perEvaluation(() => bgNbdLogLikelihood(bgNbd.result.parameters, grouped))}; ` +
    `Gamma-Gamma with gradient ${perEvaluation(() => gammaGammaLogLikelihood(gammaGamma.result.parameters, preparedSpends, gradient))}`,
);

for (let round = 1; round <= repeat; round++) {
  const fit = timed(() => fitColumns({ histories, spends }, { minimumRepeatBuyers: 20, horizon: 365 }));
  console.log(`fit as a build runs it (grouping + BG/NBD + Gamma-Gamma + checks), round ${round}: ${seconds(fit)}`);
  if (round === repeat) {
    console.log(`warnings: ${fit.result.warnings.join("; ") || "none"}`);
    console.log(fit.result.rows.map((row) => `${row.model}.${row.parameter} = ${row.value?.toPrecision(17)}`).join("\n"));
    console.log(`log-likelihoods: BG/NBD ${fit.result.bgNbd?.logLikelihood.toPrecision(17)}, Gamma-Gamma ${fit.result.gammaGamma?.logLikelihood.toPrecision(17)}`);
  }
}
