-- no-transaction
-- Deleting a customer soft-deletes its metafields (resource_id = the customer's id);
-- without this index each such delete scans every metafield of every store.
-- CONCURRENTLY and alone in its file (migrations/README.md, rule 4).
CREATE INDEX CONCURRENTLY IF NOT EXISTS customer_metafields_store_hash_resource_id_idx
    ON bigcommerce.customer_metafields (store_hash, resource_id);
