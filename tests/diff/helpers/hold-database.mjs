// Test helper process: opens a DuckDB database for writing (as a running build does), says
// "locked", and holds it until stdin closes. Plain node and DuckDB's own client (no tsx start-up):
// DuckDB's file lock belongs to the process that opened the file, whoever opens it.
import { DuckDBInstance } from "@duckdb/node-api";

const instance = await DuckDBInstance.create(process.argv[2]);
const connection = await instance.connect();
process.stdout.write("locked\n");
process.stdin.resume();
process.stdin.on("end", () => {
  connection.closeSync();
  instance.closeSync();
  process.exit(0);
});
