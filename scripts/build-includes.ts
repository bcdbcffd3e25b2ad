/** Emits includes/*.js from includes/ts/*.ts (see src/compile/emit-includes.ts). */
import { writeIncludes } from "../src/compile/emit-includes.js";

const changed = writeIncludes(process.cwd());
process.stdout.write(changed.length > 0 ? `Emitted ${changed.join(", ")}\n` : "includes/*.js are up to date\n");
