/** Validates config files against the JSON Schemas kept in src/config/schemas (ajv). */
import fs from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Ajv as AjvType, ErrorObject, ValidateFunction } from "ajv";
import { cacheKey, readCache, writeCache } from "../compile/disk-cache.js";
import { ConfigError } from "../errors.js";

// ajv loads and compiles a schema in about 0.15 s: only when a config file is new to the cache.
const nodeRequire = createRequire(import.meta.url);
let ajv: AjvType | undefined;
const validators = new Map<string, ValidateFunction>();

function schemaFile(schema: SchemaName): string {
  // Two levels up is the repository root both from src/config/ and from the bundled
  // dist/cli/, so the schemas are read from src/ in either case.
  return fileURLToPath(new URL(`../../src/config/schemas/${schema}.schema.json`, import.meta.url));
}

export type SchemaName = "c360" | "dataform" | "dashboard" | "docs-site";

function validatorFor(schema: SchemaName): ValidateFunction {
  let validator = validators.get(schema);
  if (!validator) {
    if (!ajv) {
      const { Ajv } = nodeRequire("ajv") as typeof import("ajv");
      ajv = new Ajv({ allErrors: true, strict: true });
    }
    validator = ajv.compile(JSON.parse(fs.readFileSync(schemaFile(schema), "utf8")));
    validators.set(schema, validator);
  }
  return validator;
}

/** "/targets/local/threads must be >= 1" style messages, with the JSON path of each problem. */
export function describeProblem(error: ErrorObject): string {
  const where = error.instancePath || "/";
  switch (error.keyword) {
    case "additionalProperties":
      return `${where}: unknown key '${String(error.params.additionalProperty)}'`;
    case "required":
      return `${where}: missing required key '${String(error.params.missingProperty)}'`;
    case "enum":
      return `${where}: must be one of ${(error.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(", ")}`;
    case "false schema":
      return `${where}: not allowed here`;
    case "const":
      return `${where}: must be ${JSON.stringify(error.params.allowedValue)}`;
    default:
      return `${where}: ${error.message ?? "is invalid"}`;
  }
}

/** Parses and validates a JSON config file; throws ConfigError naming the file and JSON paths. */
export function readValidatedJson<T>(file: string, schema: SchemaName): T {
  let value: unknown;
  const text = fs.readFileSync(file, "utf8");
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  // The same text against the same schema passed before: it passes again.
  const passedKey = cacheKey("valid-config", schema, fs.readFileSync(schemaFile(schema)), text);
  if (readCache("config", passedKey)) return value as T;
  const validate = validatorFor(schema);
  if (!validate(value)) {
    // An "if" error only repeats that its "then" failed; the "then" errors say why.
    const problems = [...new Set((validate.errors ?? []).filter((error) => error.keyword !== "if").map(describeProblem))];
    throw new ConfigError(file, problems);
  }
  writeCache("config", passedKey, "valid\n");
  return value as T;
}
