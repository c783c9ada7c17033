-- Least privilege for analysts (docs/privacy.md, issue 15): one call grants a role read
-- access to the mirror without `raw` (which holds every personal field, and the clear
-- values of hashed columns' records before hashing was turned on), without stored
-- payment instruments and without quarantined records:
--
--     CREATE ROLE analyst LOGIN;  SELECT bigcommerce.grant_analyst('analyst');
--
-- Column-level grants, computed from the catalog when called: call it again after an
-- upgrade that added columns. Additive (a new function); nothing runs until called.

CREATE FUNCTION bigcommerce.grant_analyst(analyst name) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t record;
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA bigcommerce TO %I', analyst);
    FOR t IN
        SELECT c.table_name, string_agg(format('%I', c.column_name), ', ' ORDER BY c.ordinal_position) AS cols
        FROM information_schema.columns AS c
        JOIN information_schema.tables AS tb
            ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
        WHERE c.table_schema = 'bigcommerce' AND c.column_name <> 'raw'
            AND c.table_name NOT LIKE 'customer_stored_instruments%'
            AND c.table_name NOT IN ('quarantine', '_sqlx_migrations', 'store_leases')
        GROUP BY c.table_name
    LOOP
        EXECUTE format('GRANT SELECT (%s) ON bigcommerce.%I TO %I', t.cols, t.table_name, analyst);
    END LOOP;
END
$$;

COMMENT ON FUNCTION bigcommerce.grant_analyst(name) IS
    'grants a role SELECT on every mirror column but raw, except stored instruments and quarantine';
