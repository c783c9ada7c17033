//! `bigcommerce.customer_addresses`: the bulk upsert and the soft delete of addresses
//! that disappeared from a customer's complete set.

use bigcommerce_models::{Address, Raw};
use sqlx::PgConnection;

use crate::MirrorError;
use crate::copy_rows::CopyRows;
use crate::dedup::last_per_id;
use crate::error::failed;
use crate::fill::CopyTarget;

/// The columns of `customer_addresses` (listed in `UPSERT` below) that hold personal
/// data: erasure sets them to NULL, with `raw`. Country and address type stay.
pub(crate) const PERSONAL: &[&str] = &[
    "first_name",
    "last_name",
    "company",
    "address1",
    "address2",
    "city",
    "state_or_province",
    "postal_code",
    "phone",
    "form_fields",
];

/// Same rules as the customers upsert: compare `raw`, undelete on reappearance, log
/// the rows written in `change_log`.
const UPSERT: &str = r#"
WITH written AS (
INSERT INTO bigcommerce.customer_addresses AS a (
    store_hash, id, customer_id, first_name, last_name, company, address1, address2, city,
    state_or_province, postal_code, country_code, country, phone, address_type, form_fields, raw,
    synced_at, deleted_at)
SELECT $1, u.id, u.customer_id, u.first_name, u.last_name, u.company, u.address1, u.address2, u.city,
    u.state_or_province, u.postal_code, u.country_code, u.country, u.phone, u.address_type, u.form_fields,
    u.raw, now(), NULL
FROM UNNEST($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::jsonb[],
    $17::jsonb[])
    AS u(id, customer_id, first_name, last_name, company, address1, address2, city, state_or_province,
        postal_code, country_code, country, phone, address_type, form_fields, raw)
ON CONFLICT (store_hash, id) DO UPDATE SET
    customer_id = EXCLUDED.customer_id,
    first_name = EXCLUDED.first_name,
    last_name = EXCLUDED.last_name,
    company = EXCLUDED.company,
    address1 = EXCLUDED.address1,
    address2 = EXCLUDED.address2,
    city = EXCLUDED.city,
    state_or_province = EXCLUDED.state_or_province,
    postal_code = EXCLUDED.postal_code,
    country_code = EXCLUDED.country_code,
    country = EXCLUDED.country,
    phone = EXCLUDED.phone,
    address_type = EXCLUDED.address_type,
    form_fields = EXCLUDED.form_fields,
    raw = EXCLUDED.raw,
    synced_at = EXCLUDED.synced_at,
    deleted_at = NULL
WHERE a.raw IS DISTINCT FROM EXCLUDED.raw OR a.deleted_at IS NOT NULL
RETURNING a.id, (a.xmax = 0) AS inserted
), logged AS (
    INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op)
    SELECT $1, 'customer_addresses', id::text, CASE WHEN inserted THEN 'insert' ELSE 'update' END
    FROM written
)
SELECT inserted FROM written
"#;

/// A deletion is a change of the row, so `synced_at` moves with `deleted_at`: a consumer
/// reading the mirror incrementally by `synced_at` sees it, and it is logged in
/// `change_log`. Returns the number of addresses deleted.
///
/// The ids to delete are the customers' live ids `EXCEPT` the page's (one hash or sort
/// of each side), where `id <> ALL($3)` compared every live address with every id of
/// the page. The bounds repeat what `= ANY` says so that the customer index is read
/// over the page's span of customer ids, whatever the planner thinks of `= ANY`. The
/// outer `WHERE` repeats the scope so that an address another transaction moved to
/// another customer meanwhile is rechecked on its new version and spared.
const DELETE_MISSING: &str = r#"
WITH deleted AS (
    UPDATE bigcommerce.customer_addresses AS a
    SET deleted_at = now(), synced_at = now()
    WHERE a.store_hash = $1 AND a.customer_id = ANY($2::bigint[]) AND a.deleted_at IS NULL
        AND a.id IN (
            SELECT l.id FROM bigcommerce.customer_addresses AS l
            WHERE l.store_hash = $1 AND l.customer_id = ANY($2::bigint[]) AND l.deleted_at IS NULL
                AND l.customer_id >= (SELECT min(c) FROM unnest($2::bigint[]) AS c)
                AND l.customer_id <= (SELECT max(c) FROM unnest($2::bigint[]) AS c)
            EXCEPT SELECT unnest($3::bigint[]))
    RETURNING a.id
), logged AS (
    INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op)
    SELECT $1, 'customer_addresses', id::text, 'delete' FROM deleted
)
SELECT count(*) FROM deleted
"#;

/// New rows by `COPY` ([`crate::fill`]): the columns of `UPSERT` but `synced_at`
/// (its default, `now()`, is the value the upsert writes) and `deleted_at` (NULL).
pub(crate) const COPY: CopyTarget = CopyTarget {
    table: "customer_addresses",
    statement: "COPY bigcommerce.customer_addresses (store_hash, id, customer_id, first_name, last_name, \
           company, address1, address2, city, state_or_province, postal_code, country_code, country, \
           phone, address_type, form_fields, raw) FROM STDIN (FORMAT binary)",
    failed: "copying new rows into bigcommerce.customer_addresses",
};

/// The rows of `COPY`, each field as the upsert binds it.
pub(crate) fn copy_rows(store_hash: &str, rows: &[&Raw<Address>]) -> Vec<u8> {
    let mut out = CopyRows::new(17);
    for r in rows {
        let a = &r.value;
        out.row();
        out.text(Some(store_hash));
        out.int8(Some(a.id));
        out.int8(Some(a.customer_id));
        for text in [
            &a.first_name,
            &a.last_name,
            &a.company,
            &a.address1,
            &a.address2,
            &a.city,
            &a.state_or_province,
            &a.postal_code,
            &a.country_code,
            &a.country,
            &a.phone,
            &a.address_type,
        ] {
            out.text(text.as_deref());
        }
        let form_fields = a.form_fields.as_ref().and_then(|f| serde_json::to_string(f).ok());
        out.jsonb(form_fields.as_deref());
        out.jsonb(Some(r.raw.get()));
    }
    out.finish()
}

/// Rows inserted and rows updated (unchanged rows count in neither).
pub(crate) async fn upsert(
    conn: &mut PgConnection,
    store_hash: &str,
    addresses: &[Raw<Address>],
) -> Result<(u64, u64), MirrorError> {
    let rows = last_per_id(addresses, |a| a.value.id);
    if rows.is_empty() {
        return Ok((0, 0));
    }
    let values = || rows.iter().map(|r| &r.value);
    let text = |f: fn(&Address) -> &Option<String>| values().map(|a| f(a).as_deref()).collect::<Vec<_>>();

    let inserted: Vec<bool> = sqlx::query_scalar(UPSERT)
        .bind(store_hash)
        .bind(values().map(|a| a.id).collect::<Vec<_>>())
        .bind(values().map(|a| a.customer_id).collect::<Vec<_>>())
        .bind(text(|a| &a.first_name))
        .bind(text(|a| &a.last_name))
        .bind(text(|a| &a.company))
        .bind(text(|a| &a.address1))
        .bind(text(|a| &a.address2))
        .bind(text(|a| &a.city))
        .bind(text(|a| &a.state_or_province))
        .bind(text(|a| &a.postal_code))
        .bind(text(|a| &a.country_code))
        .bind(text(|a| &a.country))
        .bind(text(|a| &a.phone))
        .bind(text(|a| &a.address_type))
        .bind(
            values()
                .map(|a| a.form_fields.as_ref().and_then(|f| serde_json::to_value(f).ok()))
                .collect::<Vec<_>>(),
        )
        .bind(
            rows.iter()
                .map(|r| sqlx::types::Json(r.raw.as_raw_value()))
                .collect::<Vec<_>>(),
        )
        .fetch_all(conn)
        .await
        .map_err(failed("bulk upsert into bigcommerce.customer_addresses"))?;
    let new = inserted.iter().filter(|i| **i).count() as u64;
    Ok((new, inserted.len() as u64 - new))
}

/// Soft-deletes the live addresses of `customers` that are not in `keep` (the page's
/// address ids). Runs after the upsert, so an address that moved to another customer
/// already carries its new `customer_id` and is not deleted by its old owner's set.
pub(crate) async fn delete_missing(
    conn: &mut PgConnection,
    store_hash: &str,
    customers: &[i64],
    keep: &[i64],
) -> Result<u64, MirrorError> {
    if customers.is_empty() {
        return Ok(0);
    }
    let deleted: i64 = sqlx::query_scalar(DELETE_MISSING)
        .bind(store_hash)
        .bind(customers)
        .bind(keep)
        .fetch_one(conn)
        .await
        .map_err(failed(
            "soft delete of missing addresses in bigcommerce.customer_addresses",
        ))?;
    Ok(deleted.unsigned_abs())
}

/// Bounds are inclusive and written out (not `BETWEEN SYMMETRIC`): a range with
/// lo > hi must judge nothing. Logged like `DELETE_MISSING`.
const DELETE_IN_RANGE_EXCEPT: &str = r#"
WITH deleted AS (
    UPDATE bigcommerce.customer_addresses
    SET deleted_at = now(), synced_at = now()
    WHERE store_hash = $1 AND deleted_at IS NULL AND id >= $2 AND id <= $3 AND id <> ALL($4::bigint[])
    RETURNING id
), logged AS (
    INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op)
    SELECT $1, 'customer_addresses', id::text, 'delete' FROM deleted
)
SELECT count(*) FROM deleted
"#;

/// Soft-deletes the live addresses of the store whose id lies in `lo..=hi` and is not
/// in `keep`: a sweep page vouches for every address id within its range.
pub(crate) async fn delete_in_range_except(
    conn: &mut PgConnection,
    store_hash: &str,
    (lo, hi): (i64, i64),
    keep: &[i64],
) -> Result<u64, MirrorError> {
    if lo > hi {
        return Ok(0);
    }
    let deleted: i64 = sqlx::query_scalar(DELETE_IN_RANGE_EXCEPT)
        .bind(store_hash)
        .bind(lo)
        .bind(hi)
        .bind(keep)
        .fetch_one(conn)
        .await
        .map_err(failed(
            "soft delete of swept-out addresses in bigcommerce.customer_addresses",
        ))?;
    Ok(deleted.unsigned_abs())
}
