/**
 * The slices of the ZetaSQL local service's protocol buffers that c360 sends and reads,
 * in the shape @grpc/proto-loader produces with `enums: String, oneofs: true,
 * defaults: true` (camelCase fields, enum values as their names).
 */

export interface TypeProto {
  typeKind: string;
  arrayType?: { elementType: TypeProto } | null;
  structType?: { field: { fieldName: string; fieldType: TypeProto }[] } | null;
  rangeType?: { elementType: TypeProto } | null;
}

export interface SimpleColumnProto {
  name: string;
  type: TypeProto;
}

export interface SimpleTableProto {
  name: string;
  column: SimpleColumnProto[];
}

export interface FunctionArgumentTypeProto {
  kind: string;
  type?: TypeProto;
  numOccurrences?: number;
  options?: { cardinality?: string };
}

export interface FunctionProto {
  namePath: string[];
  group: string;
  mode: "SCALAR" | "AGGREGATE" | "ANALYTIC";
  signature: { argument: FunctionArgumentTypeProto[]; returnType: FunctionArgumentTypeProto; contextId: number }[];
  options?: Record<string, unknown>;
}

export interface LanguageOptionsProto {
  enabledLanguageFeatures: string[];
  supportedStatementKinds: string[];
  productMode: "PRODUCT_EXTERNAL" | "PRODUCT_INTERNAL";
  nameResolutionMode: "NAME_RESOLUTION_DEFAULT" | "NAME_RESOLUTION_STRICT";
  reservedKeywords: string[];
}

export interface SimpleCatalogProto {
  name: string;
  table: SimpleTableProto[];
  catalog: SimpleCatalogProto[];
  namedType?: { name: string; type: TypeProto }[];
  customFunction?: FunctionProto[];
  builtinFunctionOptions?: { languageOptions: LanguageOptionsProto };
}

export interface AnalyzerOptionsProto {
  languageOptions: LanguageOptionsProto;
  errorMessageMode: "ERROR_MESSAGE_ONE_LINE" | "ERROR_MESSAGE_WITH_PAYLOAD" | "ERROR_MESSAGE_MULTI_LINE_WITH_CARET";
  defaultTimezone: string;
  expressionColumns?: { name: string; type: TypeProto }[];
}

export interface AnalyzeRequest {
  options: AnalyzerOptionsProto;
  simpleCatalog: SimpleCatalogProto;
  sqlStatement?: string;
  sqlExpression?: string;
  parseResumeLocation?: { input: string; bytePosition: number; allowResume: boolean };
}

/**
 * A resolved AST node as proto-loader decodes it: the `Any…` wrappers carry the name of the
 * set oneof in `node`, concrete nodes carry their base class's fields in `parent`.
 */
export type ResolvedNode = { [field: string]: unknown };

export interface AnalyzeResponse {
  result?: "resolvedStatement" | "resolvedExpression";
  resolvedStatement?: ResolvedNode | null;
  resolvedExpression?: ResolvedNode | null;
  resumeBytePosition?: number;
}

export interface ParseRequest {
  sqlStatement?: string;
  parseResumeLocation?: { input: string; bytePosition: number; allowResume: boolean };
  options: LanguageOptionsProto;
  allowScript: boolean;
}

export interface ParseResponse {
  result?: "parsedStatement" | "parsedScript";
}
