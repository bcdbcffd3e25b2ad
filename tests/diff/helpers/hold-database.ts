/** Test helper process: opens a DuckDB database for writing (as a running build does), says "locked", and holds it until stdin closes. */
import { DuckDbEngine } from "../../../src/engines/duckdb/duckdb-engine.js";

const engine = await DuckDbEngine.open(process.argv[2], { connections: 1 });
process.stdout.write("locked\n");
process.stdin.resume();
process.stdin.on("end", () => {
  void engine.close().then(() => process.exit(0));
});
