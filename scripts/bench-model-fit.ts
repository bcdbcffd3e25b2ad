/**
 * Times the BG/NBD + Gamma-Gamma fit (src/models) on simulated buyers, as a build fits them:
 * histories grouped by distinct (x, t_x, T) and spends by (x, m̄), then both fits. The
 * buyers are drawn from the models themselves (r 0.25, α 30 days, a 0.8, b 2.4; p 6, q 4,
 * γ 15; first purchase uniform over two years before as_of_date), so the fit also shows
 * how well it recovers them. Reports each stage's CPU seconds (grouping, BG/NBD, Gamma-Gamma;
 * the machine may be busy, so CPU beside wall time) and the likelihood evaluations of each
 * search, then the whole fit as a build runs it.
 *   node --import tsx scripts/bench-model-fit.ts --buyers 100000
 */
import { fitBgNbd, groupHistories } from "../src/models/bgnbd.js";
import { fitGammaGamma } from "../src/models/gamma-gamma.js";
import { fitRows } from "../src/models/purchase-models.js";
import { Prng } from "../tools/generator/prng.js";

const buyersArgument = process.argv.indexOf("--buyers");
const buyers = buyersArgument > 0 ? Number(process.argv[buyersArgument + 1]) : 100_000;
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

const simulated = performance.now();
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
const simulationSeconds = (performance.now() - simulated) / 1000;

/** Runs `work`, returning its result with its wall and CPU seconds. */
function timed<T>(work: () => T): { result: T; wall: number; cpu: number } {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const result = work();
  const cpu = process.cpuUsage(startedCpu);
  return { result, wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}
const seconds = ({ wall, cpu }: { wall: number; cpu: number }) => `${wall.toFixed(2)} s (CPU ${cpu.toFixed(2)} s)`;

const grouping = timed(() => groupHistories(histories));
const grouped = grouping.result;
const distinct = grouped.x.length;
console.log(`${buyers} buyers (simulated in ${simulationSeconds.toFixed(1)} s): ${distinct} distinct (x, t_x, T), ${spends.length} repeat buyers`);
const bgNbd = timed(() => fitBgNbd(grouped));
const gammaGamma = timed(() => fitGammaGamma(spends));
const stages = Object.entries(bgNbd.result.stages).map(([stage, evaluations]) => `${stage} ${evaluations}`).join(", ");
console.log(`grouping ${seconds(grouping)}; BG/NBD ${seconds(bgNbd)}, evaluations: ${stages}; Gamma-Gamma ${seconds(gammaGamma)}, evaluations: ${gammaGamma.result.evaluations}`);
const fit = timed(() =>
  fitRows(
    Array.from({ length: distinct }, (_, index) => ({ x: grouped.x[index], tx: grouped.tx[index], T: grouped.T[index], customers: grouped.customers[index] })),
    spends,
    { minimumRepeatBuyers: 20, horizon: 365 },
  ),
);
console.log(`fit as a build runs it (grouping + BG/NBD + Gamma-Gamma + checks): ${seconds(fit)}; warnings: ${fit.result.warnings.join("; ") || "none"}`);
console.log(fit.result.rows.map((row) => `${row.model}.${row.parameter} = ${row.value?.toPrecision(4)}`).join(", "));
