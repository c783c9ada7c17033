-- History triggers only on the tables some store keeps the history of (issue 14).
--
-- Why: a trigger with transition tables (migration 20261202170000) makes PostgreSQL
-- copy every row a statement writes into a tuplestore before the trigger runs, even
-- when the trigger then finds that no store keeps that table's history, which is the
-- usual case: about a tenth of an upsert's time in a resync (docs/benchmarks.md). Now
-- a table has its two history triggers only while bigcommerce.history_settings names
-- it for some store; a statement trigger on history_settings creates and drops them.
-- What gets written is unchanged: the trigger function is the same, and it still
-- writes versions only for the stores in history_settings.
--
-- Compatible both ways (migrations/README.md): no table the sync writes changes. An
-- older version turns history on and off by writing history_settings, as this one
-- does, and the trigger on it does the rest.
--
-- history_tables   (entity): the tables that can keep history, with the arguments of
--                  their triggers (the key columns after store_hash, then the personal
--                  columns erasure scrubs, each a comma-separated list).

CREATE TABLE bigcommerce.history_tables (
    entity text PRIMARY KEY,
    keys text NOT NULL,
    personal text NOT NULL
);

COMMENT ON TABLE bigcommerce.history_tables IS
    'the tables that can keep history, with their key and personal columns (the arguments of their history triggers)';

INSERT INTO bigcommerce.history_tables (entity, keys, personal) VALUES
    ('customers', 'id', 'email,first_name,last_name,company,phone,registration_ip_address,notes,form_fields'),
    ('customer_addresses', 'id',
     'first_name,last_name,company,address1,address2,city,state_or_province,postal_code,phone,form_fields'),
    ('customer_attribute_values', 'id', 'attribute_value'),
    ('customer_form_field_values', 'owner_type,owner_id,name', 'value'),
    ('customer_consents', 'customer_id', ''),
    ('customer_stored_instruments', 'customer_id,token',
     'expiry_month,expiry_year,issuer_identification_number,last_4,email,masked_account_number,issuer,billing_address'),
    ('customer_metafields', 'id', 'value,description');

-- Gives each table in history_tables its two triggers when some store keeps its
-- history, and none otherwise. Serialised by an advisory lock, and each check reads
-- what committed before the lock was granted, so two replicas writing different
-- settings at once end with the triggers the last settings want.
CREATE FUNCTION bigcommerce.apply_history_settings() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t record;
    wanted boolean;
    present boolean;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('bigcommerce.history_settings'));
    FOR t IN SELECT * FROM bigcommerce.history_tables ORDER BY entity LOOP
        wanted := EXISTS (SELECT 1 FROM bigcommerce.history_settings AS s WHERE s.entity = t.entity);
        present := EXISTS (SELECT 1 FROM pg_trigger
                           WHERE tgrelid = format('bigcommerce.%I', t.entity)::regclass
                             AND tgname = t.entity || '_history_insert');
        IF wanted AND NOT present THEN
            -- Not CREATE OR REPLACE TRIGGER: that needs PostgreSQL 14.
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON bigcommerce.%I', t.entity || '_history_update', t.entity);
            EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON bigcommerce.%I '
                           'REFERENCING NEW TABLE AS new_rows '
                           'FOR EACH STATEMENT EXECUTE FUNCTION bigcommerce.record_history_rows(%L, %L)',
                           t.entity || '_history_insert', t.entity, t.keys, t.personal);
            EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON bigcommerce.%I '
                           'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                           'FOR EACH STATEMENT EXECUTE FUNCTION bigcommerce.record_history_rows(%L, %L)',
                           t.entity || '_history_update', t.entity, t.keys, t.personal);
        ELSIF present AND NOT wanted THEN
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON bigcommerce.%I', t.entity || '_history_insert', t.entity);
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON bigcommerce.%I', t.entity || '_history_update', t.entity);
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION bigcommerce.apply_history_settings() IS
    'history mode: creates the history triggers of the tables history_settings names, drops the others';

CREATE FUNCTION bigcommerce.history_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bigcommerce.apply_history_settings();
    RETURN NULL;
END
$$;

CREATE TRIGGER history_settings_apply AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON bigcommerce.history_settings
    FOR EACH STATEMENT EXECUTE FUNCTION bigcommerce.history_settings_changed();

-- The tables no store keeps the history of lose their triggers now.
SELECT bigcommerce.apply_history_settings();
