#!/usr/bin/env node
/** Entry point of the installed `c360` bin: the compiled CLI (dist/cli/bin.js), no tsx. */
import { main } from "./main.js";

process.exitCode = await main();
