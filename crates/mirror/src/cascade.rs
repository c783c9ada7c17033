//! The soft delete of customers together with everything they own, as one statement
//! (so one transaction), with a `change_log` 'delete' row for every row it marks.
//!
//! A deleted customer's children are gone upstream too, but nothing else would ever
//! mark them: the sweeps that judge them skip deleted customers.

use crate::record_sql::entity_id;
use crate::resources::{Resource, spec_of};

/// The statement deleting the live customers of store `$1` that match `predicate` (SQL
/// over the customer row `c`, may use `$2`) and their live children: addresses,
/// attribute values, form field values (the customer's own and its addresses'),
/// consent, stored instruments and metafields (`resource_id`). Returns one row: the
/// number of customers marked.
pub(crate) fn delete_customers_where(predicate: &str) -> String {
    let form_field_id = entity_id(spec_of(Resource::FormFieldValues), "t");
    let instrument_id = entity_id(spec_of(Resource::StoredInstruments), "t");
    // Every CTE sees the snapshot from before the statement, so `owners` also holds the
    // addresses this statement marks, and those deleted earlier (whose form field values
    // may still be live). One (owner_type, owner_id) list rather than an OR of two
    // conditions: the OR plans as a scan of every form field value, the list as lookups
    // in the primary key.
    format!(
        r#"
WITH marked AS (
    UPDATE bigcommerce.customers AS c
    SET deleted_at = now(), synced_at = now()
    WHERE c.store_hash = $1 AND c.deleted_at IS NULL AND ({predicate})
    RETURNING c.id
), owners AS (
    SELECT 'customer' AS owner_type, id AS owner_id FROM marked
    UNION ALL
    SELECT 'address', a.id FROM bigcommerce.customer_addresses AS a
    WHERE a.store_hash = $1 AND a.customer_id IN (SELECT id FROM marked)
), addresses AS (
    UPDATE bigcommerce.customer_addresses AS t
    SET deleted_at = now(), synced_at = now()
    WHERE t.store_hash = $1 AND t.deleted_at IS NULL AND t.customer_id IN (SELECT id FROM marked)
    RETURNING t.id::text AS entity_id
), attribute_values AS (
    UPDATE bigcommerce.customer_attribute_values AS t
    SET deleted_at = now(), synced_at = now()
    WHERE t.store_hash = $1 AND t.deleted_at IS NULL AND t.customer_id IN (SELECT id FROM marked)
    RETURNING t.id::text AS entity_id
), form_field_values AS (
    UPDATE bigcommerce.customer_form_field_values AS t
    SET deleted_at = now(), synced_at = now()
    WHERE t.store_hash = $1 AND t.deleted_at IS NULL
        AND (t.owner_type, t.owner_id) IN (SELECT owner_type, owner_id FROM owners)
    RETURNING {form_field_id} AS entity_id
), consents AS (
    UPDATE bigcommerce.customer_consents AS t
    SET deleted_at = now(), synced_at = now()
    WHERE t.store_hash = $1 AND t.deleted_at IS NULL AND t.customer_id IN (SELECT id FROM marked)
    RETURNING t.customer_id::text AS entity_id
), instruments AS (
    UPDATE bigcommerce.customer_stored_instruments AS t
    SET deleted_at = now(), synced_at = now()
    WHERE t.store_hash = $1 AND t.deleted_at IS NULL AND t.customer_id IN (SELECT id FROM marked)
    RETURNING {instrument_id} AS entity_id
), metafields AS (
    UPDATE bigcommerce.customer_metafields AS t
    SET deleted_at = now(), synced_at = now()
    WHERE t.store_hash = $1 AND t.deleted_at IS NULL AND t.resource_id IN (SELECT id FROM marked)
    RETURNING t.id::text AS entity_id
), logged AS (
    INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op)
    SELECT $1, d.entity, d.entity_id, 'delete' FROM (
        SELECT 'customers' AS entity, id::text AS entity_id FROM marked
        UNION ALL SELECT 'customer_addresses', entity_id FROM addresses
        UNION ALL SELECT 'customer_attribute_values', entity_id FROM attribute_values
        UNION ALL SELECT 'customer_form_field_values', entity_id FROM form_field_values
        UNION ALL SELECT 'customer_consents', entity_id FROM consents
        UNION ALL SELECT 'customer_stored_instruments', entity_id FROM instruments
        UNION ALL SELECT 'customer_metafields', entity_id FROM metafields
    ) AS d
)
SELECT count(*) FROM marked
"#
    )
}
