-- The mirror of a BigCommerce store's Customers V3 data (schema `bigcommerce`).
--
-- Read migrations/README.md before changing anything here: this file is applied
-- history. Never edit it; add a new migration instead.
--
-- Tables
-- ------
-- customers           One row per customer per store: (store_hash, id). Typed columns
--                     carry the API's JSON field names and types; `raw` is the record
--                     as received (fields this version does not model included) less
--                     the sub-resources mirrored in tables of their own: `addresses`,
--                     `attributes` and their counts `address_count`/`attribute_count`.
--                     Those change without the customer's `date_modified` moving, so a
--                     copy here would go stale; count the child rows instead.
--                     `authentication.force_password_reset` is flattened into
--                     `force_password_reset`; `store_credit_amounts` holds the amounts of
--                     `store_credit_amounts[].amount`; `form_fields` the customer's form
--                     field values as decoded.
-- customer_addresses  One row per address per store: (store_hash, id), with its
--                     `customer_id`. No foreign key to customers: a page's addresses may
--                     arrive before their customer, and deletes are soft on both sides.
-- sync_state          Per (store_hash, resource), the watermark the poller resumes from
--                     (inclusive). Written in the same transaction as the rows it covers,
--                     so it never runs ahead of them.
-- sync_runs           A journal of passes: kind, start/end, outcome, error and counts.
--
-- Columns shared by the mirror tables
-- -----------------------------------
-- raw         the record as received; upserts compare it to decide whether a row changed.
-- synced_at   when the row's content last changed in the mirror (insert, real update,
--             soft delete or undelete); re-reading identical data leaves it alone, so it
--             can serve as a cursor for consumers of the mirror.
-- deleted_at  soft delete: set when the record disappeared from BigCommerce, cleared when
--             it reappears. Rows are never removed by the sync.

CREATE SCHEMA IF NOT EXISTS bigcommerce;

CREATE TABLE bigcommerce.customers (
    store_hash text NOT NULL,
    id bigint NOT NULL,
    email text,
    first_name text,
    last_name text,
    company text,
    phone text,
    registration_ip_address text,
    notes text,
    tax_exempt_category text,
    customer_group_id bigint,
    date_created timestamptz,
    date_modified timestamptz,
    force_password_reset boolean,
    accepts_product_review_abandoned_cart_emails boolean,
    origin_channel_id bigint,
    channel_ids bigint[],
    store_credit_amounts numeric[],
    shopper_profile_id text,
    segment_ids text[],
    form_fields jsonb,
    raw jsonb NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (store_hash, id)
);

-- The poller's range reads and "what changed since" queries.
CREATE INDEX customers_store_hash_date_modified_idx ON bigcommerce.customers (store_hash, date_modified);

COMMENT ON TABLE bigcommerce.customers IS 'BigCommerce customers (Customers V3), one row per (store_hash, id)';
COMMENT ON COLUMN bigcommerce.customers.force_password_reset IS 'authentication.force_password_reset of the API record';
COMMENT ON COLUMN bigcommerce.customers.store_credit_amounts IS 'store_credit_amounts[].amount of the API record';
COMMENT ON COLUMN bigcommerce.customers.form_fields IS 'customer form field values as decoded from the API record';
COMMENT ON COLUMN bigcommerce.customers.raw IS 'the record as received from the API, less addresses, attributes and their counts (mirrored in their own tables)';
COMMENT ON COLUMN bigcommerce.customers.synced_at IS 'when the row content last changed in the mirror';
COMMENT ON COLUMN bigcommerce.customers.deleted_at IS 'soft delete: set when gone from BigCommerce, cleared if it reappears';

CREATE TABLE bigcommerce.customer_addresses (
    store_hash text NOT NULL,
    id bigint NOT NULL,
    customer_id bigint NOT NULL,
    first_name text,
    last_name text,
    company text,
    address1 text,
    address2 text,
    city text,
    state_or_province text,
    postal_code text,
    country_code text,
    country text,
    phone text,
    address_type text,
    form_fields jsonb,
    raw jsonb NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (store_hash, id)
);

-- A customer's address set: soft-deleting the addresses missing from a complete set.
CREATE INDEX customer_addresses_store_hash_customer_id_idx
    ON bigcommerce.customer_addresses (store_hash, customer_id);

COMMENT ON TABLE bigcommerce.customer_addresses IS 'BigCommerce customer addresses, one row per (store_hash, id)';
COMMENT ON COLUMN bigcommerce.customer_addresses.address_type IS 'residential or commercial, kept as text';
COMMENT ON COLUMN bigcommerce.customer_addresses.raw IS 'the record exactly as received from the API';
COMMENT ON COLUMN bigcommerce.customer_addresses.synced_at IS 'when the row content last changed in the mirror';
COMMENT ON COLUMN bigcommerce.customer_addresses.deleted_at IS 'soft delete: set when gone from BigCommerce, cleared if it reappears';

CREATE TABLE bigcommerce.sync_state (
    store_hash text NOT NULL,
    resource text NOT NULL,
    watermark timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_hash, resource)
);

COMMENT ON TABLE bigcommerce.sync_state IS 'per store and resource, where the poller resumes';
COMMENT ON COLUMN bigcommerce.sync_state.watermark IS 'the poller resumes from here, inclusive; NULL: from the beginning';

CREATE TABLE bigcommerce.sync_runs (
    id bigserial PRIMARY KEY,
    store_hash text NOT NULL,
    -- 'sync', 'resync', ...: free text, so a new kind of pass needs no migration.
    kind text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    -- 'running' until finished, then 'succeeded' or 'failed'. A 'running' row whose
    -- process is gone marks a pass that died.
    outcome text NOT NULL DEFAULT 'running',
    error text,
    rows_read bigint NOT NULL DEFAULT 0,
    rows_written bigint NOT NULL DEFAULT 0,
    rows_deleted bigint NOT NULL DEFAULT 0,
    requests bigint NOT NULL DEFAULT 0,
    -- per-resource counts, free form
    details jsonb NOT NULL DEFAULT '{}'
);

-- "The last runs of this store".
CREATE INDEX sync_runs_store_hash_started_at_idx ON bigcommerce.sync_runs (store_hash, started_at DESC);

COMMENT ON TABLE bigcommerce.sync_runs IS 'one row per sync pass: outcome, error and counts';
