#!/usr/bin/env -S node --import tsx
/** Entry point of the c360 CLI (see src/cli/main.ts). */
import { main } from "../src/cli/main.js";

process.exitCode = await main();
