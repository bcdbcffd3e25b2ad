// Generated from includes/ts/metrics.ts by `npm run build:includes`. Do not edit: edit the TypeScript.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.sessionize = exports.engagementScore = exports.purchaseModels = exports.PROFILE_COLUMNS = exports.POPULATION_LABEL_COLUMNS = exports.POPULATION_PREDICTION_COLUMNS = exports.POPULATION_COLUMNS = exports.cltv = exports.rfm = void 0;
exports.asOfDate = asOfDate;
/**
 * Metric helpers of the gold layer (METRICS.md; formulas in docs/metrics.md). Each helper
 * renders a SQL expression or query for the compile var `dialect` (an explicit `dialect`
 * option overrides it, for tests); every dialect difference comes from dialect.ts.
 * Arguments named like columns are SQL expressions, not values.
 *
 * Dataform loads the emitted includes/metrics.js as the global `metrics`:
 * `${metrics.rfm.segment({ rScore: "r_score", fScore: "f_score", orderCount: "order_count" })}`.
 */
const dialect_js_1 = require("./dialect");
const normalize_js_1 = require("./normalize");
/** `as_of_date` as a SQL date literal: the compile var, or an explicit ISO date (tests). */
function asOfDate(explicit) {
    return (0, normalize_js_1.asOfDate)(explicit);
}
function caseOf(branches, otherwise) {
    return `case ${branches.map(([condition, value]) => `when ${condition} then ${value}`).join(" ")} else ${otherwise} end`;
}
// ---------------------------------------------------------------------------------------
// RFM
const NO_PURCHASES = "No purchases";
/** The customers that RFM scores: the buyers. The others get null scores and the segment No purchases. */
const SCORED_CUSTOMERS = "order_count >= 1";
/** rfm_segment by r_score (outer key) and f_score (inner key), as METRICS.md's table. */
const RFM_SEGMENT_MAP = {
    5: { 1: "New", 2: "Potential loyalist", 3: "Potential loyalist", 4: "Champions", 5: "Champions" },
    4: { 1: "Promising", 2: "Potential loyalist", 3: "Potential loyalist", 4: "Loyal", 5: "Loyal" },
    3: { 1: "About to sleep", 2: "About to sleep", 3: "Need attention", 4: "Loyal", 5: "Loyal" },
    2: { 1: "Hibernating", 2: "Hibernating", 3: "At risk", 4: "At risk", 5: "Can't lose them" },
    1: { 1: "Lost", 2: "Hibernating", 3: "At risk", 4: "At risk", 5: "Can't lose them" },
};
/**
 * 1 + floor(5 × (rank − 1) / n), rank() over the eligible customers by `column`, n their
 * number; null for the others. Ties share a rank, hence a score. Evaluated once per row of
 * a query whose rows are customers (a window function).
 */
function quintileScore(column, direction, eligible, dialect) {
    const window = `partition by ${eligible}`;
    const rank = `rank() over (${window} order by ${column} ${direction} nulls last)`;
    return `case when ${eligible} then ${quintileOfRank(rank, `count(*) over (${window})`, dialect)} end`;
}
/** 1 + floor(5 × (rank − 1) / n) as INT64: the quintile of a rank among n scored customers. */
function quintileOfRank(rank, count, dialect) {
    // floor of an exact integer quotient: the float division cannot cross an integer here.
    return (0, dialect_js_1.cast)(`1 + floor(5 * (${rank} - 1) / ${count})`, "int64", dialect);
}
/** What each RFM score ranks by default, and in which direction (so that 5 is the best). */
const RFM_RANKINGS = {
    r_score: { column: "recency_days", direction: "desc" },
    f_score: { column: "order_count", direction: "asc" },
    m_score: { column: "total_revenue_usd", direction: "asc" },
};
function rfmScore(score, options) {
    var _a, _b;
    const { column, direction } = RFM_RANKINGS[score];
    return quintileScore((_a = options.column) !== null && _a !== void 0 ? _a : column, direction, (_b = options.eligible) !== null && _b !== void 0 ? _b : SCORED_CUSTOMERS, options.dialect);
}
exports.rfm = {
    NO_PURCHASES,
    SCORED_CUSTOMERS,
    SEGMENT_MAP: RFM_SEGMENT_MAP,
    /** Every value rfm_segment can take, in the order of METRICS.md's table, then No purchases. */
    SEGMENTS: [...new Set([5, 4, 3, 2, 1].flatMap((r) => [1, 2, 3, 4, 5].map((f) => RFM_SEGMENT_MAP[r][f]))), NO_PURCHASES],
    /** The segment of an (r, f) pair; throws outside 1–5. */
    segmentOf(rScore, fScore) {
        var _a;
        const segment = (_a = RFM_SEGMENT_MAP[rScore]) === null || _a === void 0 ? void 0 : _a[fScore];
        if (segment === undefined)
            throw new Error(`r_score and f_score must be integers 1..5, got (${rScore}, ${fScore})`);
        return segment;
    },
    /** r_score: recency_days descending, so the most recent buyers get 5. */
    rScore(options = {}) {
        return rfmScore("r_score", options);
    },
    /** f_score: order_count ascending, so the most frequent buyers get 5. */
    fScore(options = {}) {
        return rfmScore("f_score", options);
    },
    /** m_score: total_revenue_usd ascending, so the biggest spenders get 5. */
    mScore(options = {}) {
        return rfmScore("m_score", options);
    },
    /**
     * A query of the scored customers of `from` (a table with recency_days, order_count and
     * total_revenue_usd): `key`, r_score, f_score and m_score, equal to rScore(), fScore() and
     * mScore() over the same rows, and the `carried` columns. Without their three sorts of every
     * buyer: a rank() is 1 + the number of scored rows ordered before the row, so each score
     * counts the rows per distinct value and sums the counts over the values in order (a few
     * hundred recency days and order counts; the distinct revenues), then joins them back by value.
     */
    scoresByValueCounts(options) {
        var _a;
        const { from, key, dialect } = options;
        const int64 = (expression) => (0, dialect_js_1.cast)(expression, "int64", dialect);
        const ranked = Object.entries(RFM_RANKINGS).map(([score, ranking]) => ({ score, ...ranking }));
        const read = [...new Set([key, ...ranked.map(({ column }) => column), ...((_a = options.carried) !== null && _a !== void 0 ? _a : [])])];
        const valueRanks = ranked.map(({ score, column, direction }) => `  ${score}_ranks as (\n    select ${column}, ${int64(`coalesce(sum(count(*)) over (order by ${column} ${direction} nulls last rows between unbounded preceding and 1 preceding), 0)`)} + 1 as value_rank\n    from scored group by ${column}\n  )`);
        return [
            `with`,
            `  scored as (select ${read.join(", ")} from ${from} where ${SCORED_CUSTOMERS}),`,
            `  scored_count as (select count(*) as scored_rows from scored),`,
            `${valueRanks.join(",\n")}`,
            `select`,
            `  ${[...read.map((column) => `scored.${column}`), ...ranked.map(({ score }) => `${quintileOfRank(`${score}_ranks.value_rank`, "scored_count.scored_rows", dialect)} as ${score}`)].join(",\n  ")}`,
            `from`,
            `  scored`,
            `  cross join scored_count`,
            ...ranked.map(({ score, column }) => `  inner join ${score}_ranks on ${score}_ranks.${column} is not distinct from scored.${column}`),
        ].join("\n");
    },
    /** rfm_segment from r_score and f_score; `No purchases` when order_count = 0. */
    segment(options) {
        var _a;
        const { rScore, fScore, orderCount, dialect } = options;
        const branches = [[`${orderCount} = 0`, (0, dialect_js_1.stringLiteral)(NO_PURCHASES, dialect)]];
        for (const r of [5, 4, 3, 2, 1]) {
            const fScoresBySegment = new Map();
            for (const f of [1, 2, 3, 4, 5])
                fScoresBySegment.set(RFM_SEGMENT_MAP[r][f], [...((_a = fScoresBySegment.get(RFM_SEGMENT_MAP[r][f])) !== null && _a !== void 0 ? _a : []), f]);
            for (const [segment, fScores] of fScoresBySegment) {
                branches.push([`${rScore} = ${r} and ${fScore} in (${fScores.join(", ")})`, (0, dialect_js_1.stringLiteral)(segment, dialect)]);
            }
        }
        return caseOf(branches, "null");
    },
};
// ---------------------------------------------------------------------------------------
// CLTV and churn risk: BG/NBD + Gamma-Gamma (METRICS.md "Predictive metrics")
exports.cltv = {
    /** cltv_historical_usd: the completed revenue so far. */
    historical(options) {
        return (0, dialect_js_1.cast)(options.totalRevenue, "decimal", options.dialect);
    },
};
/** Parameter names of the fitted models, as customer_model_parameters holds them. */
const MODEL_PARAMETERS = [
    ["bgnbd", "r"],
    ["bgnbd", "alpha"],
    ["bgnbd", "a"],
    ["bgnbd", "b"],
    ["gamma_gamma", "p"],
    ["gamma_gamma", "q"],
    ["gamma_gamma", "gamma"],
];
/**
 * The hypergeometric series of E[Y(t)] as a recursive CTE, summed in blocks of BLOCK_TERMS
 * terms per step (Horner form: linear SQL size, expression depth BLOCK_TERMS; 8 already
 * exceeds the nesting ZetaSQL's analyzer accepts), under BigQuery's limit of 500 recursion
 * steps: 450 blocks, 2,700 terms, enough to 1e-15 for z ≤ 0.987 (α ≥ 4.8 days at t = 365).
 * Convergence rule: a history stops after the first block whose last term is at most
 * TOLERANCE × |sum|; one still going after MAX_BLOCKS blocks gets no row (its prediction
 * is null). Mirrored by src/models/special-functions.ts hypergeometric2F1Series.
 */
const SERIES = { BLOCK_TERMS: 6, MAX_BLOCKS: 450, TOLERANCE: "1e-15" };
/**
 * The columns of customer_aggregated_metrics (and customer_360) that depend on every buyer,
 * not on the customer's own facts alone: the RFM quintiles and segment (ranks over all buyers)
 * and the predictions of the models refitted on all buyers. An incremental build updates these
 * for every customer after merging the affected ones.
 */
exports.POPULATION_COLUMNS = [
    "r_score",
    "f_score",
    "m_score",
    "rfm_segment",
    "p_alive",
    "expected_purchases_12m",
    "expected_order_value_usd",
    "cltv_predicted_12m_usd",
    "churn_risk",
    "churn_risk_band",
];
/**
 * POPULATION_COLUMNS in two groups that an incremental build updates apart, each only where it
 * moved: the predictions (FLOAT64 and NUMERIC; a refit moves nearly every buyer's) and the
 * labels (quintiles, segment, churn risk band; few buyers' move).
 */
exports.POPULATION_PREDICTION_COLUMNS = ["p_alive", "expected_purchases_12m", "expected_order_value_usd", "cltv_predicted_12m_usd", "churn_risk"];
exports.POPULATION_LABEL_COLUMNS = exports.POPULATION_COLUMNS.filter((column) => !exports.POPULATION_PREDICTION_COLUMNS.includes(column));
/**
 * customer_information's columns but the key, which customer_360 carries too: on DuckDB an
 * incremental build of either compares a recomputed row's values of these with the stored ones.
 */
exports.PROFILE_COLUMNS = [
    "is_known", "email", "phone_e164", "first_name", "last_name", "birth_date", "age", "age_band", "gender", "city",
    "country_code", "postal_code", "marketing_opt_in", "loyalty_tier", "loyalty_points", "first_seen_at", "crm_ids",
    "shop_customer_ids", "loyalty_ids", "ticket_ids", "anonymous_ids", "crm_id_count", "shop_customer_id_count",
    "loyalty_id_count", "ticket_count", "anonymous_id_count",
];
exports.purchaseModels = {
    PARAMETERS: MODEL_PARAMETERS,
    SERIES,
    /** Days ahead of expected_purchases_12m and cltv_predicted_12m_usd. */
    HORIZON_DAYS: 365,
    /** Days ahead of churn_risk (no purchase occasion in this many days). */
    CHURN_DAYS: 90,
    BANDS: ["low", "medium", "high"],
    MEDIUM_FROM: 0.5,
    HIGH_FROM: 0.8,
    /**
     * A query of one row over the parameters table: r, alpha, a, b, p, q, gamma as FLOAT64,
     * all null unless every parameter converged (METRICS.md: when a fit cannot be made every
     * predictive column is null).
     */
    parameters(options) {
        const allConverged = `count(case when converged and value is not null then 1 end) = ${MODEL_PARAMETERS.length}`;
        const columns = MODEL_PARAMETERS.map(([model, parameter]) => `${(0, dialect_js_1.cast)(`case when ${allConverged} then max(case when model = '${model}' and parameter = '${parameter}' then value end) end`, "float64", options.dialect)} as ${parameter}`);
        return `select ${columns.join(", ")} from ${options.from}`;
    },
    /** P(alive | x, t_x, T) = 1 / (1 + [x > 0] a/(b + x − 1) ((α + T)/(α + t_x))^(r + x)), in logs (no overflow; exp capped at e^700); null without parameters. */
    pAlive(inputs) {
        const { x, tx, T } = inputs;
        const [r, alpha, a, b] = names(inputs, ["r", "alpha", "a", "b"]);
        const logOdds = `ln(${a}) - ln(${b} + ${x} - 1) + (${r} + ${x}) * (ln(${alpha} + ${T}) - ln(${alpha} + ${tx}))`;
        // Null parameters give null first: DuckDB's least() skips nulls where BigQuery's returns null.
        return `case when ${r} is null then null when ${x} = 0 then ${(0, dialect_js_1.cast)("1", "float64", inputs.dialect)} else 1 / (1 + exp(least(${logOdds}, 700))) end`;
    },
    /** ((α + T)/(α + T + t))^(r + x): P(no purchase in t | alive). */
    noPurchaseIfAlive(inputs, days) {
        const { x, T } = inputs;
        const [r, alpha] = names(inputs, ["r", "alpha"]);
        return `exp((${r} + ${x}) * (ln(${alpha} + ${T}) - ln(${alpha} + ${T} + ${days})))`;
    },
    /** churn_risk = 1 − p_alive × (1 − ((α + T)/(α + T + 90))^(r + x)). */
    churnRisk(inputs) {
        return `1 - ${inputs.pAlive} * (1 - ${exports.purchaseModels.noPurchaseIfAlive(inputs, exports.purchaseModels.CHURN_DAYS)})`;
    },
    /** low below 0.5, medium below 0.8, high from 0.8; null when the risk is null. */
    band(options) {
        const { risk, dialect } = options;
        return caseOf([
            [`${risk} >= ${exports.purchaseModels.HIGH_FROM}`, (0, dialect_js_1.stringLiteral)("high", dialect)],
            [`${risk} >= ${exports.purchaseModels.MEDIUM_FROM}`, (0, dialect_js_1.stringLiteral)("medium", dialect)],
            [`${risk} >= 0`, (0, dialect_js_1.stringLiteral)("low", dialect)],
        ], "null");
    },
    /** z = t/(α + T + t): the argument of the hypergeometric function. */
    seriesArgument(inputs, days) {
        var _a;
        return `${days} / (${(_a = inputs.parameters) !== null && _a !== void 0 ? _a : ""}alpha + ${inputs.T} + ${days})`;
    },
    /**
     * The recursive CTE body of the series S = 2F1(a + b − 1 − r, a − 1; a + b + x − 1; z)
     * for each row of `from` (columns x, T, A = a + b − 1 − r, B = a − 1, C = a + b + x − 1, z):
     * rows (x, T, A, B, C, z, block, term, total); the converged sum is the row where
     * abs(term) <= TOLERANCE × abs(total). `self` is the CTE's own name.
     */
    seriesCte(options) {
        const { from, self, dialect } = options;
        const float = (expression) => (0, dialect_js_1.cast)(expression, "float64", dialect);
        const ratio = (j) => `(z * (A + block * ${SERIES.BLOCK_TERMS} + ${j}) * (B + block * ${SERIES.BLOCK_TERMS} + ${j}) / ((C + block * ${SERIES.BLOCK_TERMS} + ${j}) * (block * ${SERIES.BLOCK_TERMS} + ${j + 1})))`;
        let horner = "1";
        for (let j = SERIES.BLOCK_TERMS - 1; j >= 1; j--)
            horner = j === SERIES.BLOCK_TERMS - 1 ? `(1 + ${ratio(j)})` : `(1 + ${ratio(j)} * ${horner})`;
        const blockSum = `term * ${ratio(0)} * ${horner}`;
        const lastTerm = `term * ${Array.from({ length: SERIES.BLOCK_TERMS }, (_, j) => ratio(j)).join(" * ")}`;
        return [
            `select x, T, A, B, C, z, 0 as block, ${float("1")} as term, ${float("1")} as total from ${from}`,
            `union all`,
            `select x, T, A, B, C, z, block + 1 as block, ${lastTerm} as term, total + ${blockSum} as total`,
            `from ${self}`,
            `where abs(term) > ${SERIES.TOLERANCE} * abs(total) and block < ${SERIES.MAX_BLOCKS}`,
        ].join("\n");
    },
    /**
     * The value when finite, else null: a comparison both engines make false for NaN and ±∞
     * (DuckDB orders NaN above every number, BigQuery compares it false), so a non-finite
     * prediction never reaches a cast to NUMERIC (which fails on both).
     */
    finite(expression) {
        return `case when abs(${expression}) < 1e300 then ${expression} end`;
    },
    /** The converged rows of seriesCte: `select ... where` the stopping rule holds. */
    SERIES_CONVERGED: `abs(term) <= ${SERIES.TOLERANCE} * abs(total)`,
    /**
     * E[Y(t) | x, t_x, T] (Fader, Hardie & Lee 2005, eq. 10) after Euler's transformation:
     * (a + b + x − 1)/(a − 1) × (1 − (1 − z)^(a − 1) × S) × p_alive, S the series' sum.
     */
    expectedPurchases(inputs) {
        const { x } = inputs;
        const [a, b] = names(inputs, ["a", "b"]);
        return `(${a} + ${b} + ${x} - 1) / nullif(${a} - 1, 0) * (1 - power(1 - ${inputs.z}, ${a} - 1) * ${inputs.series}) * ${inputs.pAlive}`;
    },
    /** E[spend per occasion] = p (γ + x m̄)/(p x + q − 1) for x ≥ 1; p γ/(q − 1) for x = 0. */
    expectedOrderValue(inputs) {
        const [p, q, gamma] = names(inputs, ["p", "q", "gamma"]);
        const { x, meanValue } = inputs;
        return `case when ${x} = 0 then ${p} * ${gamma} / (${q} - 1) else ${p} * (${gamma} + ${x} * ${meanValue}) / (${p} * ${x} + ${q} - 1) end`;
    },
    /** cltv_predicted_12m_usd = round(expected purchases × expected order value, 2), exact decimal (the product taken to 9 decimals first, then rounded half away from zero). */
    cltv(options) {
        const exact = (0, dialect_js_1.cast)(`${options.expectedPurchases} * ${options.expectedOrderValue}`, "decimal", options.dialect);
        return (0, dialect_js_1.cast)(`round(${exact}, 2)`, "decimal", options.dialect);
    },
};
function names(inputs, parameters) {
    return parameters.map((name) => { var _a; return `${(_a = inputs.parameters) !== null && _a !== void 0 ? _a : ""}${name}`; });
}
// ---------------------------------------------------------------------------------------
// Engagement
/** Points per unit and the cap of each component; the caps add up to 100. */
const ENGAGEMENT_COMPONENTS = [
    { name: "sessions", pointsEach: 10, cap: 40 },
    { name: "events", pointsEach: 1, cap: 20 },
    { name: "emailOpens", pointsEach: 2, cap: 10 },
    { name: "emailClicks", pointsEach: 4, cap: 20 },
    { name: "tickets", pointsEach: 5, cap: 10 },
];
exports.engagementScore = {
    WINDOW_DAYS: 90,
    COMPONENTS: ENGAGEMENT_COMPONENTS,
    /** Event names counted as email engagement rather than behaviour. */
    EMAIL_OPEN_EVENT: "email_opened",
    EMAIL_CLICK_EVENT: "email_clicked",
    /** True when a date lies in the 90 days ending with as_of_date (as_of_date − 89 … as_of_date). */
    inWindow(options) {
        const asOf = asOfDate(options.asOfDate);
        return `(${options.date} between ${(0, dialect_js_1.addDays)(asOf, String(1 - exports.engagementScore.WINDOW_DAYS), options.dialect)} and ${asOf})`;
    },
    /**
     * Integer 0–100: Σ least(points_each × count, cap) over sessions started, behaviour events
     * (not email_*), email opens, email clicks and tickets in the window. Counts are non-negative.
     */
    score(counts) {
        const terms = ENGAGEMENT_COMPONENTS.map(({ name, pointsEach, cap }) => `least(${pointsEach} * coalesce(${counts[name]}, 0), ${cap})`);
        return (0, dialect_js_1.cast)(terms.join(" + "), "int64", counts.dialect);
    },
};
exports.sessionize = {
    GAP_MINUTES: 30,
    /**
     * A query over `from` with its columns plus is_session_start (boolean: the first event of
     * the visitor, or more than 30 minutes after the previous one) and session_number
     * (1-based, per visitor, in time order).
     */
    query(options) {
        var _a, _b;
        const { from, partitionBy, timestamp, tieBreaker, dialect } = options;
        const gap = (_a = options.gapMinutes) !== null && _a !== void 0 ? _a : exports.sessionize.GAP_MINUTES;
        const kept = [...new Set([partitionBy, timestamp, tieBreaker, ...((_b = options.columns) !== null && _b !== void 0 ? _b : [])])];
        const ordering = `partition by ${partitionBy} order by ${timestamp} asc nulls last, ${tieBreaker} asc nulls last`;
        return [
            `select ${kept.join(", ")}, is_session_start,`,
            `  ${(0, dialect_js_1.cast)(`sum(case when is_session_start then 1 else 0 end) over (${ordering} rows between unbounded preceding and current row)`, "int64", dialect)} as session_number`,
            `from (`,
            `  select ${kept.join(", ")},`,
            `    ${sessionStart(ordering, timestamp, gap, dialect)} as is_session_start`,
            `  from ${from}`,
            `) as events_with_session_starts`,
        ].join("\n");
    },
    /**
     * A query over `from` with its columns plus is_session_start, for counting sessions: the
     * events are ordered by time only, so among events of the same instant which one is
     * flagged is arbitrary, but the number of session starts per visitor and their timestamps
     * are those of query() (only the first event of an instant can start a session, and its
     * previous event is the same whatever the order within the instant; events without a
     * timestamp each start one). Half the cost of query(): no tie-breaker in the sort, no
     * running session_number.
     */
    starts(options) {
        var _a, _b;
        const { from, partitionBy, timestamp, dialect } = options;
        const gap = (_a = options.gapMinutes) !== null && _a !== void 0 ? _a : exports.sessionize.GAP_MINUTES;
        const kept = [...new Set([partitionBy, timestamp, ...((_b = options.columns) !== null && _b !== void 0 ? _b : [])])];
        const ordering = `partition by ${partitionBy} order by ${timestamp} asc nulls last`;
        return `select ${kept.join(", ")}, ${sessionStart(ordering, timestamp, gap, dialect)} as is_session_start from ${from}`;
    },
};
/** True for the first event of its window ordering, or one more than `gapMinutes` after the previous. */
function sessionStart(ordering, timestamp, gapMinutes, dialect) {
    return `coalesce(${timestamp} > ${(0, dialect_js_1.addMinutes)(`lag(${timestamp}) over (${ordering})`, String(gapMinutes), dialect)}, true)`;
}
