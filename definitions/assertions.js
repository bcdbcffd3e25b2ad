/**
 * Standalone assertions live in assertions/<layer>/*.sqlx (ARCHITECTURE.md "Rooms"). Stock
 * Dataform reads only definitions/ and top-level includes/, so each is required here to be
 * compiled as part of the project; a test keeps this list complete.
 */
require("../assertions/staging/assert_customers_records_reconcile.sqlx");
require("../assertions/staging/assert_orders_records_reconcile.sqlx");
require("../assertions/staging/assert_order_items_records_reconcile.sqlx");
require("../assertions/staging/assert_events_records_reconcile.sqlx");
require("../assertions/staging/assert_tickets_records_reconcile.sqlx");
require("../assertions/staging/assert_members_records_reconcile.sqlx");
require("../assertions/identity/assert_identity_components_converged.sqlx");
require("../assertions/identity/assert_identity_map_covers_every_identifier.sqlx");
require("../assertions/identity/assert_identity_no_shared_value_links.sqlx");
require("../assertions/gold/assert_gold_activity_reconciles.sqlx");
require("../assertions/gold/assert_gold_aggregated_metrics_accepted_values.sqlx");
require("../assertions/gold/assert_gold_customer_360_matches_sources.sqlx");
require("../assertions/gold/assert_gold_identity_map_accepted_values.sqlx");
require("../assertions/gold/assert_gold_identity_map_matches_information.sqlx");
require("../assertions/gold/assert_gold_information_accepted_values.sqlx");
require("../assertions/gold/assert_gold_interactions_accepted_values.sqlx");
require("../assertions/gold/assert_gold_interactions_customers_exist.sqlx");
require("../assertions/gold/assert_gold_interactions_unique.sqlx");
require("../assertions/gold/assert_gold_kpi_summary_reconciles.sqlx");
require("../assertions/gold/assert_gold_revenue_reconciles.sqlx");
require("../assertions/gold/assert_gold_transactions_accepted_values.sqlx");
require("../assertions/gold/assert_gold_transactions_customers_exist.sqlx");
