/** Compile time in-process (cold and warm) against the stock `dataform compile` CLI. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { compileProject } from "../compile/index.js";

export interface CompileTiming {
  inProcessColdSeconds: number;
  inProcessWarmMedianSeconds: number;
  stockCliMedianSeconds: number;
  /** Stock CLI median over in-process warm median. */
  speedupWarm: number;
  speedupCold: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function seconds(work: () => void): number {
  const started = performance.now();
  work();
  return (performance.now() - started) / 1000;
}

export function timeCompile(projectDir: string, vars: Record<string, string>, runs = 5): CompileTiming {
  const inProcessColdSeconds = seconds(() => compileProject({ projectDir, vars }));
  const warm = Array.from({ length: runs }, () => seconds(() => compileProject({ projectDir, vars })));
  const cli = path.join(projectDir, "node_modules", ".bin", "dataform");
  const varsArgument = `--vars=${Object.entries(vars).map(([key, value]) => `${key}=${value}`).join(",")}`;
  const stock = Array.from({ length: runs }, () =>
    seconds(() => {
      const result = spawnSync(cli, ["compile", projectDir, "--json", varsArgument], { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 256 * 1024 * 1024 });
      if (result.status !== 0) throw new Error(`dataform compile failed: ${result.stderr?.toString()}`);
    }),
  );
  const inProcessWarmMedianSeconds = median(warm);
  const stockCliMedianSeconds = median(stock);
  return {
    inProcessColdSeconds,
    inProcessWarmMedianSeconds,
    stockCliMedianSeconds,
    speedupWarm: stockCliMedianSeconds / inProcessWarmMedianSeconds,
    speedupCold: stockCliMedianSeconds / inProcessColdSeconds,
  };
}
