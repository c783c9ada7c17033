-- History mode's triggers, once per statement instead of once per row (issue 14).
--
-- Why: the row triggers of 20261202140100_history_mode.sql called PL/pgSQL for every
-- row written, and looked up history_settings each time, even for the stores that keep
-- no history (the usual case): about 12 % of PostgreSQL's time in a resync. These fire
-- once per statement with the statement's rows as transition tables: one lookup of
-- history_settings when no store keeps the table's history, and set-based writes of the
-- versions when one does. What they write is what the row triggers wrote: per changed
-- row, an erase scrubs the row's earlier versions, then the current version is closed
-- (valid_to = now()) and the new one inserted with its op.
--
-- Compatible both ways (migrations/README.md): no table or column changes; an older
-- version's writes fire these triggers too and get the same versions. PostgreSQL allows
-- transition tables only on single-event triggers, hence one trigger for INSERT and
-- one for UPDATE per table (an INSERT ... ON CONFLICT DO UPDATE fires both, each with
-- its own rows).
--
-- Trigger arguments, as before: the key columns after store_hash, then the personal
-- columns, each a comma-separated list.

CREATE FUNCTION bigcommerce.record_history_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    hist text := TG_TABLE_NAME || '_history';
    keys text[] := string_to_array('store_hash,' || TG_ARGV[0], ',');
    -- Rows of the stores that keep this table's history.
    kept text := format('n.store_hash IN (SELECT s.store_hash FROM bigcommerce.history_settings AS s '
                        'WHERE s.entity = %L)', TG_TABLE_NAME);
    h_n text;
    o_n text;
    scrub text;
    op text := '''insert''';
    from_rows text := 'new_rows AS n';
BEGIN
    -- The usual case: nobody keeps this table's history; one index probe per statement.
    IF NOT EXISTS (SELECT 1 FROM bigcommerce.history_settings AS s WHERE s.entity = TG_TABLE_NAME) THEN
        RETURN NULL;
    END IF;
    SELECT string_agg(format('h.%I = n.%I', k, k), ' AND '),
           string_agg(format('o.%I = n.%I', k, k), ' AND ')
        INTO h_n, o_n
        FROM unnest(keys) AS k;
    IF TG_OP = 'UPDATE' THEN
        from_rows := format('new_rows AS n JOIN old_rows AS o ON %s', o_n);
        op := '(CASE WHEN n.raw = ''{}''::jsonb AND o.raw <> ''{}''::jsonb THEN ''erase'' '
              'WHEN n.deleted_at IS NOT NULL AND o.deleted_at IS NULL THEN ''delete'' '
              'ELSE ''update'' END)';
        -- Erasure scrubs the personal columns and raw of every earlier version.
        SELECT string_agg(format('%I = NULL', c), ', ') INTO scrub
            FROM unnest(string_to_array(NULLIF(TG_ARGV[1], ''), ',')) AS c;
        EXECUTE format('UPDATE bigcommerce.%I AS h SET raw = ''{}''::jsonb%s FROM %s '
                       'WHERE %s AND n.raw = ''{}''::jsonb AND o.raw <> ''{}''::jsonb AND %s',
                       hist, COALESCE(', ' || scrub, ''), from_rows, h_n, kept);
    END IF;
    EXECUTE format('UPDATE bigcommerce.%I AS h SET valid_to = now() FROM new_rows AS n '
                   'WHERE h.valid_to IS NULL AND %s AND %s', hist, h_n, kept);
    EXECUTE format('INSERT INTO bigcommerce.%I SELECT n.*, now(), NULL, %s FROM %s WHERE %s',
                   hist, op, from_rows, kept);
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION bigcommerce.record_history_rows() IS
    'history mode: writes the versions of a statement''s rows into <table>_history for the '
    'stores in history_settings (statement trigger with transition tables new_rows, old_rows)';

-- Replaced in one transaction (sqlx runs each migration in one): no write sees neither.
DROP TRIGGER customers_history ON bigcommerce.customers;
DROP TRIGGER customer_addresses_history ON bigcommerce.customer_addresses;
DROP TRIGGER customer_attribute_values_history ON bigcommerce.customer_attribute_values;
DROP TRIGGER customer_form_field_values_history ON bigcommerce.customer_form_field_values;
DROP TRIGGER customer_consents_history ON bigcommerce.customer_consents;
DROP TRIGGER customer_stored_instruments_history ON bigcommerce.customer_stored_instruments;
DROP TRIGGER customer_metafields_history ON bigcommerce.customer_metafields;
DROP FUNCTION bigcommerce.record_history();

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('customers', 'id', 'email,first_name,last_name,company,phone,registration_ip_address,notes,form_fields'),
        ('customer_addresses', 'id',
         'first_name,last_name,company,address1,address2,city,state_or_province,postal_code,phone,form_fields'),
        ('customer_attribute_values', 'id', 'attribute_value'),
        ('customer_form_field_values', 'owner_type,owner_id,name', 'value'),
        ('customer_consents', 'customer_id', ''),
        ('customer_stored_instruments', 'customer_id,token',
         'expiry_month,expiry_year,issuer_identification_number,last_4,email,masked_account_number,issuer,billing_address'),
        ('customer_metafields', 'id', 'value,description')
    ) AS v(tbl, keys, personal)
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON bigcommerce.%I '
                       'REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION bigcommerce.record_history_rows(%L, %L)',
                       t.tbl || '_history_insert', t.tbl, t.keys, t.personal);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON bigcommerce.%I '
                       'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION bigcommerce.record_history_rows(%L, %L)',
                       t.tbl || '_history_update', t.tbl, t.keys, t.personal);
    END LOOP;
END
$$;
