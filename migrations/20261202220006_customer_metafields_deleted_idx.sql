-- no-transaction
-- The erase of long-deleted rows (after every reconciling pass, docs/privacy.md) reads
-- only soft-deleted rows; without this index it scans the whole table (1.1 s a pass
-- for the seven tables at a million customers). Partial: a live row, nearly every
-- row written, costs it nothing. CONCURRENTLY so building it does not block the
-- sync's writes (migrations/README.md, rule 4); alone in its file for that reason.
CREATE INDEX CONCURRENTLY IF NOT EXISTS customer_metafields_deleted_idx
    ON bigcommerce.customer_metafields (store_hash, deleted_at) WHERE deleted_at IS NOT NULL;
