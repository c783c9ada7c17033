//! `bigcommerce.customers`: one bulk upsert per page.
//!
//! Every column travels as one array parameter and `UNNEST` turns them back into rows,
//! so a page of 250 customers is one statement whatever its size. Array-valued fields
//! cannot ride in a 2-D array (PostgreSQL arrays are rectangular, these are jagged), so
//! each travels as one array literal per row (`{1,2}`, text) and is cast to its typed
//! array in SQL: one `array_in` per row, where a `jsonb` per row needed a subquery
//! (`jsonb_array_elements_text`) per row and field.

use bigcommerce_models::{Customer, Raw};
use sqlx::PgConnection;

use crate::MirrorError;
use crate::copy_rows::CopyRows;
use crate::dedup::last_per_id;
use crate::error::failed;
use crate::fill::CopyTarget;

/// The columns of `customers` (listed in `UPSERT` below) that hold personal data:
/// erasure sets them to NULL, with `raw`. The rest (ids, dates, group, channels,
/// credit amounts) stays, so joins and counts still work.
pub(crate) const PERSONAL: &[&str] = &[
    "email",
    "first_name",
    "last_name",
    "company",
    "phone",
    "registration_ip_address",
    "notes",
    "form_fields",
];

/// Content is compared through `raw`: if the record as received did not change, nothing
/// derived from it did either, so the row (and its `synced_at`) stays as it is. A
/// soft-deleted row that reappears is undeleted even when its content is the same.
/// The rows written are logged in `change_log` by the same statement.
const UPSERT: &str = r#"
WITH written AS (
INSERT INTO bigcommerce.customers AS c (
    store_hash, id, email, first_name, last_name, company, phone, registration_ip_address, notes,
    tax_exempt_category, customer_group_id, date_created, date_modified,
    force_password_reset, accepts_product_review_abandoned_cart_emails, origin_channel_id, channel_ids,
    store_credit_amounts, shopper_profile_id, segment_ids, form_fields, raw, synced_at, deleted_at)
SELECT $1, u.id, u.email, u.first_name, u.last_name, u.company, u.phone, u.registration_ip_address, u.notes,
    u.tax_exempt_category, u.customer_group_id, u.date_created, u.date_modified,
    u.force_password_reset, u.accepts_product_review_abandoned_cart_emails,
    u.origin_channel_id,
    u.channel_ids::bigint[], u.store_credit_amounts::numeric[], u.shopper_profile_id, u.segment_ids::text[],
    u.form_fields, u.raw, now(), NULL
FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::text[], $11::bigint[], $12::timestamptz[], $13::timestamptz[],
    $14::boolean[], $15::boolean[], $16::bigint[], $17::text[], $18::text[], $19::text[], $20::text[],
    $21::jsonb[], $22::jsonb[])
    AS u(id, email, first_name, last_name, company, phone, registration_ip_address, notes,
        tax_exempt_category, customer_group_id, date_created, date_modified,
        force_password_reset, accepts_product_review_abandoned_cart_emails, origin_channel_id, channel_ids,
        store_credit_amounts, shopper_profile_id, segment_ids, form_fields, raw)
ON CONFLICT (store_hash, id) DO UPDATE SET
    email = EXCLUDED.email,
    first_name = EXCLUDED.first_name,
    last_name = EXCLUDED.last_name,
    company = EXCLUDED.company,
    phone = EXCLUDED.phone,
    registration_ip_address = EXCLUDED.registration_ip_address,
    notes = EXCLUDED.notes,
    tax_exempt_category = EXCLUDED.tax_exempt_category,
    customer_group_id = EXCLUDED.customer_group_id,
    date_created = EXCLUDED.date_created,
    date_modified = EXCLUDED.date_modified,
    force_password_reset = EXCLUDED.force_password_reset,
    accepts_product_review_abandoned_cart_emails = EXCLUDED.accepts_product_review_abandoned_cart_emails,
    origin_channel_id = EXCLUDED.origin_channel_id,
    channel_ids = EXCLUDED.channel_ids,
    store_credit_amounts = EXCLUDED.store_credit_amounts,
    shopper_profile_id = EXCLUDED.shopper_profile_id,
    segment_ids = EXCLUDED.segment_ids,
    form_fields = EXCLUDED.form_fields,
    raw = EXCLUDED.raw,
    synced_at = EXCLUDED.synced_at,
    deleted_at = NULL
WHERE c.raw IS DISTINCT FROM EXCLUDED.raw OR c.deleted_at IS NOT NULL
RETURNING c.id, (c.xmax = 0) AS inserted
), logged AS (
    INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op)
    SELECT $1, 'customers', id::text, CASE WHEN inserted THEN 'insert' ELSE 'update' END FROM written
)
SELECT inserted FROM written
"#;

/// New rows by `COPY` ([`crate::fill`]): the columns of `UPSERT` but `synced_at`
/// (its default, `now()`, is the value the upsert writes) and `deleted_at` (NULL).
pub(crate) const COPY: CopyTarget = CopyTarget {
    table: "customers",
    statement: "COPY bigcommerce.customers (store_hash, id, email, first_name, last_name, company, phone, \
           registration_ip_address, notes, tax_exempt_category, customer_group_id, date_created, \
           date_modified, force_password_reset, accepts_product_review_abandoned_cart_emails, \
           origin_channel_id, channel_ids, store_credit_amounts, shopper_profile_id, segment_ids, \
           form_fields, raw) FROM STDIN (FORMAT binary)",
    failed: "copying new rows into bigcommerce.customers",
};

/// The rows of `COPY`, each field as the upsert binds it.
pub(crate) fn copy_rows(store_hash: &str, rows: &[&Raw<Customer>]) -> Vec<u8> {
    let mut out = CopyRows::new(22);
    for r in rows {
        let c = &r.value;
        out.row();
        out.text(Some(store_hash));
        out.int8(Some(c.id));
        for text in [
            &c.email,
            &c.first_name,
            &c.last_name,
            &c.company,
            &c.phone,
            &c.registration_ip_address,
            &c.notes,
            &c.tax_exempt_category,
        ] {
            out.text(text.as_deref());
        }
        out.int8(c.customer_group_id);
        out.timestamptz(Some(c.date_created));
        out.timestamptz(Some(c.date_modified));
        out.bool(force_password_reset(c));
        out.bool(c.accepts_product_review_abandoned_cart_emails);
        out.int8(c.origin_channel_id);
        out.int8_array(c.channel_ids.as_deref());
        let amounts = c.store_credit_amounts.as_ref().map(|credits| {
            credits
                .iter()
                .map(|s| s.amount.and_then(serde_json::Number::from_f64))
                .collect::<Vec<_>>()
        });
        out.numeric_array(amounts.as_deref());
        out.text(c.shopper_profile_id.as_deref());
        out.text_array(c.segment_ids.as_deref());
        let form_fields = c.form_fields.as_ref().and_then(|f| serde_json::to_string(f).ok());
        out.jsonb(form_fields.as_deref());
        out.jsonb(Some(r.raw.get()));
    }
    out.finish()
}

/// Rows inserted and rows updated (unchanged rows count in neither).
pub(crate) async fn upsert(
    conn: &mut PgConnection,
    store_hash: &str,
    customers: &[Raw<Customer>],
) -> Result<(u64, u64), MirrorError> {
    let rows = last_per_id(customers, |c| c.value.id);
    if rows.is_empty() {
        return Ok((0, 0));
    }
    let values = || rows.iter().map(|r| &r.value);
    let text = |f: fn(&Customer) -> &Option<String>| values().map(|c| f(c).as_deref()).collect::<Vec<_>>();
    let literal = |f: fn(&Customer) -> Option<String>| values().map(f).collect::<Vec<_>>();

    let inserted: Vec<bool> = sqlx::query_scalar(UPSERT)
        .bind(store_hash)
        .bind(values().map(|c| c.id).collect::<Vec<_>>())
        .bind(text(|c| &c.email))
        .bind(text(|c| &c.first_name))
        .bind(text(|c| &c.last_name))
        .bind(text(|c| &c.company))
        .bind(text(|c| &c.phone))
        .bind(text(|c| &c.registration_ip_address))
        .bind(text(|c| &c.notes))
        .bind(text(|c| &c.tax_exempt_category))
        .bind(values().map(|c| c.customer_group_id).collect::<Vec<_>>())
        .bind(values().map(|c| c.date_created).collect::<Vec<_>>())
        .bind(values().map(|c| c.date_modified).collect::<Vec<_>>())
        .bind(values().map(force_password_reset).collect::<Vec<_>>())
        .bind(
            values()
                .map(|c| c.accepts_product_review_abandoned_cart_emails)
                .collect::<Vec<_>>(),
        )
        .bind(values().map(|c| c.origin_channel_id).collect::<Vec<_>>())
        .bind(literal(|c| {
            c.channel_ids
                .as_deref()
                .map(|ids| array_literal(ids, |id| Some(id.to_string())))
        }))
        .bind(literal(store_credit_amounts))
        .bind(text(|c| &c.shopper_profile_id))
        .bind(literal(|c| {
            c.segment_ids
                .as_deref()
                .map(|ids| array_literal(ids, |id| Some(quoted(id))))
        }))
        // Serialised straight from the typed values: no `Value` tree on the way.
        .bind(
            values()
                .map(|c| c.form_fields.as_ref().map(sqlx::types::Json))
                .collect::<Vec<_>>(),
        )
        .bind(
            rows.iter()
                .map(|r| sqlx::types::Json(r.raw.as_raw_value()))
                .collect::<Vec<_>>(),
        )
        .fetch_all(conn)
        .await
        .map_err(failed("bulk upsert into bigcommerce.customers"))?;
    let new = inserted.iter().filter(|i| **i).count() as u64;
    Ok((new, inserted.len() as u64 - new))
}

/// `authentication.force_password_reset`: the only field of `authentication` the API
/// returns, flattened into its own column.
fn force_password_reset(c: &Customer) -> Option<bool> {
    c.authentication.as_ref().and_then(|a| a.force_password_reset)
}

/// The amounts only (`{12.5,NULL}`): `store_credit_amounts` is `numeric[]`, and `f64`
/// is written in JSON's shortest round-trip form (as when it travelled as `jsonb`), so
/// 0.1 is stored as exactly 0.1. A non-finite amount (no JSON form) is NULL, as before.
fn store_credit_amounts(c: &Customer) -> Option<String> {
    let credits = c.store_credit_amounts.as_ref()?;
    Some(array_literal(credits, |s| {
        s.amount
            .and_then(serde_json::Number::from_f64)
            .map(|n| n.to_string())
    }))
}

/// A PostgreSQL array literal (`{a,b,NULL}`) of `items`, each written by `element`
/// (`None`: NULL). Elements must already be quoted where they need it ([`quoted`]).
fn array_literal<T>(items: &[T], element: impl Fn(&T) -> Option<String>) -> String {
    let mut out = String::from("{");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(element(item).as_deref().unwrap_or("NULL"));
    }
    out.push('}');
    out
}

/// A text element of an array literal: double-quoted, `"` and `\` escaped, so any
/// string (empty, `NULL`, with commas, braces or spaces) reads back as itself.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}
