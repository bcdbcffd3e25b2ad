/**
 * The long form of the fault-injection suite (harness.ts), with its fault matrix:
 *   npm run test:faults -- --trials 24 --seed 18 --external-kills 3 [--work DIR] [--landing DIR]
 * Exit 0 when every trial hit its point and passed.
 */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { FaultSuite, faultMatrix } from "./harness.js";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "24" },
    seed: { type: "string", default: "18" },
    "external-kills": { type: "string", default: "3" },
    "corrupt-every": { type: "string", default: "6" },
    "error-every": { type: "string", default: "4" },
    work: { type: "string", default: path.join(os.tmpdir(), "c360-faults") },
    landing: { type: "string" },
  },
});

const started = performance.now();
const log = (line: string) => process.stdout.write(`${line}\n`);
const suite = new FaultSuite({
  workDir: path.resolve(values.work),
  trials: Number(values.trials),
  seed: Number(values.seed),
  externalKills: Number(values["external-kills"]),
  corruptEvery: Number(values["corrupt-every"]),
  errorEvery: Number(values["error-every"]),
  landingSource: values.landing ? path.resolve(values.landing) : undefined,
  log,
});
await suite.prepare();
const results = await suite.run();
log(`\nFault matrix (seed ${values.seed}, ${results.length} trials, ${((performance.now() - started) / 1000).toFixed(0)} s):\n${faultMatrix(results)}`);
const failed = results.filter((result) => !result.hit || !result.passed);
log(failed.length === 0 ? "every trial hit its point and passed" : `${failed.length} trial(s) failed`);
process.exitCode = failed.length === 0 ? 0 : 1;
