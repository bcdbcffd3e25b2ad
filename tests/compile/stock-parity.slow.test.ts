/**
 * The stock Dataform CLI itself (`dataform compile`, @dataform/cli from devDependencies), run
 * as a subprocess on the projects of the parity tests, about five seconds a run: slow, so run
 * by `npm run test:slow` (and CI), not `npm test`.
 * - It still prints exactly the graphs recorded in tests/fixtures/stock-compile/, which the
 *   everyday tests (stock-parity.test.ts, compile.test.ts) compare c360's compile with.
 *   After an upgrade of @dataform/cli or a change to those projects, `npx vitest run
 *   --project slow tests/compile/stock-parity.slow.test.ts -u` records them again.
 * - Its action count and its refusal of an old core, which the everyday tests expect of c360.
 * - This repository compiled by both, compared live (the repository changes too often to record).
 */
import { describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile/index.js";
import { copyProject, EXAMPLE_PROJECT, installDataformCore, REPO_ROOT } from "../helpers/project.js";
import { actionNames, actionFileNames } from "./graph-names.js";
import {
  EXAMPLE_VARS,
  PARITY_STOCK_ACTION_COUNT,
  parityCopy,
  parityCopyWithEverySetting,
  parityCopyWithOldCore,
  recordedFile,
  recordedText,
  stock,
  stockJson,
} from "./stock-compile.js";

describe("the stock dataform CLI prints what the parity tests recorded", () => {
  it("for the parity fixture", async () => {
    await expect(recordedText(stockJson(parityCopy()))).toMatchFileSnapshot(recordedFile("parity"));
  });

  it("for the parity fixture with every dataform.json key that stock core accepts", async () => {
    await expect(recordedText(stockJson(parityCopyWithEverySetting()))).toMatchFileSnapshot(recordedFile("parity-every-setting"));
  });

  it("for the example project", async () => {
    const projectDir = copyProject(EXAMPLE_PROJECT);
    installDataformCore(projectDir);
    await expect(recordedText(stockJson(projectDir, EXAMPLE_VARS))).toMatchFileSnapshot(recordedFile("example"));
  });

  it("the action count of the parity fixture (tables, assertions, operations; not declarations, tests or notebooks)", () => {
    const printed = stock(["compile", parityCopy()]);
    expect(printed.status).toBe(0);
    expect(Number(/Compiled (\d+) action\(s\)/.exec(printed.stdout)?.[1])).toBe(PARITY_STOCK_ACTION_COUNT);
  });

  it("refuses a project that installs @dataform/core 2.x, as c360 does", () => {
    const printed = stock(["compile", parityCopyWithOldCore(), "--json"]);
    expect(printed.status).not.toBe(0);
    expect(printed.stderr).toMatch(/@dataform\/core 2\.9\.0 is not compatible.*>= 3\.0\.0/);
  });
});

describe("this repository", () => {
  it("compiles with the stock dataform CLI to the same actions as c360's compile", () => {
    const projectDir = copyProject(REPO_ROOT);
    installDataformCore(projectDir);
    const vars = { dialect: "bigquery" };
    const ours = compileProject({ projectDir, vars });
    const stockGraph = stockJson(projectDir, vars) as ReturnType<typeof compileProject>;
    expect(actionNames(ours)).toEqual(actionNames(stockGraph));
    expect(actionFileNames(ours)).toEqual(actionFileNames(stockGraph));
    expect(actionFileNames(ours).some((entry) => entry.includes(":assertions/"))).toBe(true);
  });
});
