-- Live customer_form_field_values (soft-deleted rows excluded by the view), keyed across stores.
select
    store_hash || ':' || owner_type || ':' || owner_id || ':' || name as form_field_value_key,
    CASE WHEN customer_id IS NOT NULL THEN store_hash || ':' || customer_id END as customer_key,
    CASE WHEN address_id IS NOT NULL THEN store_hash || ':' || address_id END as address_key,
    v.*
from {{ source('bigcommerce_live', 'customer_form_field_values') }} as v
