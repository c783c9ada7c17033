-- Live views: one view per mirror table with its live rows only (`deleted_at IS NULL`),
-- in schema `bigcommerce_live`, with the same columns as the table. Loaders and analysts
-- read these and need not know the soft-delete rule.
--
-- The views are `SELECT *` expanded when created: a later migration that adds a column to
-- a table must `CREATE OR REPLACE VIEW` its view (appending the column) to keep them equal
-- (crates/store/tests/live_views.rs checks that they are).
--
-- Readers need `GRANT USAGE ON SCHEMA bigcommerce_live` and SELECT on the views
-- (docs/operations.md, "Database roles"); the views read the tables with their owner's
-- rights, so readers need no grant on `bigcommerce` for them.
--
-- Additive only (a new schema and views): older versions never read or write them.

CREATE SCHEMA IF NOT EXISTS bigcommerce_live;

COMMENT ON SCHEMA bigcommerce_live IS
    'live rows (deleted_at IS NULL) of each bigcommerce mirror table, same names and columns';


CREATE VIEW bigcommerce_live.customers AS
    SELECT * FROM bigcommerce.customers WHERE deleted_at IS NULL;
COMMENT ON VIEW bigcommerce_live.customers IS 'live rows of bigcommerce.customers';

CREATE VIEW bigcommerce_live.customer_addresses AS
    SELECT * FROM bigcommerce.customer_addresses WHERE deleted_at IS NULL;
COMMENT ON VIEW bigcommerce_live.customer_addresses IS 'live rows of bigcommerce.customer_addresses';

CREATE VIEW bigcommerce_live.customer_attributes AS
    SELECT * FROM bigcommerce.customer_attributes WHERE deleted_at IS NULL;
COMMENT ON VIEW bigcommerce_live.customer_attributes IS 'live rows of bigcommerce.customer_attributes';

CREATE VIEW bigcommerce_live.customer_attribute_values AS
    SELECT * FROM bigcommerce.customer_attribute_values WHERE deleted_at IS NULL;
COMMENT ON VIEW bigcommerce_live.customer_attribute_values IS 'live rows of bigcommerce.customer_attribute_values';

CREATE VIEW bigcommerce_live.customer_form_field_values AS
    SELECT * FROM bigcommerce.customer_form_field_values WHERE deleted_at IS NULL;
COMMENT ON VIEW bigcommerce_live.customer_form_field_values IS 'live rows of bigcommerce.customer_form_field_values';

CREATE VIEW bigcommerce_live.customer_consents AS
    SELECT * FROM bigcommerce.customer_consents WHERE deleted_at IS NULL;
COMMENT ON VIEW bigcommerce_live.customer_consents IS 'live rows of bigcommerce.customer_consents';

CREATE VIEW bigcommerce_live.customer_stored_instruments AS
    SELECT * FROM bigcommerce.customer_stored_instruments WHERE deleted_at IS NULL;
COMMENT ON VIEW bigcommerce_live.customer_stored_instruments IS 'live rows of bigcommerce.customer_stored_instruments';

CREATE VIEW bigcommerce_live.customer_metafields AS
    SELECT * FROM bigcommerce.customer_metafields WHERE deleted_at IS NULL;
COMMENT ON VIEW bigcommerce_live.customer_metafields IS 'live rows of bigcommerce.customer_metafields';

CREATE VIEW bigcommerce_live.customer_settings AS
    SELECT * FROM bigcommerce.customer_settings WHERE deleted_at IS NULL;
COMMENT ON VIEW bigcommerce_live.customer_settings IS 'live rows of bigcommerce.customer_settings';

CREATE VIEW bigcommerce_live.customer_channel_settings AS
    SELECT * FROM bigcommerce.customer_channel_settings WHERE deleted_at IS NULL;
COMMENT ON VIEW bigcommerce_live.customer_channel_settings IS 'live rows of bigcommerce.customer_channel_settings';
