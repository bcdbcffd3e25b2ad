/** Validates config files against the JSON Schemas kept in src/config/schemas (ajv). */
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { ConfigError } from "../errors.js";

const ajv = new Ajv({ allErrors: true, strict: true });
const validators = new Map<string, ValidateFunction>();

export type SchemaName = "c360" | "dataform" | "dashboard" | "docs-site";

function validatorFor(schema: SchemaName): ValidateFunction {
  let validator = validators.get(schema);
  if (!validator) {
    const file = fileURLToPath(new URL(`./schemas/${schema}.schema.json`, import.meta.url));
    validator = ajv.compile(JSON.parse(fs.readFileSync(file, "utf8")));
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
    case "const":
      return `${where}: must be ${JSON.stringify(error.params.allowedValue)}`;
    default:
      return `${where}: ${error.message ?? "is invalid"}`;
  }
}

/** Parses and validates a JSON config file; throws ConfigError naming the file and JSON paths. */
export function readValidatedJson<T>(file: string, schema: SchemaName): T {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(file, [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const validate = validatorFor(schema);
  if (!validate(value)) {
    // An "if" error only repeats that its "then" failed; the "then" errors say why.
    const problems = [...new Set((validate.errors ?? []).filter((error) => error.keyword !== "if").map(describeProblem))];
    throw new ConfigError(file, problems);
  }
  return value as T;
}
