/**
 * BigQuery type names ↔ ZetaSQL TypeProto. Names are written the way BigQuery's
 * INFORMATION_SCHEMA writes them (INT64, ARRAY<STRING>, STRUCT<a INT64, b STRING>), so the
 * analyzer's output schema reads like the warehouse's.
 */
import type { TypeProto } from "./protos.js";

const KIND_BY_NAME: Record<string, string> = {
  INT64: "TYPE_INT64",
  FLOAT64: "TYPE_DOUBLE",
  BOOL: "TYPE_BOOL",
  STRING: "TYPE_STRING",
  BYTES: "TYPE_BYTES",
  DATE: "TYPE_DATE",
  DATETIME: "TYPE_DATETIME",
  TIME: "TYPE_TIME",
  TIMESTAMP: "TYPE_TIMESTAMP",
  NUMERIC: "TYPE_NUMERIC",
  BIGNUMERIC: "TYPE_BIGNUMERIC",
  JSON: "TYPE_JSON",
  GEOGRAPHY: "TYPE_GEOGRAPHY",
  INTERVAL: "TYPE_INTERVAL",
};

/** BigQuery's aliases (the analyzer's catalog knows them as named types, see bigquery-language.ts). */
export const TYPE_ALIASES: Record<string, string> = {
  INT: "INT64",
  INTEGER: "INT64",
  BIGINT: "INT64",
  SMALLINT: "INT64",
  TINYINT: "INT64",
  BYTEINT: "INT64",
  FLOAT: "FLOAT64",
  BOOLEAN: "BOOL",
  DECIMAL: "NUMERIC",
  BIGDECIMAL: "BIGNUMERIC",
  RECORD: "STRUCT",
};

const NAME_BY_KIND = Object.fromEntries(Object.entries(KIND_BY_NAME).map(([name, kind]) => [kind, name]));

export function simpleType(name: string): TypeProto {
  const canonical = TYPE_ALIASES[name.toUpperCase()] ?? name.toUpperCase();
  const kind = KIND_BY_NAME[canonical];
  if (!kind) throw new Error(`Unknown BigQuery type ${name}`);
  return { typeKind: kind };
}

export function typeName(type: TypeProto): string {
  switch (type.typeKind) {
    case "TYPE_ARRAY":
      return `ARRAY<${typeName(type.arrayType!.elementType)}>`;
    case "TYPE_STRUCT":
      return `STRUCT<${type.structType!.field.map((field) => `${field.fieldName} ${typeName(field.fieldType)}`).join(", ")}>`;
    case "TYPE_RANGE":
      return `RANGE<${typeName(type.rangeType!.elementType)}>`;
    default:
      return NAME_BY_KIND[type.typeKind] ?? type.typeKind.replace(/^TYPE_/, "");
  }
}

/** Only the fields the service needs: decoded protos carry many empty ones. */
export function compactType(type: TypeProto): TypeProto {
  switch (type.typeKind) {
    case "TYPE_ARRAY":
      return { typeKind: type.typeKind, arrayType: { elementType: compactType(type.arrayType!.elementType) } };
    case "TYPE_STRUCT":
      return {
        typeKind: type.typeKind,
        structType: { field: type.structType!.field.map((field) => ({ fieldName: field.fieldName, fieldType: compactType(field.fieldType) })) },
      };
    case "TYPE_RANGE":
      return { typeKind: type.typeKind, rangeType: { elementType: compactType(type.rangeType!.elementType) } };
    default:
      return { typeKind: type.typeKind };
  }
}

/**
 * Parses a BigQuery type as written in DDL or INFORMATION_SCHEMA: simple names and their
 * aliases, parameters (STRING(10), NUMERIC(38, 9)) which do not change the type, and
 * ARRAY<…>, STRUCT<name type, …>, RANGE<…>.
 */
export function parseTypeName(text: string): TypeProto {
  const tokens = text.match(/[A-Za-z_][A-Za-z0-9_]*|`[^`]*`|\d+|[<>(),]/g) ?? [];
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const next = (): string => {
    const token = tokens[position++];
    if (token === undefined) throw new Error(`Unexpected end of type ${text}`);
    return token;
  };
  const expect = (token: string): void => {
    const actual = next();
    if (actual !== token) throw new Error(`Expected ${token} but got ${actual} in type ${text}`);
  };
  const parse = (): TypeProto => {
    const name = next().toUpperCase();
    const canonical = TYPE_ALIASES[name] ?? name;
    if (canonical === "ARRAY" || canonical === "RANGE") {
      expect("<");
      const elementType = parse();
      expect(">");
      return canonical === "ARRAY" ? { typeKind: "TYPE_ARRAY", arrayType: { elementType } } : { typeKind: "TYPE_RANGE", rangeType: { elementType } };
    }
    if (canonical === "STRUCT") {
      expect("<");
      const field: { fieldName: string; fieldType: TypeProto }[] = [];
      while (peek() !== ">") {
        const fieldName = next().replace(/^`|`$/g, "");
        field.push({ fieldName, fieldType: parse() });
        if (peek() === ",") next();
      }
      expect(">");
      return { typeKind: "TYPE_STRUCT", structType: { field } };
    }
    if (peek() === "(") {
      while (next() !== ")");
    }
    return simpleType(canonical);
  };
  const type = parse();
  if (position !== tokens.length) throw new Error(`Unexpected ${tokens[position]} in type ${text}`);
  return type;
}
