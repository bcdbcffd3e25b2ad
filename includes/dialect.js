// Generated from includes/ts/dialect.ts by `npm run build:includes`. Do not edit: edit the TypeScript.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.current = current;
exports.compileVar = compileVar;
exports.stringLiteral = stringLiteral;
exports.regexLiteral = regexLiteral;
exports.typeName = typeName;
exports.createTableIfAbsent = createTableIfAbsent;
exports.cast = cast;
exports.safeCast = safeCast;
exports.safeCastDecimal = safeCastDecimal;
exports.safeCastInt64 = safeCastInt64;
exports.typedNull = typedNull;
exports.regexpContains = regexpContains;
exports.regexpReplace = regexpReplace;
exports.regexpExtract = regexpExtract;
exports.safeParseTimestamp = safeParseTimestamp;
exports.safeParseDate = safeParseDate;
exports.addMicroseconds = addMicroseconds;
exports.addMinutes = addMinutes;
exports.addDays = addDays;
exports.dateDiffDays = dateDiffDays;
exports.timestampDiffSeconds = timestampDiffSeconds;
exports.dateOf = dateOf;
exports.timestampOfDate = timestampOfDate;
exports.timestampLiteral = timestampLiteral;
exports.dateLiteral = dateLiteral;
exports.md5Hex = md5Hex;
exports.fingerprint = fingerprint;
exports.parseJson = parseJson;
exports.jsonType = jsonType;
exports.jsonText = jsonText;
exports.jsonFragment = jsonFragment;
exports.jsonPick = jsonPick;
exports.jsonPicked = jsonPicked;
exports.jsonObjectText = jsonObjectText;
exports.inlinedCte = inlinedCte;
exports.materializedCte = materializedCte;
exports.fewValues = fewValues;
exports.arrayAgg = arrayAgg;
exports.firstInOrder = firstInOrder;
exports.valueAtMinimum = valueAtMinimum;
exports.arrayLength = arrayLength;
exports.roundedDivide = roundedDivide;
exports.roundedDivideIntegers = roundedDivideIntegers;
exports.roundedDivideByInteger = roundedDivideByInteger;
const DIALECTS = ["duckdb", "bigquery"];
/** The dialect to render: the explicit one, else the compile var `dialect`, else BigQuery (dataform.json's default). */
function current(explicit) {
    var _a, _b;
    if (explicit !== undefined)
        return checked(explicit);
    const fromVars = typeof dataform === "undefined" ? undefined : (_b = (_a = dataform === null || dataform === void 0 ? void 0 : dataform.projectConfig) === null || _a === void 0 ? void 0 : _a.vars) === null || _b === void 0 ? void 0 : _b.dialect;
    return fromVars === undefined || fromVars === "" ? "bigquery" : checked(fromVars);
}
function checked(value) {
    if (!DIALECTS.includes(value)) {
        throw new Error(`dialect must be one of ${DIALECTS.join(", ")} (compile var "dialect"), got "${value}"`);
    }
    return value;
}
/** A compile var as text (undefined when not set); the var map of the running compile. */
function compileVar(name) {
    var _a, _b;
    if (typeof dataform === "undefined")
        return undefined;
    const value = (_b = (_a = dataform === null || dataform === void 0 ? void 0 : dataform.projectConfig) === null || _a === void 0 ? void 0 : _a.vars) === null || _b === void 0 ? void 0 : _b[name];
    return value === undefined || value === "" ? undefined : String(value);
}
// ---------------------------------------------------------------------------------------
// Literals and types
/** A string literal; quotes doubled on DuckDB, backslash-escaped on BigQuery. */
function stringLiteral(text, dialect) {
    if (current(dialect) === "duckdb")
        return `'${text.replaceAll("'", "''")}'`;
    return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'").replaceAll("\n", "\\n").replaceAll("\r", "\\r")}'`;
}
/** A regular-expression literal: a raw string on BigQuery, a plain string on DuckDB (which does not process backslashes). */
function regexLiteral(pattern, dialect) {
    if (pattern.includes("'"))
        throw new Error(`regular expression must not contain a single quote: ${pattern}`);
    return current(dialect) === "duckdb" ? `'${pattern}'` : `r'${pattern}'`;
}
/**
 * Type names. decimal is exact money: DECIMAL(38, 9) on DuckDB, NUMERIC on BigQuery (the same
 * precision and scale). timestamp is an instant in UTC: BigQuery TIMESTAMP; on DuckDB a
 * TIMESTAMP holding the UTC wall time (sessions run in UTC).
 */
function typeName(kind, dialect) {
    const duckdb = current(dialect) === "duckdb";
    switch (kind) {
        case "string":
            return duckdb ? "varchar" : "string";
        case "int64":
            return duckdb ? "bigint" : "int64";
        case "float64":
            return duckdb ? "double" : "float64";
        case "bool":
            return duckdb ? "boolean" : "bool";
        case "date":
            return "date";
        case "timestamp":
            return "timestamp";
        case "decimal":
            return duckdb ? "decimal(38, 9)" : "numeric";
    }
}
/**
 * `create table if not exists` with these columns: the empty state tables that a build's
 * save operation later fills, created where they are missing so a first build can read them.
 */
function createTableIfAbsent(table, columns, dialect) {
    const definitions = Object.entries(columns).map(([column, kind]) => `${column} ${typeName(kind, dialect)}`);
    return `create table if not exists ${table} (\n  ${definitions.join(",\n  ")}\n)`;
}
/** cast(expression as <kind>): fails the query on a bad value. */
function cast(expression, kind, dialect) {
    return `cast(${expression} as ${typeName(kind, dialect)})`;
}
/** Cast that yields null instead of failing (try_cast / safe_cast). */
function safeCast(expression, kind, dialect) {
    const d = current(dialect);
    if (d === "duckdb" && kind === "decimal") {
        // DuckDB parses text into DECIMAL(38, 9) (a 128-bit integer) some 50 times slower than
        // into DECIMAL(18, 9); the wide parse runs only for values beyond 10^9, with the same rounding.
        return `coalesce(cast(try_cast(${expression} as decimal(18, 9)) as decimal(38, 9)), try_cast(${expression} as decimal(38, 9)))`;
    }
    return `${d === "duckdb" ? "try_cast" : "safe_cast"}(${expression} as ${typeName(kind, d)})`;
}
function safeCastDecimal(expression, dialect) {
    return safeCast(expression, "decimal", dialect);
}
function safeCastInt64(expression, dialect) {
    return safeCast(expression, "int64", dialect);
}
/** A typed null (for union branches and placeholder columns). */
function typedNull(kind, dialect) {
    return cast("null", kind, dialect);
}
// ---------------------------------------------------------------------------------------
// Regular expressions (RE2 on both engines)
/** True when the pattern matches anywhere in the text (null for null text). */
function regexpContains(expression, pattern, dialect) {
    const d = current(dialect);
    return d === "duckdb" ? `regexp_matches(${expression}, ${regexLiteral(pattern, d)})` : `regexp_contains(${expression}, ${regexLiteral(pattern, d)})`;
}
/** Replaces every match; `replacement` may use \1 for groups. */
function regexpReplace(expression, pattern, replacement, dialect) {
    const d = current(dialect);
    if (replacement.includes("'"))
        throw new Error(`regexp replacement must not contain a single quote: ${replacement}`);
    return d === "duckdb"
        ? `regexp_replace(${expression}, ${regexLiteral(pattern, d)}, '${replacement}', 'g')`
        : `regexp_replace(${expression}, ${regexLiteral(pattern, d)}, r'${replacement}')`;
}
/** The first capturing group of the first match, null when there is no match (DuckDB alone would give ''). */
function regexpExtract(expression, pattern, dialect) {
    const d = current(dialect);
    if (d === "bigquery")
        return `regexp_extract(${expression}, ${regexLiteral(pattern, d)})`;
    return `case when ${regexpContains(expression, pattern, d)} then regexp_extract(${expression}, ${regexLiteral(pattern, d)}, 1) end`;
}
// ---------------------------------------------------------------------------------------
// Dates and timestamps
/** Parses text with a strftime format; null when it does not match or is not a real date/time. Result: timestamp (UTC). */
function safeParseTimestamp(expression, format, dialect) {
    const d = current(dialect);
    return d === "duckdb" ? `try_strptime(${expression}, ${stringLiteral(format, d)})` : `safe.parse_timestamp(${stringLiteral(format, d)}, ${expression}, 'UTC')`;
}
/** Parses text with a strftime format into a date; null when it is not a real date. */
function safeParseDate(expression, format, dialect) {
    const d = current(dialect);
    return d === "duckdb" ? `cast(try_strptime(${expression}, ${stringLiteral(format, d)}) as date)` : `safe.parse_date(${stringLiteral(format, d)}, ${expression})`;
}
/** timestamp + an integer number of microseconds. */
function addMicroseconds(timestamp, microseconds, dialect) {
    return current(dialect) === "duckdb" ? `(${timestamp} + to_microseconds(${microseconds}))` : `timestamp_add(${timestamp}, interval ${microseconds} microsecond)`;
}
/** timestamp + an integer number of minutes (negative subtracts). */
function addMinutes(timestamp, minutes, dialect) {
    return current(dialect) === "duckdb" ? `(${timestamp} + to_minutes(${minutes}))` : `timestamp_add(${timestamp}, interval ${minutes} minute)`;
}
/** date + an integer number of days. */
function addDays(date, days, dialect) {
    return current(dialect) === "duckdb" ? `cast(${date} + to_days(${days}) as date)` : `date_add(${date}, interval ${days} day)`;
}
/** Whole days from `earlier` to `later` (dates). */
function dateDiffDays(later, earlier, dialect) {
    return current(dialect) === "duckdb" ? `date_diff('day', ${earlier}, ${later})` : `date_diff(${later}, ${earlier}, day)`;
}
/** Whole seconds from `earlier` to `later` (timestamps), truncated like BigQuery's timestamp_diff. */
function timestampDiffSeconds(later, earlier, dialect) {
    return current(dialect) === "duckdb"
        ? `cast(trunc((epoch_us(${later}) - epoch_us(${earlier})) / 1000000) as bigint)`
        : `timestamp_diff(${later}, ${earlier}, second)`;
}
/** The UTC date of a timestamp. */
function dateOf(timestamp, dialect) {
    return current(dialect) === "duckdb" ? `cast(${timestamp} as date)` : `date(${timestamp}, 'UTC')`;
}
/** Midnight UTC at the start of a date, as a timestamp. */
function timestampOfDate(date, dialect) {
    return current(dialect) === "duckdb" ? `cast(${date} as timestamp)` : `timestamp(${date}, 'UTC')`;
}
/** A timestamp literal (UTC) from text `YYYY-MM-DD HH:MM:SS[.ffffff]`. */
function timestampLiteral(text, dialect) {
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(text))
        throw new Error(`not a timestamp literal: ${text}`);
    return current(dialect) === "duckdb" ? `timestamp '${text}'` : `timestamp '${text}+00'`;
}
/** A date literal from text `YYYY-MM-DD`. */
function dateLiteral(text, _dialect) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text))
        throw new Error(`not a date literal: ${text}`);
    return `date '${text}'`;
}
// ---------------------------------------------------------------------------------------
// Hashing
/** Lower-case hex MD5 of a text. */
function md5Hex(expression, dialect) {
    return current(dialect) === "duckdb" ? `md5(${expression})` : `to_hex(md5(${expression}))`;
}
/**
 * A 64-bit hash of a row's values (nulls included), to group or join wide keys by an integer
 * first. Two different keys may share one: use it to find candidates, then compare the keys.
 */
function fingerprint(expressions, dialect) {
    return current(dialect) === "duckdb" ? `hash(${expressions.join(", ")})` : `farm_fingerprint(to_json_string(struct(${expressions.join(", ")})))`;
}
// ---------------------------------------------------------------------------------------
// JSON: parse once into a column with parseJson, then read it with the helpers below.
/**
 * The parsed JSON of a text, or null when the text is not valid JSON (a JSON `null` parses
 * to a non-null value). On DuckDB it is the valid text itself: DuckDB's JSON is text that
 * every function parses again, so json() (parse, then write minified) only added a parse of
 * every line; the helpers below read the text and write what they return minified.
 */
function parseJson(text, dialect) {
    const d = current(dialect);
    const strict = strictJsonCondition(text, d);
    // BigQuery's default wide_number_mode 'exact' rejects numbers a float64 cannot hold exactly.
    return d === "duckdb" ? `case when json_valid(${text}) and ${strict} then ${text} end` : `case when ${strict} then safe.parse_json(${text}, wide_number_mode => 'round') end`;
}
/** JSON whitespace (RFC 8259), and NaN or Infinity in any case, signed or not, as DuckDB's json_valid takes them. */
const JSON_SPACE = String.raw `[ \t\n\r]*`;
const NAN_OR_INFINITY = String.raw `-?([Nn][Aa][Nn]|[Ii][Nn][Ff])`;
/**
 * What a lenient parser accepts and RFC 8259 does not, once the text is otherwise JSON: a
 * comma before a closing bracket, and NaN or Infinity where a value goes (DuckDB's
 * json_valid takes both). Comments, single quotes and the other extensions are refused by
 * both engines' parsers already (tests/staging/strict-json.test.ts). One pattern per
 * character a match starts with: RE2 then skips to that character, and the check costs about
 * as much as json_valid itself; one pattern starting with any of them cost 5 times as much.
 */
const LENIENT_JSON_PATTERNS = [
    String.raw `,${JSON_SPACE}([\]}]|${NAN_OR_INFINITY})`,
    String.raw `:${JSON_SPACE}${NAN_OR_INFINITY}`,
    String.raw `\[${JSON_SPACE}${NAN_OR_INFINITY}`,
    String.raw `^${JSON_SPACE}${NAN_OR_INFINITY}`,
];
/**
 * A JSON string literal (escapes included): its content cannot hold structure. The
 * backslash is spelled \x5c: a doubled backslash would be read as an escape where SQL
 * written for BigQuery runs on DuckDB (src/engines/duckdb/references.ts).
 */
const JSON_STRING = String.raw `"(\x5c.|[^"\x5c])*"`;
/**
 * True when the text holds none of the lenient extras outside its string literals (on every
 * engine alike, so no engine's lenient parser decides what is JSON: SOURCES.md). Only a
 * line where an extra's pattern appears at all, nearly always inside a string, has its
 * strings blanked and is looked at again.
 */
function strictJsonCondition(text, dialect) {
    const anyLenient = (expression) => `(${LENIENT_JSON_PATTERNS.map((pattern) => regexpContains(expression, pattern, dialect)).join(" or ")})`;
    return `(not ${anyLenient(text)} or not ${anyLenient(regexpReplace(text, JSON_STRING, '""', dialect))})`;
}
function jsonPathLiteral(path, dialect) {
    if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(path))
        throw new Error(`unsupported JSON path: ${path}`);
    return stringLiteral(path, dialect);
}
/**
 * The JSON type at `path` of a parsed JSON value: 'object', 'array', 'string', 'number',
 * 'boolean' or 'null'; SQL null when the path is absent (or the JSON is null).
 */
function jsonType(json, path = "$", dialect) {
    const d = current(dialect);
    const p = jsonPathLiteral(path, d);
    if (d === "bigquery")
        return `json_type(json_query(${json}, ${p}))`;
    const typeName = `case json_type(${json}, ${p}) when 'OBJECT' then 'object' when 'ARRAY' then 'array' when 'VARCHAR' then 'string' ` +
        `when 'BOOLEAN' then 'boolean' when 'NULL' then 'null' when 'BIGINT' then 'number' when 'UBIGINT' then 'number' ` +
        `when 'DOUBLE' then 'number' when 'HUGEINT' then 'number' end`;
    // Valid JSON text that starts with { is an object: most documents do, and need no parse to say so.
    return path === "$" ? `case when starts_with(${json}, '{') then 'object' else ${typeName} end` : typeName;
}
/** Valid JSON text that is an object, an array or null: its first character after JSON whitespace is {, [ or n. */
const OBJECT_ARRAY_OR_NULL = String.raw `^[ \t\n\r]*[{\[n]`;
/** A scalar at `path` as text (strings unescaped, numbers and booleans as written); null for absent, null, objects and arrays. */
function jsonText(json, path, dialect) {
    const d = current(dialect);
    const p = jsonPathLiteral(path, d);
    if (d === "bigquery")
        return `json_value(${json}, ${p})`;
    // A whole value's first character after JSON whitespace names its type: one pattern test
    // instead of a second parse (DuckDB's JSON is text).
    if (path === "$")
        return `case when regexp_matches(${json}, '${OBJECT_ARRAY_OR_NULL}') then null else json_extract_string(${json}, '$') end`;
    // Every scalar type but null; a case rather than an in-list, which DuckDB runs as a join per call.
    return `case json_type(${json}, ${p}) when 'OBJECT' then null when 'ARRAY' then null when 'NULL' then null else json_extract_string(${json}, ${p}) end`;
}
/** The JSON text of the value at `path` (any type); null when absent. */
function jsonFragment(json, path, dialect) {
    const d = current(dialect);
    const p = jsonPathLiteral(path, d);
    return d === "duckdb" ? `cast(json_extract(${json}, ${p}) as varchar)` : `to_json_string(json_query(${json}, ${p}))`;
}
/**
 * Reads several paths of a parsed JSON value at once, for jsonPicked: on DuckDB, whose JSON
 * is text that every extraction parses again, one json_extract of all paths (a list of
 * their JSON values) so a wide line is parsed once; on BigQuery, whose JSON is already
 * parsed, the value itself.
 */
function jsonPick(json, paths, dialect) {
    const d = current(dialect);
    const literals = paths.map((path) => jsonPathLiteral(path, d));
    return d === "duckdb" ? `json_extract(${json}, [${literals.join(", ")}])` : json;
}
/**
 * The JSON value at `path` (one of `paths`) of a jsonPick result, null when absent; read
 * it with the helpers above at path "$".
 */
function jsonPicked(picked, paths, path, dialect) {
    const d = current(dialect);
    const index = paths.indexOf(path);
    if (index < 0)
        throw new Error(`JSON path ${path} is not one of the picked paths ${paths.join(", ")}`);
    return d === "duckdb" ? `${picked}[${index + 1}]` : `json_query(${picked}, ${jsonPathLiteral(path, d)})`;
}
/** The JSON text of an object with the given keys (in order) and SQL values (null → JSON null). */
function jsonObjectText(entries, dialect) {
    const d = current(dialect);
    for (const [key] of entries)
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
            throw new Error(`unsupported JSON key: ${key}`);
    if (d === "duckdb")
        return `cast(json_object(${entries.map(([key, value]) => `'${key}', ${value}`).join(", ")}) as varchar)`;
    return `to_json_string(struct(${entries.map(([key, value]) => `${value} as ${key}`).join(", ")}))`;
}
// ---------------------------------------------------------------------------------------
// Query shape
/**
 * Written between a CTE's name and its body (`name as ${dialect.inlinedCte()} (select …)`):
 * the CTE is computed where it is read instead of once into a buffer. DuckDB materialises a
 * CTE read more than once; for a wide CTE over millions of rows that buffer spills to disk
 * and costs more than computing again the few columns a second reader needs. BigQuery
 * always inlines non-recursive CTEs, so there it is empty.
 */
function inlinedCte(dialect) {
    return current(dialect) === "duckdb" ? "not materialized" : "";
}
/**
 * Written between a CTE's name and its body (`name as ${dialect.materializedCte()} (select …)`):
 * the CTE is computed once into a buffer before its readers run. DuckDB then joins it with its
 * real size known; a recursive CTE's estimate can be so large that the planner builds a join's
 * hash table on the other, far larger side. BigQuery has no such keyword: empty there.
 */
function materializedCte(dialect) {
    return current(dialect) === "duckdb" ? "materialized" : "";
}
/**
 * A subquery of the values of `column` in `query`, for `expression in (…)` when the values are
 * few (none to thousands) and the rows tested are many. DuckDB estimates a filtered scan or a
 * DISTINCT at about the size of the table it reads, and for such a set then built the semi
 * join's hash table on the other side instead: at 1 M persons, 10 M accepted order ids hashed
 * to be probed by an empty set (4 CPU-s). Gathered into one list and unnested, the values are
 * estimated at one row, so DuckDB hashes them and probes with the many (or skips the probe when
 * there are none). Nulls stay in the list: `in` answers as with the plain subquery. BigQuery
 * plans joins by the sizes it reads: the plain subquery there.
 */
function fewValues(column, query, dialect) {
    return current(dialect) === "duckdb" ? `select unnest(list(${column})) from (${query}) as few_values` : `select ${column} from (${query}) as few_values`;
}
// ---------------------------------------------------------------------------------------
// Arrays
/** Aggregates the non-null values into an array ordered by `orderBy` (which must name its tie-breakers). */
function arrayAgg(expression, orderBy, dialect) {
    return current(dialect) === "duckdb"
        ? `coalesce(list(${expression} order by ${orderBy}) filter (where ${expression} is not null), [])`
        : `array_agg(${expression} ignore nulls order by ${orderBy})`;
}
/**
 * Aggregate: the value of the group's first row in `orderBy` order (which must name its
 * tie-breakers), null values included. One pass per group instead of a window's
 * `row_number() = 1` over every row: DuckDB's ordered aggregate took a third of the
 * window's time over 10 M orders.
 */
function firstInOrder(expression, orderBy, dialect) {
    return current(dialect) === "duckdb"
        ? `first(${expression} order by ${orderBy})`
        : `array_agg(struct(${expression} as value) order by ${orderBy} limit 1)[offset(0)].value`;
}
/**
 * Aggregate: `value` of the group's row with the smallest `order`, null when that value is
 * null. `order` must never be null and must name a single row (the engines differ on null
 * orders and on ties). A plain hash aggregate, unlike firstInOrder's ordered one.
 */
function valueAtMinimum(value, order, dialect) {
    return current(dialect) === "duckdb" ? `arg_min_null(${value}, ${order})` : `min_by(${value}, ${order})`;
}
/** Number of elements of an array (0 for an empty array). */
function arrayLength(expression, dialect) {
    return current(dialect) === "duckdb" ? `len(${expression})` : `array_length(${expression})`;
}
// ---------------------------------------------------------------------------------------
// Exact division (appended by the gold layer: averages, ratios and money per METRICS.md)
function checkScale(helper, scale) {
    if (!Number.isInteger(scale) || scale < 0 || scale > 9)
        throw new Error(`${helper} scale must be an integer in 0..9, got ${scale}`);
}
/**
 * DuckDB: `numerator / denominator` × 10^scale rounded half away from zero, as an exact
 * DECIMAL(38, 9) (integer division of the magnitudes, `sign` the quotient's sign), then
 * scaled back by 10^-scale. `quotientDigits` is the precision the rounded quotient fits in.
 */
function duckdbRoundedQuotient(sign, numerator, denominator, scale, quotientDigits) {
    const quotient = `${sign} * ((2 * abs(${numerator}) * ${10 ** scale} + abs(${denominator})) // (2 * abs(${denominator})))`;
    return `cast(cast(${quotient} as decimal(${quotientDigits}, 0)) * ${scale === 0 ? "1" : `0.${"0".repeat(scale - 1)}1`} as decimal(38, 9))`;
}
/**
 * numerator / denominator as an exact decimal rounded half away from zero to `scale`
 * decimals (0–9); null when the denominator is 0 or null. Operands are numbers or decimals
 * with at most 9 decimals. DuckDB divides decimals in double precision, so there the
 * quotient is computed on integers scaled by 10^9 (HUGEINT); BigQuery divides in BIGNUMERIC.
 */
function roundedDivide(numerator, denominator, scale, dialect) {
    checkScale("roundedDivide", scale);
    if (current(dialect) === "bigquery") {
        return `cast(round(cast(${numerator} as bignumeric) / cast(nullif(${denominator}, 0) as bignumeric), ${scale}) as numeric)`;
    }
    const scaled = (expression) => `cast(cast(${expression} as decimal(38, 9)) * 1000000000 as hugeint)`;
    const n = scaled(numerator);
    const d = `nullif(${scaled(denominator)}, 0)`;
    return duckdbRoundedQuotient(`sign(${n}) * sign(${d})`, n, d, scale, 38);
}
/**
 * roundedDivide for two INT64 operands: the same value (exact, rounded half away from zero
 * to `scale` decimals, DECIMAL(38, 9) / NUMERIC, null when the denominator is 0 or null),
 * computed on DuckDB in BIGINT rather than on HUGEINT scaled by 10^9, whose divisions cost
 * ~1 µs each (a per-customer metric over millions of rows). 2 × |numerator| × 10^scale must
 * fit in BIGINT; past that DuckDB raises an overflow error, never a wrong value.
 */
function roundedDivideIntegers(numerator, denominator, scale, dialect) {
    checkScale("roundedDivideIntegers", scale);
    if (current(dialect) === "bigquery")
        return roundedDivide(numerator, denominator, scale, dialect);
    const n = `cast(${numerator} as bigint)`;
    const d = `nullif(cast(${denominator} as bigint), 0)`;
    return duckdbRoundedQuotient(`sign(${n}) * sign(${d})`, n, d, scale, 18);
}
/**
 * roundedDivide for an INT64 denominator (the numerator: a number or decimal with at most 9
 * decimals): the same value, with two HUGEINT divisions on DuckDB instead of roundedDivide's
 * five or more — the denominator is scaled by multiplying, and the sign is taken from the
 * decimal itself.
 */
function roundedDivideByInteger(numerator, denominator, scale, dialect) {
    checkScale("roundedDivideByInteger", scale);
    if (current(dialect) === "bigquery")
        return roundedDivide(numerator, denominator, scale, dialect);
    const exact = `cast(${numerator} as decimal(38, 9))`;
    const n = `cast(${exact} * 1000000000 as hugeint)`;
    const d = `nullif(cast(${denominator} as hugeint), 0) * 1000000000`;
    return duckdbRoundedQuotient(`sign(${exact}) * sign(${d})`, n, d, scale, 38);
}
