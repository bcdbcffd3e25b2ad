#!/usr/bin/env node
/** Entry point of the installed `c360` bin: the compiled CLI (dist/cli/bin.js), no tsx. */
import { main } from "./main.js";

// A reader that stops early (`c360 compile | head`) closes the pipe: that ends the output, not the command with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main();
