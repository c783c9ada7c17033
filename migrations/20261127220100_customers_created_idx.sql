-- no-transaction
-- The reconciler finds deleted customers by comparing live-row counts over
-- date_created ranges with the API's; at a million customers those counts must not
-- scan the table. Partial (live rows only), as every such count filters on it.
-- CONCURRENTLY so building it does not block the sync's writes (migrations/README.md,
-- rule 4); alone in its file because it cannot run inside a transaction.
CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_live_date_created_idx
    ON bigcommerce.customers (store_hash, date_created) WHERE deleted_at IS NULL;
