import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { emitIncludes, staleIncludes, writeIncludes } from "../../src/compile/emit-includes.js";
import { copyProject, REPO_ROOT } from "../helpers/project.js";

describe("emitted includes", () => {
  it("are up to date with includes/ts (run npm run build:includes)", () => {
    expect(staleIncludes(REPO_ROOT)).toEqual([]);
  });

  it("are CommonJS with a generated-file header, and stale ones are detected", () => {
    const projectDir = copyProject(REPO_ROOT);
    fs.mkdirSync(path.join(projectDir, "includes/ts"), { recursive: true });
    fs.writeFileSync(path.join(projectDir, "includes/ts/sample_macro.ts"), 'import { other } from "./other_macro.js";\nexport function sample(column: string): string { return `lower(${column})` + other(); }\n');
    fs.writeFileSync(path.join(projectDir, "includes/ts/other_macro.ts"), "export function other(): string { return ''; }\n");
    expect(staleIncludes(projectDir)).toContain("includes/sample_macro.js");
    writeIncludes(projectDir);
    expect(staleIncludes(projectDir)).toEqual([]);
    const emitted = fs.readFileSync(path.join(projectDir, "includes/sample_macro.js"), "utf8");
    expect(emitted).toMatch(/^\/\/ Generated from includes\/ts\/sample_macro\.ts/);
    expect(emitted).toContain("exports.sample = sample");
    expect(emitted).toContain('require("./other_macro")');
    expect(emitIncludes(projectDir).length).toBeGreaterThanOrEqual(2);
  });
});
