#!/usr/bin/env node
/** Entry point of the installed `c360` bin: the compiled CLI (dist/cli/bin.js), no tsx. */
import module from "node:module";
import path from "node:path";
import { cacheDir } from "../compile/disk-cache.js";
import { asksForVersion, packageVersion } from "./version.js";

// Node >= 22.1 can keep V8's compiled code of the CLI's own modules on disk, beside c360's
// other caches; Node 20 has no such cache for ES modules. main.js is imported after this, so
// the cache covers it and yargs (this module is small on purpose).
const enableCompileCache = (module as { enableCompileCache?: (directory?: string) => unknown }).enableCompileCache;
const directory = cacheDir();
if (enableCompileCache && directory) enableCompileCache(path.join(directory, "node-compile-cache"));

// A reader that stops early (`c360 compile | head`) closes the pipe: that ends the output, not the command with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

// The version needs none of the command line's modules.
if (asksForVersion(process.argv.slice(2))) {
  process.stdout.write(`${packageVersion()}\n`);
} else {
  const { main } = await import("./main.js");
  process.exitCode = await main();
}
