-- History mode (docs/privacy.md, issue 15): for the stores and tables that opt in, every
-- version of a row is kept in `<table>_history` with its validity interval, written by
-- a trigger in the same transaction as the change. The upserts only touch a row whose
-- `raw` changed (or that is undeleted), so an unchanged re-read writes no version.
--
-- Additive: new tables, a function and triggers. A running older version's writes
-- fire the triggers too, which only write for the opted-in (store, table) pairs.
--
-- history_settings   (store_hash, entity): which tables of which store keep history;
--                    written by the sync from the store's `history` setting.
-- <table>_history    the table's columns, then valid_from (the change's transaction
--                    time), valid_to (NULL: the current version) and op (insert,
--                    update, delete, erase). Erasing a row (raw = '{}') also scrubs the
--                    personal columns and raw of all its earlier versions.

CREATE TABLE bigcommerce.history_settings (
    store_hash text NOT NULL,
    entity text NOT NULL,
    PRIMARY KEY (store_hash, entity)
);

COMMENT ON TABLE bigcommerce.history_settings IS
    'which mirror tables of which store keep every version in <table>_history';

-- Trigger arguments: the key columns after store_hash, then the personal columns, each
-- a comma-separated list.
CREATE FUNCTION bigcommerce.record_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    hist text := TG_TABLE_NAME || '_history';
    key_match text;
    op text;
    scrub text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM bigcommerce.history_settings AS s
                   WHERE s.store_hash = NEW.store_hash AND s.entity = TG_TABLE_NAME) THEN
        RETURN NULL;
    END IF;
    SELECT string_agg(format('h.%I = ($1).%I', k, k), ' AND ')
        INTO key_match
        FROM unnest(string_to_array('store_hash,' || TG_ARGV[0], ',')) AS k;
    IF TG_OP = 'INSERT' THEN
        op := 'insert';
    ELSIF NEW.raw = '{}'::jsonb AND OLD.raw <> '{}'::jsonb THEN
        op := 'erase';
    ELSIF NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL THEN
        op := 'delete';
    ELSE
        op := 'update';
    END IF;
    IF op = 'erase' THEN
        SELECT string_agg(format('%I = NULL', c), ', ') INTO scrub
            FROM unnest(string_to_array(NULLIF(TG_ARGV[1], ''), ',')) AS c;
        EXECUTE format('UPDATE bigcommerce.%I AS h SET raw = ''{}''::jsonb%s WHERE %s',
                       hist, COALESCE(', ' || scrub, ''), key_match) USING NEW;
    END IF;
    EXECUTE format('UPDATE bigcommerce.%I AS h SET valid_to = now() WHERE h.valid_to IS NULL AND %s',
                   hist, key_match) USING NEW;
    EXECUTE format('INSERT INTO bigcommerce.%I SELECT ($1).*, now(), NULL, $2', hist) USING NEW, op;
    RETURN NULL;
END
$$;

CREATE TABLE bigcommerce.customers_history (LIKE bigcommerce.customers);
CREATE TABLE bigcommerce.customer_addresses_history (LIKE bigcommerce.customer_addresses);
CREATE TABLE bigcommerce.customer_attribute_values_history (LIKE bigcommerce.customer_attribute_values);
CREATE TABLE bigcommerce.customer_form_field_values_history (LIKE bigcommerce.customer_form_field_values);
CREATE TABLE bigcommerce.customer_consents_history (LIKE bigcommerce.customer_consents);
CREATE TABLE bigcommerce.customer_stored_instruments_history (LIKE bigcommerce.customer_stored_instruments);
CREATE TABLE bigcommerce.customer_metafields_history (LIKE bigcommerce.customer_metafields);

ALTER TABLE bigcommerce.customers_history
    ADD COLUMN valid_from timestamptz NOT NULL, ADD COLUMN valid_to timestamptz, ADD COLUMN op text NOT NULL;
ALTER TABLE bigcommerce.customer_addresses_history
    ADD COLUMN valid_from timestamptz NOT NULL, ADD COLUMN valid_to timestamptz, ADD COLUMN op text NOT NULL;
ALTER TABLE bigcommerce.customer_attribute_values_history
    ADD COLUMN valid_from timestamptz NOT NULL, ADD COLUMN valid_to timestamptz, ADD COLUMN op text NOT NULL;
ALTER TABLE bigcommerce.customer_form_field_values_history
    ADD COLUMN valid_from timestamptz NOT NULL, ADD COLUMN valid_to timestamptz, ADD COLUMN op text NOT NULL;
ALTER TABLE bigcommerce.customer_consents_history
    ADD COLUMN valid_from timestamptz NOT NULL, ADD COLUMN valid_to timestamptz, ADD COLUMN op text NOT NULL;
ALTER TABLE bigcommerce.customer_stored_instruments_history
    ADD COLUMN valid_from timestamptz NOT NULL, ADD COLUMN valid_to timestamptz, ADD COLUMN op text NOT NULL;
ALTER TABLE bigcommerce.customer_metafields_history
    ADD COLUMN valid_from timestamptz NOT NULL, ADD COLUMN valid_to timestamptz, ADD COLUMN op text NOT NULL;

-- A row's versions, and "the current version of this key" when closing it.
CREATE INDEX customers_history_key_idx ON bigcommerce.customers_history (store_hash, id, valid_from);
CREATE INDEX customer_addresses_history_key_idx
    ON bigcommerce.customer_addresses_history (store_hash, id, valid_from);
CREATE INDEX customer_attribute_values_history_key_idx
    ON bigcommerce.customer_attribute_values_history (store_hash, id, valid_from);
CREATE INDEX customer_form_field_values_history_key_idx
    ON bigcommerce.customer_form_field_values_history (store_hash, owner_type, owner_id, name, valid_from);
CREATE INDEX customer_consents_history_key_idx
    ON bigcommerce.customer_consents_history (store_hash, customer_id, valid_from);
CREATE INDEX customer_stored_instruments_history_key_idx
    ON bigcommerce.customer_stored_instruments_history (store_hash, customer_id, token, valid_from);
CREATE INDEX customer_metafields_history_key_idx
    ON bigcommerce.customer_metafields_history (store_hash, id, valid_from);

CREATE TRIGGER customers_history AFTER INSERT OR UPDATE ON bigcommerce.customers
    FOR EACH ROW EXECUTE FUNCTION bigcommerce.record_history(
        'id', 'email,first_name,last_name,company,phone,registration_ip_address,notes,form_fields');
CREATE TRIGGER customer_addresses_history AFTER INSERT OR UPDATE ON bigcommerce.customer_addresses
    FOR EACH ROW EXECUTE FUNCTION bigcommerce.record_history(
        'id', 'first_name,last_name,company,address1,address2,city,state_or_province,postal_code,phone,form_fields');
CREATE TRIGGER customer_attribute_values_history AFTER INSERT OR UPDATE ON bigcommerce.customer_attribute_values
    FOR EACH ROW EXECUTE FUNCTION bigcommerce.record_history('id', 'attribute_value');
CREATE TRIGGER customer_form_field_values_history AFTER INSERT OR UPDATE ON bigcommerce.customer_form_field_values
    FOR EACH ROW EXECUTE FUNCTION bigcommerce.record_history('owner_type,owner_id,name', 'value');
CREATE TRIGGER customer_consents_history AFTER INSERT OR UPDATE ON bigcommerce.customer_consents
    FOR EACH ROW EXECUTE FUNCTION bigcommerce.record_history('customer_id', '');
CREATE TRIGGER customer_stored_instruments_history AFTER INSERT OR UPDATE ON bigcommerce.customer_stored_instruments
    FOR EACH ROW EXECUTE FUNCTION bigcommerce.record_history(
        'customer_id,token',
        'expiry_month,expiry_year,issuer_identification_number,last_4,email,masked_account_number,issuer,billing_address');
CREATE TRIGGER customer_metafields_history AFTER INSERT OR UPDATE ON bigcommerce.customer_metafields
    FOR EACH ROW EXECUTE FUNCTION bigcommerce.record_history('id', 'value,description');

-- "The mirror as of time T": the customers (and addresses) whose version was valid at
-- T and not deleted, for the stores that keep their history.
CREATE FUNCTION bigcommerce.customers_as_of(t timestamptz) RETURNS SETOF bigcommerce.customers_history
LANGUAGE sql STABLE AS $$
    SELECT * FROM bigcommerce.customers_history AS h
    WHERE h.valid_from <= t AND (h.valid_to IS NULL OR h.valid_to > t) AND h.deleted_at IS NULL
$$;
CREATE FUNCTION bigcommerce.customer_addresses_as_of(t timestamptz)
RETURNS SETOF bigcommerce.customer_addresses_history LANGUAGE sql STABLE AS $$
    SELECT * FROM bigcommerce.customer_addresses_history AS h
    WHERE h.valid_from <= t AND (h.valid_to IS NULL OR h.valid_to > t) AND h.deleted_at IS NULL
$$;
