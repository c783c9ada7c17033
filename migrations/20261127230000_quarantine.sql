-- Records the API sent that do not fit their model (a wrong type in one field of one
-- customer). They are set aside here, the rest of their page is stored, and every
-- pass reads them again by id; once the source is fixed the row syncs and leaves.
--
-- Additive only (a new table): an older running version never reads or writes it
-- (migrations/README.md, rule 2).
CREATE TABLE bigcommerce.quarantine (
    store_hash text NOT NULL,
    entity text NOT NULL,
    entity_id bigint NOT NULL,
    raw jsonb NOT NULL,
    error text NOT NULL,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_hash, entity, entity_id)
);

COMMENT ON TABLE bigcommerce.quarantine IS
    'records that do not fit their model, kept aside until the source is fixed; one row per (store_hash, entity, entity_id)';
COMMENT ON COLUMN bigcommerce.quarantine.entity IS 'the table the record belongs in, e.g. customers';
COMMENT ON COLUMN bigcommerce.quarantine.raw IS 'the record exactly as received';
COMMENT ON COLUMN bigcommerce.quarantine.error IS 'what was wrong, naming the field';
COMMENT ON COLUMN bigcommerce.quarantine.last_seen IS 'when the API last sent it in this shape';
