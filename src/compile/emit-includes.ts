/**
 * Macros are authored in TypeScript (includes/ts/*.ts) but Dataform loads plain
 * JavaScript from the top level of includes/, each file as a global named after it. This
 * emits includes/<name>.js from includes/ts/<name>.ts (CommonJS, as Dataform requires
 * them); the emitted files are committed so stock Dataform compiles the repository.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

export const GENERATED_HEADER = "// Generated from includes/ts/%s by `npm run build:includes`. Do not edit: edit the TypeScript.\n";

export interface EmittedInclude {
  source: string;
  output: string;
  content: string;
}

export function emitIncludes(projectDir: string): EmittedInclude[] {
  const sourceDir = path.join(projectDir, "includes", "ts");
  if (!fs.existsSync(sourceDir)) return [];
  return fs
    .readdirSync(sourceDir)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .sort()
    .map((file) => {
      const source = path.join(sourceDir, file);
      const result = ts.transpileModule(fs.readFileSync(source, "utf8"), {
        fileName: file,
        reportDiagnostics: true,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2019, removeComments: false, esModuleInterop: false },
      });
      const errors = (result.diagnostics ?? []).filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
      if (errors.length > 0) {
        throw new Error(`${source}: ${errors.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")).join("; ")}`);
      }
      // Requires of sibling modules keep working from includes/ (the emitted files sit there).
      const content = GENERATED_HEADER.replace("%s", file) + result.outputText.replace(/require\("\.\/([\w-]+)\.js"\)/g, 'require("./$1")');
      return { source, output: path.join(projectDir, "includes", file.replace(/\.ts$/, ".js")), content };
    });
}

/** Writes the emitted files; returns the ones whose content changed. */
export function writeIncludes(projectDir: string): string[] {
  const changed: string[] = [];
  for (const include of emitIncludes(projectDir)) {
    const current = fs.existsSync(include.output) ? fs.readFileSync(include.output, "utf8") : undefined;
    if (current === include.content) continue;
    fs.writeFileSync(include.output, include.content);
    changed.push(path.relative(projectDir, include.output));
  }
  return changed;
}

/** Emitted files that differ from what the TypeScript would emit now. */
export function staleIncludes(projectDir: string): string[] {
  return emitIncludes(projectDir)
    .filter((include) => !fs.existsSync(include.output) || fs.readFileSync(include.output, "utf8") !== include.content)
    .map((include) => path.relative(projectDir, include.output));
}
