//! Erasure: the personal columns and `raw` of a customer's rows set to NULL and `{}`.
//!
//! Two ways in: rows soft-deleted for longer than the store's `erase_deleted_after`
//! (run at the end of each pass), and one customer with everything it owns at once
//! (`bcsync erase`, a data-subject request). The key, `store_hash`, `deleted_at` and the
//! non-personal columns stay, so joins and delete events still make sense. Which
//! columns are personal is declared next to each table's columns (`customers.rs`,
//! `addresses.rs`, `resources.rs`).
//!
//! Every table is one CTE of ONE statement, so the scrub and its `change_log` rows
//! (op `erase`) commit together. An erased row's `raw` is `{}`, which no API record
//! is: that is how a second run knows there is nothing left to do (and logs nothing),
//! and a record that comes back from the API differs from it, so the upsert restores
//! the row as usual.

use std::sync::LazyLock;
use std::time::Duration;

use crate::error::failed;
use crate::record_sql::entity_id;
use crate::resources::Resource;
use crate::{Mirror, MirrorError, addresses, customers};

/// What an erasure scrubbed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    pub customers: u64,
    /// Rows of every table, customers included.
    pub rows: u64,
}

/// One table's part: its name, personal columns, entity id over `t`, and the
/// predicate choosing a customer's rows (customer id `$2`).
struct Part {
    table: &'static str,
    personal: &'static [&'static str],
    entity_id: String,
    of_customer: &'static str,
    /// The key after `store_hash`: what ties a row to its versions in `<table>_history`.
    key: &'static [&'static str],
}

fn parts() -> Vec<Part> {
    let spec = crate::resources::spec_of;
    let by_customer_id = "t.customer_id = $2";
    let mut parts = vec![
        Part {
            table: "customers",
            personal: customers::PERSONAL,
            entity_id: "t.id::text".to_owned(),
            of_customer: "t.id = $2",
            key: &["id"],
        },
        Part {
            table: "customer_addresses",
            personal: addresses::PERSONAL,
            entity_id: "t.id::text".to_owned(),
            of_customer: by_customer_id,
            key: &["id"],
        },
    ];
    for (resource, of_customer) in [
        (Resource::AttributeValues, by_customer_id),
        // The customer's own values and those of its addresses (whose customer_id may
        // be absent): the address set is read from the statement's snapshot.
        (
            Resource::FormFieldValues,
            "t.customer_id = $2 OR (t.owner_type = 'customer' AND t.owner_id = $2) \
             OR (t.owner_type = 'address' AND t.owner_id IN (SELECT a.id FROM \
             bigcommerce.customer_addresses AS a WHERE a.store_hash = $1 AND a.customer_id = $2))",
        ),
        (Resource::Consents, by_customer_id),
        (Resource::StoredInstruments, by_customer_id),
        (Resource::Metafields, "t.resource_id = $2"),
    ] {
        let s = spec(resource);
        parts.push(Part {
            table: s.table,
            personal: s.personal,
            entity_id: entity_id(s, "t"),
            of_customer,
            key: s.key,
        });
    }
    parts
}

/// Each customer-data table with its personal columns, as declared next to its
/// columns: for docs, tests and anything else that must agree with erasure.
pub fn personal_columns() -> Vec<(&'static str, &'static [&'static str])> {
    parts().iter().map(|p| (p.table, p.personal)).collect()
}

/// The statement scrubbing, in every table, the rows of store `$1` matching the
/// predicate (`Some(p)`: the same for every table; `None`: each table's own
/// `of_customer`). Returns (customers scrubbed, rows scrubbed).
///
/// The earlier versions of those rows in `<table>_history` are scrubbed too, whether
/// or not the store keeps that history now: the history triggers do it only while it
/// does, and versions written before history was switched off stay. A data-subject
/// request (`None`) scrubs every version of the customer's rows, also of rows erased
/// before; the erase of long-deleted rows, the versions of the rows it erases.
fn statement(predicate: Option<&str>, drop_quarantine: &str) -> String {
    let mut ctes = Vec::new();
    let mut logged = Vec::new();
    for (i, p) in parts().iter().enumerate() {
        let nulls: String = p.personal.iter().map(|c| format!(", \"{c}\" = NULL")).collect();
        let key = |alias: &str| {
            let columns: Vec<String> = p.key.iter().map(|k| format!("{alias}.\"{k}\"")).collect();
            columns.join(", ")
        };
        ctes.push(format!(
            "e{i} AS (UPDATE bigcommerce.{table} AS t SET raw = '{{}}'::jsonb, synced_at = now(){nulls} \
             WHERE t.store_hash = $1 AND t.raw <> '{{}}'::jsonb AND ({pred}) \
             RETURNING {id} AS entity_id, {returned})",
            table = p.table,
            pred = predicate.unwrap_or(p.of_customer),
            id = p.entity_id,
            returned = key("t"),
        ));
        // The versions: by the customer's predicate (the history table has the
        // table's columns), or by the keys of the rows erased.
        let versions = match predicate {
            None => p.of_customer.to_owned(),
            Some(_) => format!("({}) IN (SELECT {} FROM e{i} AS e)", key("t"), key("e")),
        };
        ctes.push(format!(
            "h{i} AS (UPDATE bigcommerce.{table}_history AS t SET raw = '{{}}'::jsonb{nulls} \
             WHERE t.store_hash = $1 AND t.raw <> '{{}}'::jsonb AND ({versions}))",
            table = p.table,
        ));
        logged.push(format!("SELECT '{}' AS entity, entity_id FROM e{i}", p.table));
    }
    format!(
        "WITH {ctes}, \
         logged AS (INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op) \
         SELECT $1, d.entity, d.entity_id, 'erase' FROM ({all}) AS d), \
         quarantined AS (DELETE FROM bigcommerce.quarantine AS q WHERE q.store_hash = $1 \
         AND q.entity = 'customers' AND ({drop_quarantine})) \
         SELECT (SELECT count(*) FROM e0), (SELECT count(*) FROM ({all}) AS a)",
        ctes = ctes.join(", "),
        all = logged.join(" UNION ALL "),
    )
}

/// Built once: the SQL comes from static declarations only, never from input.
static ERASE_DELETED: LazyLock<String> = LazyLock::new(|| {
    statement(
        Some("t.deleted_at <= now() - make_interval(secs => $2)"),
        "q.entity_id IN (SELECT entity_id::bigint FROM e0)",
    )
});
static ERASE_CUSTOMER: LazyLock<String> = LazyLock::new(|| statement(None, "q.entity_id = $2"));

impl Mirror {
    /// Scrubs every row of the store (customers and their child tables) soft-deleted
    /// at least `after` ago and not scrubbed yet, each logged as an `erase`.
    pub async fn erase_deleted(&self, store_hash: &str, after: Duration) -> Result<Erased, MirrorError> {
        let (customers, rows): (i64, i64) = sqlx::query_as(ERASE_DELETED.as_str())
            .bind(store_hash)
            .bind(after.as_secs_f64())
            .fetch_one(self.pool())
            .await
            .map_err(failed(
                "erasing long-deleted rows (bigcommerce.customers and children)",
            ))?;
        Ok(Erased {
            customers: customers.unsigned_abs(),
            rows: rows.unsigned_abs(),
        })
    }

    /// Scrubs one customer and every row it owns, deleted or not, and drops its
    /// quarantined record, each row logged as an `erase`.
    pub async fn erase_customer(&self, store_hash: &str, customer_id: i64) -> Result<Erased, MirrorError> {
        let (customers, rows): (i64, i64) = sqlx::query_as(ERASE_CUSTOMER.as_str())
            .bind(store_hash)
            .bind(customer_id)
            .fetch_one(self.pool())
            .await
            .map_err(failed("erasing a customer (bigcommerce.customers and children)"))?;
        Ok(Erased {
            customers: customers.unsigned_abs(),
            rows: rows.unsigned_abs(),
        })
    }

    /// Whether the store's mirror has this customer: `Some(true)` live, `Some(false)`
    /// soft-deleted, `None` unknown.
    pub async fn customer_is_live(
        &self,
        store_hash: &str,
        customer_id: i64,
    ) -> Result<Option<bool>, MirrorError> {
        sqlx::query_scalar(
            "SELECT deleted_at IS NULL FROM bigcommerce.customers WHERE store_hash = $1 AND id = $2",
        )
        .bind(store_hash)
        .bind(customer_id)
        .fetch_optional(self.pool())
        .await
        .map_err(failed("reading a customer from bigcommerce.customers"))
    }
}
