import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type CompileOptions, compileProjectWithWarnings } from "../../src/compile/index.js";
import { copyProject, EXAMPLE_PROJECT, installDataformCore } from "../helpers/project.js";

const VARS = { dialect: "duckdb" };
let cacheDir: string;
let previousCacheDir: string | undefined;
let projectDir: string;

beforeAll(() => {
  previousCacheDir = process.env.C360_CACHE_DIR;
});

afterAll(() => {
  if (previousCacheDir === undefined) delete process.env.C360_CACHE_DIR;
  else process.env.C360_CACHE_DIR = previousCacheDir;
});

beforeEach(() => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "c360-graph-cache-"));
  process.env.C360_CACHE_DIR = cacheDir;
  projectDir = copyProject(EXAMPLE_PROJECT, "c360-graph-cache-project-");
});

afterEach(() => {
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.rmSync(projectDir, { recursive: true, force: true });
});

function compile(options: Partial<CompileOptions> = {}) {
  return compileProjectWithWarnings({ projectDir, vars: VARS, ...options });
}

/** Compiles once to fill the cache, and checks that an unchanged project then reuses it. */
function compileTwice(): void {
  expect(compile().reusedGraph).toBe(false);
  expect(compile().reusedGraph).toBe(true);
}

function edit(file: string, change: (text: string) => string): void {
  const filePath = path.join(projectDir, file);
  fs.writeFileSync(filePath, change(fs.readFileSync(filePath, "utf8")));
}

function tableSql(graph: ReturnType<typeof compile>["graph"], name: string): string | undefined {
  return graph.tables?.find((table) => table.target.name === name)?.query;
}

function graphEntries(): string[] {
  const dir = path.join(cacheDir, "graph");
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((file) => path.join(dir, file)) : [];
}

describe("graph cache", () => {
  it("reuses the graph of an unchanged project, equal to a fresh compile", () => {
    const fresh = compile({ reuseGraph: false });
    compileTwice();
    const reused = compile();
    expect(reused.reusedGraph).toBe(true);
    expect(reused.graph).toStrictEqual(fresh.graph);
    expect(reused.warnings).toStrictEqual(fresh.warnings);
  });

  it("compiles again after a .sqlx changes, and sees the change", () => {
    compileTwice();
    edit("definitions/stg_orders.sqlx", (text) => text.replace("lower(status) as status", "upper(status) as status"));
    const changed = compile();
    expect(changed.reusedGraph).toBe(false);
    expect(tableSql(changed.graph, "stg_orders")).toContain("upper(status)");
    expect(compile().reusedGraph).toBe(true);
  });

  it("compiles again after an includes .js changes", () => {
    compileTwice();
    edit("includes/money.js", (text) => text.replace("decimal(38, 9)", "decimal(38, 6)"));
    const changed = compile();
    expect(changed.reusedGraph).toBe(false);
    expect(tableSql(changed.graph, "stg_orders")).toContain("decimal(38, 6)");
  });

  it("compiles again after a file is added to definitions/", () => {
    compileTwice();
    fs.writeFileSync(path.join(projectDir, "definitions/added.sqlx"), 'config { type: "view" }\nselect 1 as one\n');
    const changed = compile();
    expect(changed.reusedGraph).toBe(false);
    expect(tableSql(changed.graph, "added")).toContain("select 1 as one");
  });

  it("compiles again after a file is added in a new folder of includes/", () => {
    compileTwice();
    fs.mkdirSync(path.join(projectDir, "includes/more"));
    fs.writeFileSync(path.join(projectDir, "includes/more/extra.js"), "module.exports = {};\n");
    expect(compile().reusedGraph).toBe(false);
  });

  it("compiles again after a file is deleted", () => {
    compileTwice();
    fs.rmSync(path.join(projectDir, "definitions/revenue_report.sqlx"));
    const changed = compile();
    expect(changed.reusedGraph).toBe(false);
    expect(tableSql(changed.graph, "revenue_report")).toBeUndefined();
  });

  it("keeps one entry per vars and settings, and reuses each", () => {
    compileTwice();
    const other = compile({ vars: { ...VARS, fail_amount_check: "true" } });
    expect(other.reusedGraph).toBe(false);
    expect(compile({ vars: { ...VARS, fail_amount_check: "true" } }).reusedGraph).toBe(true);
    expect(compile().reusedGraph).toBe(true);
    expect(compile({ projectConfigOverride: { defaultDatabase: "elsewhere" } }).reusedGraph).toBe(false);
    // The order vars are given in does not matter.
    const twoVars = { fail_amount_check: "true", ...VARS };
    expect(compile({ vars: twoVars }).reusedGraph).toBe(true);
  });

  it("compiles again after dataform.json changes", () => {
    compileTwice();
    edit("dataform.json", (text) => text.replace('"defaultSchema": "shop"', '"defaultSchema": "store"'));
    const changed = compile();
    expect(changed.reusedGraph).toBe(false);
    expect(changed.graph.tables?.find((table) => table.target.name === "stg_orders")?.target.schema).toBe("store");
  });

  it("compiles again when the project installs its own @dataform/core, and when that core changes", () => {
    compileTwice();
    installDataformCore(projectDir);
    expect(compile().reusedGraph).toBe(false);
    expect(compile().reusedGraph).toBe(true);
    const bundle = path.join(projectDir, "node_modules/@dataform/core/bundle.js");
    fs.appendFileSync(bundle, "\n// another build of core\n");
    expect(compile().reusedGraph).toBe(false);
  });

  it("compiles again after a required file outside definitions/ or a required package changes", () => {
    fs.mkdirSync(path.join(projectDir, "lib"));
    fs.writeFileSync(path.join(projectDir, "lib/helper.js"), 'module.exports = { suffix: "_a" };\n');
    fs.mkdirSync(path.join(projectDir, "node_modules/naming"), { recursive: true });
    fs.writeFileSync(path.join(projectDir, "node_modules/naming/index.js"), 'module.exports = { prefix: "p_" };\n');
    fs.writeFileSync(
      path.join(projectDir, "definitions/named.js"),
      'const { suffix } = require("../lib/helper");\nconst { prefix } = require("naming");\npublish(prefix + "named" + suffix, { type: "view" }).query("select 1 as one");\n',
    );
    compileTwice();
    expect(compile().graph.tables?.some((table) => table.target.name === "p_named_a")).toBe(true);
    fs.writeFileSync(path.join(projectDir, "lib/helper.js"), 'module.exports = { suffix: "_b" };\n');
    const helperChanged = compile();
    expect(helperChanged.reusedGraph).toBe(false);
    expect(helperChanged.graph.tables?.some((table) => table.target.name === "p_named_b")).toBe(true);
    fs.writeFileSync(path.join(projectDir, "node_modules/naming/index.js"), 'module.exports = { prefix: "q_" };\n');
    const packageChanged = compile();
    expect(packageChanged.reusedGraph).toBe(false);
    expect(packageChanged.graph.tables?.some((table) => table.target.name === "q_named_b")).toBe(true);
  });

  it("compiles again when a new file would win a require's resolution", () => {
    fs.mkdirSync(path.join(projectDir, "lib"));
    fs.writeFileSync(path.join(projectDir, "lib/helper.js"), 'module.exports = { name: "from_js" };\n');
    fs.writeFileSync(path.join(projectDir, "definitions/named.js"), 'publish(require("../lib/helper").name, { type: "view" }).query("select 1 as one");\n');
    compileTwice();
    // Node's rules (and core's require) try the path as written before adding ".js".
    fs.writeFileSync(path.join(projectDir, "lib/helper"), 'module.exports = { name: "from_bare" };\n');
    const changed = compile();
    expect(changed.reusedGraph).toBe(false);
    expect(changed.graph.tables?.some((table) => table.target.name === "from_bare")).toBe(true);
  });

  it("compiles again when a .sqlx appears beside a required one, to warn that nothing requires it", () => {
    fs.mkdirSync(path.join(projectDir, "checks"));
    fs.writeFileSync(path.join(projectDir, "checks/first.sqlx"), 'config { type: "assertion" }\nselect 1 as one where false\n');
    fs.writeFileSync(path.join(projectDir, "definitions/checks.js"), 'require("../checks/first.sqlx");\n');
    compileTwice();
    expect(compile().warnings).toEqual([]);
    fs.writeFileSync(path.join(projectDir, "checks/second.sqlx"), 'config { type: "assertion" }\nselect 1 as one where false\n');
    const changed = compile();
    expect(changed.reusedGraph).toBe(false);
    expect(changed.warnings).toEqual([expect.stringContaining("checks/second.sqlx is not compiled")]);
  });

  it("ignores a cut-short or garbled entry, and replaces it", () => {
    compileTwice();
    const fresh = compile({ reuseGraph: false });
    const entries = graphEntries();
    expect(entries).toHaveLength(1);
    const entry = fs.readFileSync(entries[0], "utf8");
    fs.writeFileSync(entries[0], entry.slice(0, Math.floor(entry.length / 2)));
    const afterCut = compile();
    expect(afterCut.reusedGraph).toBe(false);
    expect(afterCut.graph).toStrictEqual(fresh.graph);
    expect(compile().reusedGraph).toBe(true);
    fs.writeFileSync(entries[0], JSON.stringify({ format: 1, key: "another", graph: {}, warnings: [] }));
    expect(compile().reusedGraph).toBe(false);
    fs.writeFileSync(entries[0], Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
    expect(compile().reusedGraph).toBe(false);
    expect(compile().reusedGraph).toBe(true);
  });

  it("does not store a compile whose project code reads the clock or draws a random number", () => {
    for (const code of ["Date.now()", "new Date().getTime()", "Math.random()"]) {
      fs.writeFileSync(path.join(projectDir, "includes/clock.js"), `module.exports = { seed: ${code} };\n`);
      expect(compile().reusedGraph).toBe(false);
      expect(compile().reusedGraph).toBe(false);
    }
    // A date built from a value is a function of the files.
    fs.writeFileSync(path.join(projectDir, "includes/clock.js"), 'module.exports = { day: new Date("2024-06-30T00:00:00Z").getTime() };\n');
    compileTwice();
  });

  it("does not store a compile whose project code prints (a reused graph would print nothing)", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      fs.writeFileSync(path.join(projectDir, "includes/chatty.js"), 'console.log("compiling");\nmodule.exports = {};\n');
      expect(compile().reusedGraph).toBe(false);
      expect(compile().reusedGraph).toBe(false);
      expect(log).toHaveBeenCalledWith("compiling");
    } finally {
      log.mockRestore();
    }
  });

  it("does not store a compile that fails", () => {
    edit("definitions/stg_orders.sqlx", (text) => text.replace("config {", "config { not valid"));
    expect(() => compile()).toThrow();
    expect(graphEntries()).toEqual([]);
  });

  it("is off with C360_CACHE_DIR=off", () => {
    process.env.C360_CACHE_DIR = "off";
    try {
      expect(compile().reusedGraph).toBe(false);
      expect(compile().reusedGraph).toBe(false);
    } finally {
      process.env.C360_CACHE_DIR = cacheDir;
    }
  });
});
