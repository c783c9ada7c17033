-- A change feed of the mirror: warehouse loaders need "what changed since I last
-- looked" across every table, including soft deletes, without scanning each table by
-- `synced_at` (which is per table and not unique, so a cursor on it needs ties handled).
--
-- Additive only (a new table): a running older version never reads or writes it
-- (migrations/README.md, rule 2). Rows written while such a version runs are simply not
-- logged; a loader that must not miss them re-reads by `synced_at` once after deploy.
--
-- change_log  One row per real change of a mirror row, written by the same statement
--             (so the same transaction) as the change itself. An identical re-read
--             changes nothing and logs nothing.
--   seq         the cursor: read `WHERE store_hash = $1 AND seq > $last_seen ORDER BY seq`.
--               A bigserial, so values are unique but may have gaps (rolled-back pages
--               consume them) and a value may commit slightly after a higher one.
--   entity      the mirror table (unqualified), e.g. customers, customer_addresses.
--   entity_id   the row's key after store_hash, as text: the id; for composite keys the
--               key values joined with ':' in key order (customer_form_field_values
--               `customer:42:Shoe size`, customer_stored_instruments `42:tok_abc`); for
--               customer_settings (one row per store) 'settings'.
--   op          insert (new row), update (changed content, or a soft-deleted row that
--               reappeared), delete (soft delete: deleted_at set).

CREATE TABLE bigcommerce.change_log (
    seq bigserial PRIMARY KEY,
    store_hash text NOT NULL,
    entity text NOT NULL,
    entity_id text NOT NULL,
    op text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- A loader's read: the changes of one store after the last seq it saw.
CREATE INDEX change_log_store_hash_seq_idx ON bigcommerce.change_log (store_hash, seq);

COMMENT ON TABLE bigcommerce.change_log IS
    'one row per real change of a mirror row (insert, update, soft delete), committed with it; '
    'read by seq';
COMMENT ON COLUMN bigcommerce.change_log.seq IS
    'cursor for loaders: unique and increasing, gaps possible (rolled-back writes)';
COMMENT ON COLUMN bigcommerce.change_log.entity IS 'the mirror table (unqualified), e.g. customers';
COMMENT ON COLUMN bigcommerce.change_log.entity_id IS
    'the row key after store_hash as text; composite keys joined with '':'' in key order; '
    '''settings'' for customer_settings';
COMMENT ON COLUMN bigcommerce.change_log.op IS
    'insert, update (also an undelete) or delete (soft delete)';
COMMENT ON COLUMN bigcommerce.change_log.changed_at IS 'transaction time of the change';
