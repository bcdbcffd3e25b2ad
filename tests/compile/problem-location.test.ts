import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileProject, listProjectFiles } from "../../src/compile/index.js";
import { locateCompilationProblems } from "../../src/compile/problem-location.js";
import { CompilationError } from "../../src/errors.js";
import { copyProject, EXAMPLE_PROJECT } from "../helpers/project.js";

function compileWith(file: string, source: string): CompilationError {
  const projectDir = copyProject(EXAMPLE_PROJECT);
  fs.writeFileSync(path.join(projectDir, file), source);
  try {
    compileProject({ projectDir, vars: { dialect: "duckdb" } });
  } catch (error) {
    if (error instanceof CompilationError) return error;
    throw error;
  }
  throw new Error("the project compiled");
}

describe("compilation errors name the file, line and column", () => {
  it("a config block that does not parse", () => {
    const error = compileWith("definitions/broken.sqlx", 'config {\n  type: "table",\n  tags: ["x"\n}\nselect 1 as a\n');
    expect(error.problems[0]).toMatchObject({ fileName: "definitions/broken.sqlx", line: 4, column: 1 });
    expect(error.message).toContain("definitions/broken.sqlx:4:1: ");
  });

  it("an unknown config property, and an undefined name in the config block", () => {
    expect(compileWith("definitions/broken.sqlx", 'config {\n  type: "table",\n  bogus: "x",\n}\nselect 1 as a\n').problems[0]).toMatchObject({ line: 3, column: 3 });
    expect(compileWith("definitions/broken.sqlx", 'config {\n  type: "table",\n  tags: [nope],\n}\nselect 1 as a\n').problems[0]).toMatchObject({ line: 3, column: 10 });
  });

  it("a ref to nothing", () => {
    const error = compileWith("definitions/broken.sqlx", 'config { type: "table" }\n\nselect 1 as a from ${ref("no_such_table")}\n');
    expect(error.problems[0]).toMatchObject({ fileName: "definitions/broken.sqlx", line: 3, column: 27, message: 'Could not resolve "no_such_table"' });
  });

  it("a .js file, from its stack frame", () => {
    const error = compileWith("definitions/bad.js", "// a comment\n\nconst value = undefinedThing.y;\n");
    expect(error.problems[0]).toMatchObject({ fileName: "definitions/bad.js", line: 3, column: 15, message: "undefinedThing is not defined" });
  });
});

describe("a file name that is not the project's", () => {
  it("is replaced by the project file that quotes the name (core picked a frame of c360's own code)", () => {
    const projectDir = copyProject(EXAMPLE_PROJECT);
    fs.writeFileSync(path.join(projectDir, "definitions/uses.js"), 'publish("uses").query((ctx) => `select * from ${ctx.ref("no_such_table")}`);\n');
    const [problem] = locateCompilationProblems(projectDir, [{ fileName: "wc/c360/scripts/c360.ts", message: 'Could not resolve "no_such_table"' }], listProjectFiles(projectDir));
    expect(problem).toMatchObject({ fileName: "definitions/uses.js", line: 1, column: 58 });
    const [unknown] = locateCompilationProblems(projectDir, [{ fileName: "wc/c360/scripts/c360.ts", message: "something broke" }], listProjectFiles(projectDir));
    expect(unknown.fileName).toBe("");
  });
});
