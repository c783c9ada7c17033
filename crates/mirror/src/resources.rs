//! The resources written by the generic writer ([`Mirror::write_records`](crate::Mirror::write_records)),
//! each described by a column spec ([`Resource`] itself is `bigcommerce_models`'): its table, its columns and how each is extracted
//! from the record's JSON, its key, and which scopes can judge its rows.
//!
//! Adding a resource is an arm of `bigcommerce_models::Resource`, a spec entry here and a
//! migration creating its table; the SQL
//! is generated from the spec (`record_sql.rs`).

use Kind::{BigInt, Boolean, Jsonb, Text, TextArray, Timestamptz};

pub use bigcommerce_models::Resource;

/// The resources the generic writer stores (those with a spec), in the order of the
/// migrations that created their tables.
pub fn record_resources() -> impl Iterator<Item = Resource> {
    Resource::ALL.into_iter().filter(|r| spec(*r).is_some())
}

/// How `resource` maps onto its table. `None`: customers and their addresses, which
/// have a writer of their own (`page.rs`). A new [`Resource`] arm fails to compile
/// until it is given a spec here (or `None`).
pub(crate) fn spec(resource: Resource) -> Option<&'static Spec> {
    match resource {
        Resource::Customers | Resource::Addresses => None,
        Resource::Attributes => Some(&ATTRIBUTES),
        Resource::AttributeValues => Some(&ATTRIBUTE_VALUES),
        Resource::FormFieldValues => Some(&FORM_FIELD_VALUES),
        Resource::Consents => Some(&CONSENTS),
        Resource::StoredInstruments => Some(&STORED_INSTRUMENTS),
        Resource::Metafields => Some(&METAFIELDS),
        Resource::Settings => Some(&SETTINGS),
        Resource::ChannelSettings => Some(&CHANNEL_SETTINGS),
    }
}

/// The spec of a resource known to have one (the crate's own constants).
pub(crate) fn spec_of(resource: Resource) -> &'static Spec {
    spec(resource).unwrap_or_else(|| panic!("{resource} has no record spec"))
}

/// How one resource maps onto its table. Besides these columns every table has
/// `store_hash` (first column of its key), `raw`, `synced_at` and `deleted_at`.
#[derive(Debug)]
pub(crate) struct Spec {
    pub table: &'static str,
    /// In table order.
    pub columns: &'static [Column],
    /// The primary key after `store_hash`. Empty: one row per store.
    pub key: &'static [&'static str],
    /// Columns that are `NOT NULL` without being part of the key. A record lacking a
    /// key or required column fails its page before anything is written.
    pub required: &'static [&'static str],
    /// What `Scope::Customers` judges: a predicate over the row `t` with the customer
    /// ids as `$3`. `None`: the rows do not belong to customers.
    pub customers: Option<&'static str>,
    /// Whether rows have an `id` (what `Scope::IdRange` judges).
    pub has_id: bool,
    /// Columns holding personal data: what erasure sets to NULL (with `raw`), and
    /// what `docs/privacy.md` lists. Keys are never personal here: they must stay.
    pub personal: &'static [&'static str],
}

#[derive(Debug)]
pub(crate) struct Column {
    pub name: &'static str,
    pub extract: Extract,
}

impl Column {
    /// The JSON field(s) the column is extracted from.
    pub fn fields(&self) -> &'static str {
        match self.extract {
            Extract::Field(_) => self.name,
            Extract::Derived { from, .. } => from,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Extract {
    /// The record's JSON field of the column's name, as this SQL type.
    Field(Kind),
    /// A SQL expression over the record `r` (jsonb), for columns that are not a field
    /// of their own. `from` names the fields it reads, for error messages.
    Derived { sql: &'static str, from: &'static str },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    BigInt,
    Boolean,
    Timestamptz,
    TextArray,
    /// Any JSON value as sent; JSON `null` is stored as SQL NULL.
    Jsonb,
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        extract: Extract::Field(kind),
    }
}

/// `column` is one of the customer ids `$3`. The bounds repeat what `= ANY` says, for
/// the planner: with them an index led by (store_hash, column) is read over the ids'
/// span only, where `= ANY` alone may be taken as a filter over all of the store's
/// rows (every page reading the whole table: a first sync quadratic in its size).
macro_rules! customer_in_page {
    ($column:literal) => {
        concat!(
            $column,
            " = ANY($3::bigint[]) AND ",
            $column,
            " >= (SELECT min(c) FROM unnest($3::bigint[]) AS c) AND ",
            $column,
            " <= (SELECT max(c) FROM unnest($3::bigint[]) AS c)"
        )
    };
}

/// The customer-id predicate of the resources that carry a `customer_id` column.
const BY_CUSTOMER_ID: Option<&str> = Some(customer_in_page!("t.customer_id"));

static ATTRIBUTES: Spec = Spec {
    table: Resource::Attributes.table(),
    columns: &[
        col("id", BigInt),
        col("name", Text),
        col("type", Text),
        col("date_created", Timestamptz),
        col("date_modified", Timestamptz),
    ],
    key: &["id"],
    required: &[],
    customers: None,
    has_id: true,
    personal: &[],
};

static ATTRIBUTE_VALUES: Spec = Spec {
    table: Resource::AttributeValues.table(),
    columns: &[
        col("id", BigInt),
        col("attribute_id", BigInt),
        col("customer_id", BigInt),
        col("attribute_value", Text),
        col("date_created", Timestamptz),
        col("date_modified", Timestamptz),
    ],
    key: &["id"],
    required: &[],
    customers: BY_CUSTOMER_ID,
    has_id: true,
    personal: &["attribute_value"],
};

/// A value names its owner by `address_id` or `customer_id`. An address's value may
/// also carry its customer's id while a customer's value never carries an address id,
/// so `address_id` decides when both are there.
static FORM_FIELD_VALUES: Spec = Spec {
    table: Resource::FormFieldValues.table(),
    columns: &[
        Column {
            name: "owner_type",
            extract: Extract::Derived {
                sql: "CASE WHEN r->>'address_id' IS NOT NULL THEN 'address' \
                      WHEN r->>'customer_id' IS NOT NULL THEN 'customer' END",
                from: "customer_id or address_id",
            },
        },
        Column {
            name: "owner_id",
            extract: Extract::Derived {
                sql: "COALESCE((r->>'address_id')::bigint, (r->>'customer_id')::bigint)",
                from: "customer_id or address_id",
            },
        },
        col("customer_id", BigInt),
        col("address_id", BigInt),
        col("name", Text),
        col("value", Jsonb),
    ],
    key: &["owner_type", "owner_id", "name"],
    required: &[],
    customers: Some(concat!(
        "t.owner_type = 'customer' AND ",
        customer_in_page!("t.owner_id")
    )),
    has_id: false,
    personal: &["value"],
};

static CONSENTS: Spec = Spec {
    table: Resource::Consents.table(),
    columns: &[
        col("customer_id", BigInt),
        col("allow", TextArray),
        col("deny", TextArray),
        col("updated_at", Timestamptz),
    ],
    key: &["customer_id"],
    required: &[],
    customers: BY_CUSTOMER_ID,
    has_id: false,
    personal: &[],
};

static STORED_INSTRUMENTS: Spec = Spec {
    table: Resource::StoredInstruments.table(),
    columns: &[
        col("customer_id", BigInt),
        col("token", Text),
        col("type", Text),
        col("is_default", Boolean),
        col("brand", Text),
        col("expiry_month", BigInt),
        col("expiry_year", BigInt),
        col("issuer_identification_number", Text),
        col("last_4", Text),
        col("email", Text),
        col("masked_account_number", Text),
        col("issuer", Text),
        col("billing_address", Jsonb),
    ],
    key: &["customer_id", "token"],
    required: &["type"],
    customers: BY_CUSTOMER_ID,
    has_id: false,
    personal: &[
        "expiry_month",
        "expiry_year",
        "issuer_identification_number",
        "last_4",
        "email",
        "masked_account_number",
        "issuer",
        "billing_address",
    ],
};

static METAFIELDS: Spec = Spec {
    table: Resource::Metafields.table(),
    columns: &[
        col("id", BigInt),
        col("key", Text),
        col("value", Text),
        col("namespace", Text),
        col("permission_set", Text),
        col("description", Text),
        col("resource_type", Text),
        col("resource_id", BigInt),
        col("date_created", Timestamptz),
        col("date_modified", Timestamptz),
        col("owner_client_id", Text),
    ],
    key: &["id"],
    required: &[],
    customers: None,
    has_id: true,
    personal: &["value", "description"],
};

static SETTINGS: Spec = Spec {
    table: Resource::Settings.table(),
    columns: &[
        col("privacy_settings", Jsonb),
        col("customer_group_settings", Jsonb),
    ],
    key: &[],
    required: &[],
    customers: None,
    has_id: false,
    personal: &[],
};

static CHANNEL_SETTINGS: Spec = Spec {
    table: Resource::ChannelSettings.table(),
    columns: &[
        col("channel_id", BigInt),
        col("privacy_settings", Jsonb),
        col("customer_group_settings", Jsonb),
        col("allow_global_logins", Boolean),
    ],
    key: &["channel_id"],
    required: &[],
    customers: None,
    has_id: false,
    personal: &[],
};
