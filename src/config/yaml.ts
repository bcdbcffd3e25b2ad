/**
 * YAML parsing (workflow_settings.yaml), loaded on first use: most projects have a
 * dataform.json instead, and a command should not load a YAML parser it does not need.
 */
import { createRequire } from "node:module";
import type JsYaml from "js-yaml";

const nodeRequire = createRequire(import.meta.url);
let parser: typeof JsYaml | undefined;

export function loadYaml(text: string): unknown {
  parser ??= nodeRequire("js-yaml") as typeof JsYaml;
  return parser.load(text);
}
