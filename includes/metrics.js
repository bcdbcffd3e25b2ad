// Generated from includes/ts/metrics.ts by `npm run build:includes`. Do not edit: edit the TypeScript.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.sessionize = exports.engagementScore = exports.churnRisk = exports.cltv = exports.RUN_RATE_DEFAULTS = exports.rfm = void 0;
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
    // floor of an exact integer quotient: the float division cannot cross an integer here.
    return `case when ${eligible} then ${(0, dialect_js_1.cast)(`1 + floor(5 * (${rank} - 1) / count(*) over (${window}))`, "int64", dialect)} end`;
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
        var _a, _b;
        return quintileScore((_a = options.column) !== null && _a !== void 0 ? _a : "recency_days", "desc", (_b = options.eligible) !== null && _b !== void 0 ? _b : SCORED_CUSTOMERS, options.dialect);
    },
    /** f_score: order_count ascending, so the most frequent buyers get 5. */
    fScore(options = {}) {
        var _a, _b;
        return quintileScore((_a = options.column) !== null && _a !== void 0 ? _a : "order_count", "asc", (_b = options.eligible) !== null && _b !== void 0 ? _b : SCORED_CUSTOMERS, options.dialect);
    },
    /** m_score: total_revenue_usd ascending, so the biggest spenders get 5. */
    mScore(options = {}) {
        var _a, _b;
        return quintileScore((_a = options.column) !== null && _a !== void 0 ? _a : "total_revenue_usd", "asc", (_b = options.eligible) !== null && _b !== void 0 ? _b : SCORED_CUSTOMERS, options.dialect);
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
/** Defaults checked on CDNOW's holdout (docs/metrics.md "CLTV on CDNOW"). */
exports.RUN_RATE_DEFAULTS = { minObservedDays: 90, lapseDays: 180, priorOrders: 0.5 };
/**
 * run_rate: the customer keeps placing repeat orders at the rate observed since the first
 * order ((n − 1 + prior) / max(days since first order, minObserved)), each worth the average
 * order value (total / n), over the horizon, times a survival that falls linearly from 1
 * (ordered today) to 0 (no order for lapseDays):
 *   round(total / n × (n − 1 + prior) / max(days_since_first, min) × horizon × max(0, lapse − recency) / lapse, 2),
 * computed as one exact division on integers and decimals; 0 without a completed order.
 */
function runRateModel(inputs, horizonDays, overrides) {
    const { minObservedDays, lapseDays, priorOrders } = { ...exports.RUN_RATE_DEFAULTS, ...overrides };
    const priorHundredths = Math.round(priorOrders * 100);
    if (priorOrders < 0 || priorOrders > 1 || Math.abs(priorHundredths - priorOrders * 100) > 1e-9) {
        throw new Error(`run_rate priorOrders must be in 0..1 in hundredths, got ${priorOrders}`);
    }
    for (const [name, value] of [["minObservedDays", minObservedDays], ["lapseDays", lapseDays]]) {
        if (!Number.isInteger(value) || value < 1)
            throw new Error(`run_rate ${name} must be a positive integer, got ${value}`);
    }
    const d = inputs.dialect;
    const orders = `(100 * (${inputs.orderCount} - 1) + ${priorHundredths})`;
    const numerator = `${(0, dialect_js_1.cast)(inputs.totalRevenue, "decimal", d)} * ${orders} * ${horizonDays} * greatest(${lapseDays} - ${inputs.recencyDays}, 0)`;
    const denominator = `100 * ${inputs.orderCount} * greatest(${inputs.daysSinceFirstOrder}, ${minObservedDays}) * ${lapseDays}`;
    // The denominator is an integer: roundedDivideByInteger, a third of the HUGEINT work on DuckDB.
    return `case when ${inputs.orderCount} >= 1 then ${(0, dialect_js_1.roundedDivideByInteger)(numerator, denominator, 2, d)} else ${(0, dialect_js_1.cast)("0", "decimal", d)} end`;
}
const PREDICTION_MODELS = { run_rate: runRateModel };
exports.cltv = {
    MODELS: Object.keys(PREDICTION_MODELS),
    DEFAULT_MODEL: "run_rate",
    /** cltv_historical_usd: the completed revenue so far. */
    historical(options) {
        return (0, dialect_js_1.cast)(options.totalRevenue, "decimal", options.dialect);
    },
    /** Expected revenue over the next `horizonDays` (exact decimal, cents), by the named model. */
    predicted(options) {
        var _a, _b, _c;
        const model = (_a = options.model) !== null && _a !== void 0 ? _a : "run_rate";
        const render = PREDICTION_MODELS[model];
        if (render === undefined)
            throw new Error(`unknown CLTV model "${model}"; known: ${Object.keys(PREDICTION_MODELS).join(", ")}`);
        const horizonDays = (_b = options.horizonDays) !== null && _b !== void 0 ? _b : 365;
        if (!Number.isInteger(horizonDays) || horizonDays < 1)
            throw new Error(`horizonDays must be a positive integer, got ${horizonDays}`);
        return render(options, horizonDays, (_c = options.parameters) !== null && _c !== void 0 ? _c : {});
    },
    /** cltv_predicted_12m_usd: predicted() over the next 365 days. */
    predicted12m(options) {
        return exports.cltv.predicted({ ...options, horizonDays: 365 });
    },
};
// ---------------------------------------------------------------------------------------
// Churn risk
/** Usual days between orders assumed for customers with fewer than two completed orders. */
const DEFAULT_CADENCE_DAYS = 90;
/** Floor on a customer's own cadence, so bursts of same-week orders do not make every pause look like churn. */
const MIN_CADENCE_DAYS = 7;
exports.churnRisk = {
    DEFAULT_CADENCE_DAYS,
    MIN_CADENCE_DAYS,
    BANDS: ["low", "medium", "high"],
    /** Lower bounds of the medium and high bands (one and three usual cadences of idleness). */
    MEDIUM_FROM: 0.5,
    HIGH_FROM: 0.75,
    /**
     * idle / (idle + cadence), rounded to 4 decimals: 0 when active today, 0.5 after one
     * usual gap, 0.75 after three. cadence = max(order_span_days, 7 × (n − 1)) / (n − 1)
     * for n ≥ 2 completed orders, else 90. Every operand is an integer (days, orders), so the
     * division runs in BIGINT on DuckDB (roundedDivideIntegers).
     */
    score(options) {
        const { idleDays, orderCount, orderSpanDays, dialect } = options;
        const gaps = `(${orderCount} - 1)`;
        const ownCadence = (0, dialect_js_1.roundedDivideIntegers)(`${idleDays} * ${gaps}`, `${idleDays} * ${gaps} + greatest(${orderSpanDays}, ${MIN_CADENCE_DAYS} * ${gaps})`, 4, dialect);
        const defaultCadence = (0, dialect_js_1.roundedDivideIntegers)(idleDays, `${idleDays} + ${DEFAULT_CADENCE_DAYS}`, 4, dialect);
        return `case when ${orderCount} >= 2 then ${ownCadence} else ${defaultCadence} end`;
    },
    /** low below 0.5, medium below 0.75, high from 0.75. */
    band(options) {
        const { score, dialect } = options;
        return caseOf([
            [`${score} >= ${exports.churnRisk.HIGH_FROM}`, (0, dialect_js_1.stringLiteral)("high", dialect)],
            [`${score} >= ${exports.churnRisk.MEDIUM_FROM}`, (0, dialect_js_1.stringLiteral)("medium", dialect)],
            [`${score} >= 0`, (0, dialect_js_1.stringLiteral)("low", dialect)],
        ], "null");
    },
};
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
