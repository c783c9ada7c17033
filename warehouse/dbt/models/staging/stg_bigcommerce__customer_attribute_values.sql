-- Live customer_attribute_values (soft-deleted rows excluded by the view), keyed across stores.
select
    store_hash || ':' || id as attribute_value_key,
    store_hash || ':' || customer_id as customer_key,
    store_hash || ':' || attribute_id as attribute_key,
    v.*
from {{ source('bigcommerce_live', 'customer_attribute_values') }} as v
