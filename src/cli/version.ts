import fs from "node:fs";

/** The version in package.json (two levels up from src/cli/ and from the compiled dist/cli/). */
export function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return manifest.version;
}

/** Whether the arguments ask only for the version (`c360 --version`, `c360 -v`). */
export function asksForVersion(argv: readonly string[]): boolean {
  return argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v");
}
