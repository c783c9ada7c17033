-- The Customers V3 resources beyond customers and addresses: attribute definitions and
-- values, form field values, consent, stored instruments, metafields, and the customer
-- settings (store-wide and per channel). The mirror only had customers and addresses;
-- readers need the rest of the customer data next to them.
--
-- Additive only (new tables): a running older version never reads or writes them
-- (migrations/README.md, rule 2).
--
-- Tables
-- ------
-- customer_attributes          Attribute definitions: (store_hash, id).
-- customer_attribute_values    A customer's value of an attribute: (store_hash, id), with
--                              `attribute_id` and `customer_id`.
-- customer_form_field_values   Form field values have no id of their own: a value belongs
--                              to a customer (`customer_id` set) or to an address
--                              (`address_id` set) and is identified by its owner and the
--                              field `name`. `owner_type`/`owner_id` fold the two into one
--                              key ('address' wins should a record carry both ids: an
--                              address value may name its customer too, a customer value
--                              never names an address). `value` is jsonb because the API
--                              sends a string, a number or an array of strings.
-- customer_consents            One row per customer: (store_hash, customer_id). The API's
--                              record has no customer id; the sync adds `customer_id` to
--                              `raw` before storing it.
-- customer_stored_instruments  Cards, PayPal accounts and bank accounts, told apart by
--                              `type`: (store_hash, customer_id, token). The columns of
--                              the other kinds are NULL. `customer_id` is added to `raw`
--                              by the sync, as for consent.
-- customer_metafields          Metafields of customers: (store_hash, id); `resource_id` is
--                              the customer's id.
-- customer_settings            The store-wide customer settings: one row per store.
-- customer_channel_settings    The customer settings of each channel:
--                              (store_hash, channel_id); `channel_id` is added to `raw`
--                              by the sync (the API's record does not carry it).
--
-- `privacy_settings` and `customer_group_settings` stay jsonb (objects as sent): they
-- are small nested objects read as a whole, one row per store or channel, and BigCommerce
-- adds fields to them (e.g. `ask_shopper_for_tracking_consent_on_checkout`) that columns
-- would miss. `billing_address` of an instrument is jsonb for the same reason.
--
-- Every table follows the rules of the first migration: typed columns carry the API's
-- JSON field names (extracted from `raw` by the store, so a field an operator excludes
-- from `raw` is NULL in its column too); `raw`, `synced_at` and `deleted_at` mean what
-- they mean on `customers`. No foreign keys: records arrive in any order (values before
-- their customer) and deletes are soft on both sides.

CREATE TABLE bigcommerce.customer_attributes (
    store_hash text NOT NULL,
    id bigint NOT NULL,
    name text,
    type text,
    date_created timestamptz,
    date_modified timestamptz,
    raw jsonb NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (store_hash, id)
);

COMMENT ON TABLE bigcommerce.customer_attributes IS
    'BigCommerce customer attribute definitions (GET /customers/attributes), one row per (store_hash, id)';
COMMENT ON COLUMN bigcommerce.customer_attributes.type IS 'string, number or date';
COMMENT ON COLUMN bigcommerce.customer_attributes.raw IS 'the record as received from the API';
COMMENT ON COLUMN bigcommerce.customer_attributes.synced_at IS 'when the row content last changed in the mirror';
COMMENT ON COLUMN bigcommerce.customer_attributes.deleted_at IS
    'soft delete: set when gone from BigCommerce, cleared if it reappears';

CREATE TABLE bigcommerce.customer_attribute_values (
    store_hash text NOT NULL,
    id bigint NOT NULL,
    attribute_id bigint,
    customer_id bigint,
    attribute_value text,
    date_created timestamptz,
    date_modified timestamptz,
    raw jsonb NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (store_hash, id)
);

-- A customer's values: soft-deleting those missing from a customer's complete set, and
-- readers joining values to customers.
CREATE INDEX customer_attribute_values_store_hash_customer_id_idx
    ON bigcommerce.customer_attribute_values (store_hash, customer_id);

COMMENT ON TABLE bigcommerce.customer_attribute_values IS
    'BigCommerce customer attribute values (GET /customers/attribute-values), one row per (store_hash, id)';
COMMENT ON COLUMN bigcommerce.customer_attribute_values.attribute_value IS
    'always a string in the API, whatever the attribute type';
COMMENT ON COLUMN bigcommerce.customer_attribute_values.raw IS 'the record as received from the API';
COMMENT ON COLUMN bigcommerce.customer_attribute_values.synced_at IS 'when the row content last changed in the mirror';
COMMENT ON COLUMN bigcommerce.customer_attribute_values.deleted_at IS
    'soft delete: set when gone from BigCommerce, cleared if it reappears';

CREATE TABLE bigcommerce.customer_form_field_values (
    store_hash text NOT NULL,
    owner_type text NOT NULL CHECK (owner_type IN ('customer', 'address')),
    owner_id bigint NOT NULL,
    customer_id bigint,
    address_id bigint,
    name text NOT NULL,
    value jsonb,
    raw jsonb NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    -- Also serves "the values of these customers" (owner_type, owner_id prefix).
    PRIMARY KEY (store_hash, owner_type, owner_id, name)
);

COMMENT ON TABLE bigcommerce.customer_form_field_values IS
    'BigCommerce form field values of customers and addresses (GET /customers/form-field-values), '
    'one row per (store_hash, owner_type, owner_id, name)';
COMMENT ON COLUMN bigcommerce.customer_form_field_values.owner_type IS
    'customer or address: which of customer_id and address_id owns the value';
COMMENT ON COLUMN bigcommerce.customer_form_field_values.owner_id IS 'address_id if set, else customer_id';
COMMENT ON COLUMN bigcommerce.customer_form_field_values.value IS
    'a string, a number or an array of strings, as sent';
COMMENT ON COLUMN bigcommerce.customer_form_field_values.raw IS 'the record as received from the API';
COMMENT ON COLUMN bigcommerce.customer_form_field_values.synced_at IS 'when the row content last changed in the mirror';
COMMENT ON COLUMN bigcommerce.customer_form_field_values.deleted_at IS
    'soft delete: set when gone from BigCommerce, cleared if it reappears';

CREATE TABLE bigcommerce.customer_consents (
    store_hash text NOT NULL,
    customer_id bigint NOT NULL,
    allow text[],
    deny text[],
    updated_at timestamptz,
    raw jsonb NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (store_hash, customer_id)
);

COMMENT ON TABLE bigcommerce.customer_consents IS
    'BigCommerce customer consent (GET /customers/{id}/consent), one row per (store_hash, customer_id)';
COMMENT ON COLUMN bigcommerce.customer_consents.allow IS 'consent categories allowed: essential, functional, analytics, targeting';
COMMENT ON COLUMN bigcommerce.customer_consents.deny IS 'consent categories denied';
COMMENT ON COLUMN bigcommerce.customer_consents.raw IS 'the record as received from the API, plus customer_id';
COMMENT ON COLUMN bigcommerce.customer_consents.synced_at IS 'when the row content last changed in the mirror';
COMMENT ON COLUMN bigcommerce.customer_consents.deleted_at IS
    'soft delete: set when gone from BigCommerce, cleared if it reappears';

CREATE TABLE bigcommerce.customer_stored_instruments (
    store_hash text NOT NULL,
    customer_id bigint NOT NULL,
    token text NOT NULL,
    type text NOT NULL,
    is_default boolean,
    brand text,
    expiry_month bigint,
    expiry_year bigint,
    issuer_identification_number text,
    last_4 text,
    email text,
    masked_account_number text,
    issuer text,
    billing_address jsonb,
    raw jsonb NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (store_hash, customer_id, token)
);

COMMENT ON TABLE bigcommerce.customer_stored_instruments IS
    'BigCommerce stored payment instruments (GET /customers/{id}/stored-instruments), '
    'one row per (store_hash, customer_id, token)';
COMMENT ON COLUMN bigcommerce.customer_stored_instruments.type IS
    'stored_card, stored_paypal_account or stored_bank_account; the columns of the other types are NULL';
COMMENT ON COLUMN bigcommerce.customer_stored_instruments.billing_address IS 'cards only: the billing address as sent';
COMMENT ON COLUMN bigcommerce.customer_stored_instruments.raw IS 'the record as received from the API, plus customer_id';
COMMENT ON COLUMN bigcommerce.customer_stored_instruments.synced_at IS 'when the row content last changed in the mirror';
COMMENT ON COLUMN bigcommerce.customer_stored_instruments.deleted_at IS
    'soft delete: set when gone from BigCommerce, cleared if it reappears';

CREATE TABLE bigcommerce.customer_metafields (
    store_hash text NOT NULL,
    id bigint NOT NULL,
    key text,
    value text,
    namespace text,
    permission_set text,
    description text,
    resource_type text,
    resource_id bigint,
    date_created timestamptz,
    date_modified timestamptz,
    owner_client_id text,
    raw jsonb NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (store_hash, id)
);

COMMENT ON TABLE bigcommerce.customer_metafields IS
    'BigCommerce customer metafields (GET /customers/metafields), one row per (store_hash, id)';
COMMENT ON COLUMN bigcommerce.customer_metafields.resource_id IS 'the id of the customer the metafield belongs to';
COMMENT ON COLUMN bigcommerce.customer_metafields.raw IS 'the record as received from the API';
COMMENT ON COLUMN bigcommerce.customer_metafields.synced_at IS 'when the row content last changed in the mirror';
COMMENT ON COLUMN bigcommerce.customer_metafields.deleted_at IS
    'soft delete: set when gone from BigCommerce, cleared if it reappears';

CREATE TABLE bigcommerce.customer_settings (
    store_hash text NOT NULL,
    privacy_settings jsonb,
    customer_group_settings jsonb,
    raw jsonb NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (store_hash)
);

COMMENT ON TABLE bigcommerce.customer_settings IS
    'BigCommerce store-wide customer settings (GET /customers/settings), one row per store';
COMMENT ON COLUMN bigcommerce.customer_settings.privacy_settings IS 'the object as sent (small, read whole)';
COMMENT ON COLUMN bigcommerce.customer_settings.customer_group_settings IS 'the object as sent (small, read whole)';
COMMENT ON COLUMN bigcommerce.customer_settings.raw IS 'the record as received from the API';
COMMENT ON COLUMN bigcommerce.customer_settings.synced_at IS 'when the row content last changed in the mirror';
COMMENT ON COLUMN bigcommerce.customer_settings.deleted_at IS
    'soft delete: set when gone from BigCommerce, cleared if it reappears';

CREATE TABLE bigcommerce.customer_channel_settings (
    store_hash text NOT NULL,
    channel_id bigint NOT NULL,
    privacy_settings jsonb,
    customer_group_settings jsonb,
    allow_global_logins boolean,
    raw jsonb NOT NULL,
    synced_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (store_hash, channel_id)
);

COMMENT ON TABLE bigcommerce.customer_channel_settings IS
    'BigCommerce customer settings per channel (GET /customers/settings/channels/{id}), '
    'one row per (store_hash, channel_id)';
COMMENT ON COLUMN bigcommerce.customer_channel_settings.privacy_settings IS 'the object as sent (small, read whole)';
COMMENT ON COLUMN bigcommerce.customer_channel_settings.customer_group_settings IS
    'the object as sent (small, read whole)';
COMMENT ON COLUMN bigcommerce.customer_channel_settings.raw IS 'the record as received from the API, plus channel_id';
COMMENT ON COLUMN bigcommerce.customer_channel_settings.synced_at IS 'when the row content last changed in the mirror';
COMMENT ON COLUMN bigcommerce.customer_channel_settings.deleted_at IS
    'soft delete: set when gone from BigCommerce, cleared if it reappears';
