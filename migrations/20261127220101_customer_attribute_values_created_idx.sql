-- no-transaction
-- As 20261127220100 for customers: the reconciler's counts of live attribute values
-- over date_created ranges. CONCURRENTLY and alone in its file (migrations/README.md,
-- rule 4).
CREATE INDEX CONCURRENTLY IF NOT EXISTS customer_attribute_values_live_date_created_idx
    ON bigcommerce.customer_attribute_values (store_hash, date_created) WHERE deleted_at IS NULL;
