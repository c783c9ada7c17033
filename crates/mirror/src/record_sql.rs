//! The statements of the generic writer, generated once per resource from its spec.
//!
//! Records travel as one `jsonb[]` parameter and every typed column is extracted from
//! them in SQL, so a page is one statement whatever its size and whatever the resource,
//! and a field missing from `raw` (an excluded one, say) is NULL in its column without
//! any code knowing about it. The SQL is built only from the static specs of
//! `resources.rs`: no input ever reaches it, which is why the `&'static str` it yields
//! may be handed to sqlx as is.
//!
//! Every statement that changes rows also logs them in `bigcommerce.change_log`, in a
//! data-modifying CTE over its `RETURNING` rows: one statement, so the log commits (or
//! rolls back) with the change, and only rows that really changed are logged.

use std::collections::HashMap;
use std::iter::once;
use std::sync::LazyLock;

use crate::resources::{Column, Extract, Kind, Resource, Spec};

/// The statements of one resource. Parameters: `$1` store hash, `$2` the records
/// (`jsonb[]`), then the scope's (`$3` customer ids, or `$3`/`$4` the id range).
#[derive(Debug)]
pub(crate) struct Statements {
    /// Returns one row: (first record lacking a key or required column: its 1-based
    /// position and the column; rows inserted; rows updated). When a record lacks a
    /// key nothing is written: the check and the insert are one statement.
    pub(crate) upsert: String,
    /// [`Statements::upsert`] for rows no row of the table can conflict with (a page
    /// of customers new to the mirror: [`crate::fill`]): a plain `INSERT`, which
    /// skips the speculative insertion of `ON CONFLICT`. Same parameters and row; a
    /// conflict all the same fails on the key.
    pub(crate) insert_new: String,
    /// Whether no row of the store has an id in `$2..=$3`: the page's records may take
    /// [`Statements::insert_new`]. `None` for a table not keyed by `id` alone.
    pub(crate) ids_free: Option<String>,
    /// Soft-deletes the store's live rows missing from a complete listing.
    pub(crate) delete_everything: String,
    /// The same within some customers' rows (a page of per-customer records).
    pub(crate) delete_customers: Option<String>,
    /// The same within an id range (one page of a listing sorted by id).
    pub(crate) delete_id_range: Option<String>,
    /// Live rows, for the count check against the API's total.
    pub(crate) count_live: String,
    /// What failed, for [`MirrorError::Query`](crate::MirrorError::Query) (which wants a
    /// `&'static str`: these live as long as the statements).
    pub(crate) upsert_failed: String,
    pub(crate) delete_failed: String,
    pub(crate) commit_failed: String,
    pub(crate) count_failed: String,
}

static STATEMENTS: LazyLock<HashMap<Resource, Statements>> = LazyLock::new(|| {
    crate::resources::record_resources()
        .map(|r| (r, Statements::new(crate::resources::spec_of(r))))
        .collect()
});

pub(crate) fn statements(resource: Resource) -> &'static Statements {
    &STATEMENTS[&resource]
}

impl Statements {
    fn new(spec: &Spec) -> Statements {
        Statements {
            upsert: upsert(spec, true),
            insert_new: upsert(spec, false),
            ids_free: (spec.key == ["id"]).then(|| {
                format!(
                    "SELECT NOT EXISTS (SELECT 1 FROM bigcommerce.{} WHERE store_hash = $1 AND id BETWEEN $2 AND $3)",
                    spec.table
                )
            }),
            delete_everything: delete(spec, "TRUE"),
            delete_customers: spec.customers.map(|predicate| delete(spec, predicate)),
            delete_id_range: spec
                .has_id
                .then(|| delete(spec, "t.\"id\" >= $3 AND t.\"id\" <= $4")),
            count_live: format!(
                "SELECT count(*) FROM bigcommerce.{} WHERE store_hash = $1 AND deleted_at IS NULL",
                spec.table
            ),
            upsert_failed: format!("bulk upsert into bigcommerce.{}", spec.table),
            delete_failed: format!("soft delete of missing rows in bigcommerce.{}", spec.table),
            commit_failed: format!("committing a page of bigcommerce.{} (and sync_state)", spec.table),
            count_failed: format!("counting live rows of bigcommerce.{}", spec.table),
        }
    }
}

/// Quoted: column names are the API's field names, and a future one may be a keyword.
fn ident(name: &str) -> String {
    format!("\"{name}\"")
}

/// The SQL expression of `column` over the record `r`. Every form yields NULL for an
/// absent field and for JSON `null`.
fn extract(column: &Column) -> String {
    let f = column.name;
    let kind = match column.extract {
        Extract::Derived { sql, .. } => return format!("({sql})"),
        Extract::Field(kind) => kind,
    };
    match kind {
        Kind::Text => format!("(r->>'{f}')"),
        Kind::BigInt => format!("(r->>'{f}')::bigint"),
        Kind::Boolean => format!("(r->>'{f}')::boolean"),
        Kind::Timestamptz => format!("(r->>'{f}')::timestamptz"),
        // `r->'f'` is SQL NULL when absent but jsonb `null` when sent as null.
        Kind::Jsonb => format!("NULLIF(r->'{f}', 'null'::jsonb)"),
        // Order kept; a scalar where an array belongs fails the statement rather than
        // being stored as NULL (the client validates types, so it means a bug).
        Kind::TextArray => format!(
            "CASE WHEN jsonb_typeof(r->'{f}') <> 'null' THEN ARRAY(\
             SELECT e FROM jsonb_array_elements_text(r->'{f}') WITH ORDINALITY AS a(e, n) ORDER BY n) END"
        ),
    }
}

fn column<'s>(spec: &'s Spec, name: &str) -> &'s Column {
    spec.columns
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{}: no column {name} in its spec", spec.table))
}

/// The row's key after `store_hash` as text, over the row alias `row`: the values
/// joined with ':' in key order; 'settings' for the one-row-per-store table. A key
/// column named `token` (a stored instrument's payment token) appears as the hex
/// SHA-256 of its value: `change_log` is read by more people than the mirror.
pub(crate) fn entity_id(spec: &Spec, row: &str) -> String {
    if spec.key.is_empty() {
        return "'settings'".to_owned();
    }
    join(
        spec.key.iter().map(|k| match *k {
            "token" => format!("encode(sha256(convert_to({row}.token, 'UTF8')), 'hex')"),
            _ => format!("{row}.{}::text", ident(k)),
        }),
        " || ':' || ",
    )
}

fn join(items: impl Iterator<Item = String>, separator: &str) -> String {
    items.collect::<Vec<_>>().join(separator)
}

/// Content is compared through `raw`, as for customers: an identical record changes
/// nothing (not even `synced_at`); a soft-deleted row that reappears is undeleted.
/// Duplicate keys keep their last occurrence (`ON CONFLICT` refuses to touch a row
/// twice in one statement). The page's own columns start with `_` so that no API field
/// name can collide with them. `on_conflict: false`: a plain insert (every row new).
fn upsert(spec: &Spec, on_conflict: bool) -> String {
    let table = spec.table;
    let columns = join(spec.columns.iter().map(|c| ident(c.name)), ", ");
    let extracted = join(
        spec.columns
            .iter()
            .map(|c| format!("{} AS {}", extract(c), ident(c.name))),
        ",\n        ",
    );
    let required: Vec<&str> = spec.key.iter().chain(spec.required).copied().collect();
    let missing = if required.is_empty() {
        "SELECT NULL::bigint AS _position, NULL::text AS _column WHERE FALSE".to_owned()
    } else {
        format!(
            "SELECT _position, CASE {} END AS _column FROM page WHERE {} ORDER BY _position LIMIT 1",
            join(
                required
                    .iter()
                    .map(|c| format!("WHEN {} IS NULL THEN '{c}'", ident(c))),
                " "
            ),
            join(required.iter().map(|c| format!("{} IS NULL", ident(c))), " OR "),
        )
    };
    let latest = if spec.key.is_empty() {
        "SELECT * FROM page ORDER BY _position DESC LIMIT 1".to_owned()
    } else {
        let key = join(spec.key.iter().map(|k| ident(k)), ", ");
        format!("SELECT DISTINCT ON ({key}) * FROM page ORDER BY {key}, _position DESC")
    };
    let conflict = join(
        once("store_hash").chain(spec.key.iter().copied()).map(ident),
        ", ",
    );
    let updates = join(
        spec.columns
            .iter()
            .filter(|c| !spec.key.contains(&c.name))
            .map(|c| format!("{0} = EXCLUDED.{0}", ident(c.name)))
            .chain(
                [
                    "raw = EXCLUDED.raw",
                    "synced_at = EXCLUDED.synced_at",
                    "deleted_at = NULL",
                ]
                .map(String::from),
            ),
        ",\n        ",
    );
    let on_conflict = if on_conflict {
        format!(
            "ON CONFLICT ({conflict}) DO UPDATE SET
        {updates}
    WHERE t.raw IS DISTINCT FROM EXCLUDED.raw OR t.deleted_at IS NOT NULL
    RETURNING (t.xmax = 0) AS inserted"
        )
    } else {
        "RETURNING TRUE AS inserted".to_owned()
    };
    format!(
        r#"
WITH page AS (
    SELECT u._position, u.r AS _raw,
        {extracted}
    FROM unnest($2::jsonb[]) WITH ORDINALITY AS u(r, _position)
), missing AS (
    {missing}
), latest AS (
    {latest}
), written AS (
    INSERT INTO bigcommerce.{table} AS t (store_hash, {columns}, raw, synced_at, deleted_at)
    SELECT $1, {columns}, _raw, now(), NULL FROM latest
    WHERE NOT EXISTS (SELECT 1 FROM missing)
    {on_conflict}, {entity_id} AS _entity_id
), logged AS (
    INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op)
    SELECT $1, '{table}', _entity_id, CASE WHEN inserted THEN 'insert' ELSE 'update' END FROM written
)
SELECT (SELECT _position FROM missing), (SELECT _column FROM missing),
    count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
FROM written
"#,
        entity_id = entity_id(spec, "t"),
    )
}

/// Soft-deletes the live rows within `scope` whose key is not among the records'.
/// Runs after the upsert, so a row that moved (an attribute value now of another
/// customer) already carries its new owner and is not judged by its old one. A
/// deletion is a change: `synced_at` moves with `deleted_at`, and it is logged. Returns
/// one row: the number of rows deleted.
///
/// The keys to delete are the scope's live keys `EXCEPT` the records' (a hash or sort
/// of each side, the records' keys extracted once each): an anti-join the planner
/// may run as a nested loop, extracting every record's key for every row in scope. The
/// outer `WHERE` repeats the scope so that a row another transaction moved out of it
/// meanwhile is rechecked on its new version and spared, as a plain `WHERE` would.
fn delete(spec: &Spec, scope: &str) -> String {
    let table = spec.table;
    let missing = if spec.key.is_empty() {
        // One row per store: any record on the page is that row.
        "NOT EXISTS (SELECT 1 FROM unnest($2::jsonb[]) AS u(r))".to_owned()
    } else {
        let key = join(spec.key.iter().map(|k| format!("t.{}", ident(k))), ", ");
        let extracted = join(spec.key.iter().map(|k| extract(column(spec, k))), ", ");
        format!(
            "({key}) IN (\n\
             SELECT {key} FROM bigcommerce.{table} AS t\n\
             WHERE t.store_hash = $1 AND t.deleted_at IS NULL AND {scope}\n\
             EXCEPT SELECT {extracted} FROM unnest($2::jsonb[]) AS u(r))"
        )
    };
    format!(
        r#"
WITH deleted AS (
    UPDATE bigcommerce.{table} AS t
    SET deleted_at = now(), synced_at = now()
    WHERE t.store_hash = $1 AND t.deleted_at IS NULL AND {scope}
        AND {missing}
    RETURNING {entity_id} AS _entity_id
), logged AS (
    INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op)
    SELECT $1, '{table}', _entity_id, 'delete' FROM deleted
)
SELECT count(*) FROM deleted
"#,
        entity_id = entity_id(spec, "t"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_follow_the_spec() {
        let s = statements(Resource::StoredInstruments);
        assert!(
            s.upsert
                .contains("ON CONFLICT (\"store_hash\", \"customer_id\", \"token\")")
        );
        assert!(s.upsert.contains("WHEN \"type\" IS NULL THEN 'type'"));
        assert!(s.delete_customers.is_some() && s.delete_id_range.is_none());

        let s = statements(Resource::Settings);
        assert!(
            s.upsert.contains("ORDER BY _position DESC LIMIT 1"),
            "{}",
            s.upsert
        );
        assert!(s.upsert.contains("WHERE FALSE"));
        assert!(
            s.delete_everything
                .contains("AND NOT EXISTS (SELECT 1 FROM unnest($2::jsonb[]) AS u(r))")
        );

        let s = statements(Resource::Metafields);
        assert!(s.delete_customers.is_none() && s.delete_id_range.is_some());
        assert!(!s.upsert.contains("\"id\" = EXCLUDED"), "keys are not updated");
    }

    #[test]
    fn every_spec_is_consistent() {
        for resource in crate::resources::record_resources() {
            let spec = crate::resources::spec_of(resource);
            let has = |name: &str| spec.columns.iter().any(|c| c.name == name);
            for c in spec.columns {
                // Names are interpolated into SQL (quoted) and must not shadow the
                // statement's own `_` columns.
                assert!(
                    c.name
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
                );
                assert!(!c.name.starts_with('_'), "{resource:?}: {}", c.name);
            }
            for name in spec.key.iter().chain(spec.required) {
                assert!(has(name), "{resource:?}: {name} is not a column");
            }
            assert_eq!(spec.has_id, has("id"), "{resource:?}");
            assert!(spec.customers.is_none_or(|_| has("customer_id")), "{resource:?}");
        }
        for resource in crate::resources::record_resources() {
            assert_eq!(crate::resources::spec_of(resource).table, resource.table());
        }
    }
}
